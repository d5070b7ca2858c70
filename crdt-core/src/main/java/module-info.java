/**
 * Converge: CRDTs and causality types for the JVM.
 *
 * <p>Every replicated type is an immutable value whose {@code merge} is the join of a
 * join-semilattice ({@link dev.converge.Lattice}): replicas that exchange state in any order, any
 * number of times, end up equal.
 *
 * <ul>
 *   <li>{@link dev.converge}: the lattice contract, {@link dev.converge.Causality} and
 *       {@link dev.converge.ReplicaId};
 *   <li>{@link dev.converge.causal}: dots, version vectors, causal contexts, dotted version
 *       vectors and {@link dev.converge.causal.Siblings} (the DVVSet of Riak);
 *   <li>{@link dev.converge.counter}: grow-only and positive-negative counters;
 *   <li>{@link dev.converge.register}: last-writer-wins and multi-value registers, hybrid logical
 *       clocks;
 *   <li>{@link dev.converge.set}: the add-wins observed-remove set;
 *   <li>{@link dev.converge.map}: the observed-remove map of lattices;
 *   <li>{@link dev.converge.delta}: delta-state replication with causal delivery;
 *   <li>{@link dev.converge.kryo}: Kryo serializers with a stable, versioned wire format (Kryo is
 *       an optional module: {@code requires static}).
 * </ul>
 */
module dev.converge.core {
  requires static transitive com.esotericsoftware.kryo;

  exports dev.converge;
  exports dev.converge.causal;
  exports dev.converge.counter;
  exports dev.converge.delta;
  exports dev.converge.kryo;
  exports dev.converge.map;
  exports dev.converge.register;
  exports dev.converge.set;
}
