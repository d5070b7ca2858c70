package dev.converge;

/**
 * A state-based CRDT: an immutable value of a join-semilattice.
 *
 * <p>Guarantees every implementation in Converge keeps, each checked by a property-based law suite
 * on states built from operation histories:
 *
 * <ul>
 *   <li>{@code merge} is the least upper bound (join): idempotent ({@code a.merge(a)} equals
 *       {@code a}), commutative ({@code a.merge(b)} equals {@code b.merge(a)}) and associative;
 *   <li>the type's {@code empty()} state is the identity of {@code merge};
 *   <li>{@code compare} is the lattice's partial order and agrees with {@code merge}:
 *       {@code a.compare(b) == BEFORE} exactly when {@code a.merge(b).equals(b)} and
 *       {@code !a.equals(b)};
 *   <li>every mutator inflates: {@code x.compare(x.op(..))} is {@code BEFORE} or {@code EQUAL}.
 * </ul>
 *
 * <p>So replicas that exchange states in any order, with duplicates, and merge what they receive,
 * end up equal. The order reported by {@code compare} is a partial order, so no Converge type
 * implements {@link Comparable} for it.
 *
 * @param <T> the implementing type
 */
public interface Lattice<T extends Lattice<T>> {

  /**
   * The join of this state and {@code other}: the smallest state that has seen everything both have.
   *
   * <p>Returns {@code this} or {@code other} (no allocation) when one already dominates the other.
   *
   * @param other the state to merge in, never {@code null}
   * @return the least upper bound of the two states
   * @throws NullPointerException if {@code other} is {@code null}
   */
  T merge(T other);

  /**
   * Where this state stands relative to {@code other} in the lattice's partial order.
   *
   * @param other the state to compare with, never {@code null}
   * @return {@link Causality#BEFORE} when {@code other} has seen everything this state has and
   *     more, {@link Causality#AFTER} for the reverse, {@link Causality#EQUAL} for equal states,
   *     {@link Causality#CONCURRENT} otherwise
   * @throws NullPointerException if {@code other} is {@code null}
   */
  Causality compare(T other);
}
