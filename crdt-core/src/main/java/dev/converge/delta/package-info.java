/**
 * Delta-state replication: {@link dev.converge.delta.DeltaReplicator} ships the deltas a replica
 * produced or received as delta intervals, with acknowledgements per peer and a fallback to full
 * state (Almeida, Shoker, Baquero, "Delta State Replicated Data Types", 2018, Algorithm 2).
 */
package dev.converge.delta;
