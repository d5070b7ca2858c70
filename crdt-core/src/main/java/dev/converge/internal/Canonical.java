package dev.converge.internal;

import java.util.Comparator;

/** Deterministic orders of arbitrary values, for canonical iteration and encoding. */
public final class Canonical {

  private Canonical() {}

  /**
   * Orders distinct values that share a hash code: by natural order when both are
   * {@link Comparable} of one class, else by class name, else by {@code toString()}. Values that
   * tie on all of these and yet are not equal cannot be ordered (0).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static final Comparator<Object> TIE_BREAK = (x, y) -> {
    if (x.equals(y)) {
      return 0;
    }
    if (x.getClass() == y.getClass() && x instanceof Comparable) {
      int c;
      try {
        c = ((Comparable) x).compareTo(y);
      } catch (ClassCastException e) {
        c = 0;
      }
      if (c != 0) {
        return c;
      }
    }
    int c = x.getClass().getName().compareTo(y.getClass().getName());
    return c != 0 ? c : x.toString().compareTo(y.toString());
  };

  /** By hash code, then {@link #TIE_BREAK}. */
  public static final Comparator<Object> BY_HASH = (x, y) -> {
    int c = Integer.compare(x.hashCode(), y.hashCode());
    return c != 0 ? c : TIE_BREAK.compare(x, y);
  };
}
