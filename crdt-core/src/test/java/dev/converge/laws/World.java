package dev.converge.laws;

import dev.converge.Lattice;
import dev.converge.ReplicaId;
import java.util.List;

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

  /**
   * A world over a live list of states (it sees later changes to the list), with the replica ids
   * {@link History#IDS}.
   */
  static <T extends Lattice<T>> World<T> of(List<T> states) {
    return new World<>() {
      @Override
      public int size() {
        return states.size();
      }

      @Override
      public T state(int index) {
        return states.get(index);
      }

      @Override
      public ReplicaId id(int index) {
        return History.IDS.get(index);
      }
    };
  }
}
