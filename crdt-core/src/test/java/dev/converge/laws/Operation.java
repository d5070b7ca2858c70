package dev.converge.laws;

import dev.converge.Lattice;

/**
 * One step of a history: a mutator applied by a replica. It may read the state of other replicas
 * (a client that read from one replica and writes to another), never change them.
 *
 * @param <T> the lattice type
 */
public interface Operation<T extends Lattice<T>> {

  /** The new state of {@code replica} after the operation. */
  T apply(int replica, World<T> world);

  /**
   * The delta form of this operation, computed on the world before the operation: a state that
   * merged into the replica's state gives the state {@link #apply} returns. {@code null} when the
   * operation has no delta form.
   */
  default T delta(int replica, World<T> world) {
    return null;
  }

  /** A short description, printed with failing histories. */
  @Override
  String toString();
}
