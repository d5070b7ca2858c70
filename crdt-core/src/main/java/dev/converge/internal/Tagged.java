package dev.converge.internal;

import dev.converge.causal.Dot;
import java.util.Arrays;

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
