package dev.converge.laws;

import dev.converge.Lattice;
import dev.converge.ReplicaId;

/**
 * The replicas of a history while it is replayed.
 *
 * @param <T> the lattice type
 */
public interface World<T extends Lattice<T>> {

  /** The number of replicas. */
  int size();

  /** The current state of replica {@code index}. */
  T state(int index);

  /** The id of replica {@code index}: {@code r0}, {@code r1}, ... */
  ReplicaId id(int index);
}
