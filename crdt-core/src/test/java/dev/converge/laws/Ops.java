package dev.converge.laws;

import dev.converge.Lattice;

/** Builds named operations for models from lambdas. */
public final class Ops {

  private Ops() {}

  /** A step of an operation: the new state (or the delta) of {@code replica}. */
  public interface Step<T extends Lattice<T>> {
    T apply(int replica, World<T> world);
  }

  /** An operation without a delta form. */
  public static <T extends Lattice<T>> Operation<T> op(String name, Step<T> apply) {
    return op(name, apply, null);
  }

  /** An operation with a delta form ({@code delta} may be {@code null}). */
  public static <T extends Lattice<T>> Operation<T> op(String name, Step<T> apply, Step<T> delta) {
    return new Operation<>() {
      @Override
      public T apply(int replica, World<T> world) {
        return apply.apply(replica, world);
      }

      @Override
      public T delta(int replica, World<T> world) {
        return delta == null ? null : delta.apply(replica, world);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }
}
