/**
 * The lattice contract shared by every Converge type: {@link dev.converge.Lattice}, the partial
 * order it reports ({@link dev.converge.Causality}) and the identity of a replica
 * ({@link dev.converge.ReplicaId}).
 */
package dev.converge;
