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
   * The order of two pairs of states compared component by component (the product order): if
   * {@code x1.compare(y1)} is this and {@code x2.compare(y2)} is {@code other}, the pair
   * {@code (x1, x2)} relates to {@code (y1, y2)} as the result.
   *
   * @param other the order of the second components
   * @return {@link #EQUAL} when both are equal, the non-equal one when the other is {@link #EQUAL},
   *     the common order when both agree, {@link #CONCURRENT} otherwise
   */
  public Causality and(Causality other) {
    if (this == other || other == EQUAL) {
      return this;
    }
    return this == EQUAL ? other : CONCURRENT;
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
