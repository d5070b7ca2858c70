package dev.converge.laws;

import dev.converge.Lattice;
import java.util.SplittableRandom;

/**
 * How to build reachable states of one lattice type: its empty state and its random operations.
 * States are never made from random field values, only by replaying operation histories.
 *
 * @param <T> the lattice type
 */
public interface Model<T extends Lattice<T>> {

  /** The type's empty state, the identity of merge. */
  T empty();

  /**
   * A random operation for a replica to apply in a world of {@code replicaCount} replicas. The
   * operation must be deterministic: replaying it on the same world gives the same state.
   */
  Operation<T> randomOperation(SplittableRandom random, int replicaCount);

  /** A model with the given empty state, whose operations ignore the number of replicas. */
  static <T extends Lattice<T>> Model<T> of(T empty, java.util.function.Function<SplittableRandom, Operation<T>> operations) {
    return new Model<>() {
      @Override
      public T empty() {
        return empty;
      }

      @Override
      public Operation<T> randomOperation(SplittableRandom random, int replicaCount) {
        return operations.apply(random);
      }
    };
  }
}
