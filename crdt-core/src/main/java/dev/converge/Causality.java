package dev.converge;

/**
 * How two states of a {@link Lattice} are ordered: the result of {@code a.compare(b)}.
 *
 * <p>Exactly one constant holds for any pair of states; in particular {@link #EQUAL} and
 * {@link #CONCURRENT} never both describe the same pair.
 */
public enum Causality {
  /** {@code a < b}: {@code b} has seen everything {@code a} has, and more ({@code a.merge(b)} equals {@code b}). */
  BEFORE,
  /** {@code a > b}: {@code a} has seen everything {@code b} has, and more ({@code a.merge(b)} equals {@code a}). */
  AFTER,
  /** {@code a == b}: the two states are equal. */
  EQUAL,
  /** Neither state has seen everything the other has: each holds something the other lacks. */
  CONCURRENT;

  /**
   * The order seen from the other side: {@code a.compare(b).reverse() == b.compare(a)}.
   *
   * @return {@link #AFTER} for {@link #BEFORE} and vice versa; {@link #EQUAL} and {@link #CONCURRENT} unchanged
   */
  public Causality reverse() {
    switch (this) {
      case BEFORE:
        return AFTER;
      case AFTER:
        return BEFORE;
      default:
        return this;
    }
  }

  /**
   * Whether the first state is less than or equal to the second ({@link #BEFORE} or {@link #EQUAL}).
   *
   * @return {@code true} when the other state has seen everything this one has
   */
  public boolean isBeforeOrEqual() {
    return this == BEFORE || this == EQUAL;
  }

  /**
   * Whether the first state is greater than or equal to the second ({@link #AFTER} or {@link #EQUAL}).
   *
   * @return {@code true} when this state has seen everything the other has
   */
  public boolean isAfterOrEqual() {
    return this == AFTER || this == EQUAL;
  }
}
