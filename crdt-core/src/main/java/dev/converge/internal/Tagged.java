package dev.converge.internal;

import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Values tagged with the dots of the writes that produced them, sorted by dot: the slot of a
 * multi-value register or of one map key. Immutable; the arrays are never exposed.
 */
public final class Tagged {

  final Dot[] dots;
  final Object[] values;

  Tagged(Dot[] dots, Object[] values) {
    this.dots = dots;
    this.values = values;
  }

  /** One value written under {@code dot}. */
  public static Tagged of(Dot dot, Object value) {
    return new Tagged(new Dot[] {dot}, new Object[] {value});
  }

  /**
   * The values over these arrays, not copied and not checked: for decoders that validated them.
   *
   * @param dots at least one, strictly ascending, none {@code null}; never mutated afterwards
   * @param values parallel to {@code dots}, none {@code null}; never mutated afterwards
   * @return the tagged values
   */
  public static Tagged wrap(Dot[] dots, Object[] values) {
    return new Tagged(dots, values);
  }

  /**
   * Values by dot, for restoring states from their parts: dots sorted, each checked to be in
   * {@code context} and not yet in {@code used} (which collects them). {@code what} names the
   * owner in messages.
   */
  public static Tagged restore(Map<Dot, ?> byDot, CausalContext context,
      Set<Dot> used, String what) {
    if (byDot.isEmpty()) {
      throw new IllegalArgumentException(what + " has no values");
    }
    Dot[] ds = byDot.keySet().toArray(new Dot[0]);
    Arrays.sort(ds);
    Object[] vs = new Object[ds.length];
    for (int i = 0; i < ds.length; i++) {
      Dot d = Objects.requireNonNull(ds[i], what + " has a null dot");
      if (!context.contains(d)) {
        throw new IllegalArgumentException("dot " + d + " of " + what + " is not in the context " + context);
      }
      if (!used.add(d)) {
        throw new IllegalArgumentException("dot " + d + " tags two values (" + what + "): a replica reused a dot");
      }
      vs[i] = Objects.requireNonNull(byDot.get(d), () -> what + " has a null value at " + d);
    }
    return new Tagged(ds, vs);
  }

  /** The number of values. */
  public int size() {
    return dots.length;
  }

  /** The dot of value {@code i}. */
  public Dot dot(int i) {
    return dots[i];
  }

  /** Value {@code i}, in dot order. */
  public Object value(int i) {
    return values[i];
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof Tagged && Arrays.equals(dots, ((Tagged) o).dots) && Arrays.equals(values, ((Tagged) o).values));
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(dots) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < dots.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(dots[i]).append('=').append(values[i]);
    }
    return sb.append(']').toString();
  }
}
