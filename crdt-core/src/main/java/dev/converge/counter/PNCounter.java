package dev.converge.counter;

import dev.converge.Causality;
import dev.converge.Lattice;
import dev.converge.Prunable;
import dev.converge.ReplicaId;
import dev.converge.Stats;
import dev.converge.causal.VersionVector;
import dev.converge.internal.Sizes;
import java.math.BigInteger;
import java.util.Objects;

/**
 * A counter that goes up and down: two grow-only counters, one of increments and one of
 * decrements; the value is their difference.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>immutable and thread-safe;
 *   <li>a join-semilattice (the product of two {@link GCounter}s), with {@link #empty()} as
 *       identity; merge returns {@code this} or {@code other} when one dominates;
 *   <li>exact arithmetic: overflow throws {@link ArithmeticException}; negative amounts are
 *       rejected (use {@link #decrement} to count down).
 * </ul>
 *
 * <pre>{@code
 * PNCounter stock = PNCounter.empty().increment(a, 10);
 * PNCounter soldOnA = stock.decrement(a, 3);
 * PNCounter soldOnB = stock.decrement(b, 2);
 * soldOnA.merge(soldOnB).value();   // 5: both sales count
 * }</pre>
 */
public final class PNCounter implements Lattice<PNCounter>, Prunable<PNCounter> {

  private static final PNCounter EMPTY = new PNCounter(GCounter.empty(), GCounter.empty());

  private final GCounter increments;
  private final GCounter decrements;

  private PNCounter(GCounter increments, GCounter decrements) {
    this.increments = increments;
    this.decrements = decrements;
  }

  /**
   * The counter at zero. The identity of {@link #merge}.
   *
   * @return the empty counter (a singleton)
   */
  public static PNCounter empty() {
    return EMPTY;
  }

  /**
   * The counter made of the given increments and decrements: for decoders and applications that
   * bring their own wire format.
   *
   * @param increments the increments per replica
   * @param decrements the decrements per replica
   * @return the counter
   * @throws NullPointerException if an argument is {@code null}
   */
  public static PNCounter of(GCounter increments, GCounter decrements) {
    Objects.requireNonNull(increments, "increments");
    Objects.requireNonNull(decrements, "decrements");
    return increments.counts().isEmpty() && decrements.counts().isEmpty()
        ? EMPTY : new PNCounter(increments, decrements);
  }

  /**
   * The counter after {@code replica} adds one.
   *
   * @param replica the replica counting
   * @return the new counter
   * @throws NullPointerException if {@code replica} is {@code null}
   * @throws ArithmeticException if the replica's count of increments would overflow
   */
  public PNCounter increment(ReplicaId replica) {
    return increment(replica, 1);
  }

  /**
   * The counter after {@code replica} adds {@code amount}.
   *
   * @param replica the replica counting
   * @param amount how much to add, at least 0
   * @return the new counter, or {@code this} when {@code amount} is 0
   * @throws NullPointerException if {@code replica} is {@code null}
   * @throws IllegalArgumentException if {@code amount} is negative
   * @throws ArithmeticException if the replica's count of increments would overflow
   */
  public PNCounter increment(ReplicaId replica, long amount) {
    GCounter p = increments.increment(replica, amount);
    return p == increments ? this : new PNCounter(p, decrements);
  }

  /**
   * The counter after {@code replica} subtracts one.
   *
   * @param replica the replica counting
   * @return the new counter
   * @throws NullPointerException if {@code replica} is {@code null}
   * @throws ArithmeticException if the replica's count of decrements would overflow
   */
  public PNCounter decrement(ReplicaId replica) {
    return decrement(replica, 1);
  }

  /**
   * The counter after {@code replica} subtracts {@code amount}.
   *
   * @param replica the replica counting
   * @param amount how much to subtract, at least 0
   * @return the new counter, or {@code this} when {@code amount} is 0
   * @throws NullPointerException if {@code replica} is {@code null}
   * @throws IllegalArgumentException if {@code amount} is negative
   * @throws ArithmeticException if the replica's count of decrements would overflow
   */
  public PNCounter decrement(ReplicaId replica, long amount) {
    GCounter n = decrements.increment(replica, amount);
    return n == decrements ? this : new PNCounter(increments, n);
  }

  /**
   * The delta of {@link #increment(ReplicaId, long)}: only the new count of increments of
   * {@code replica}.
   *
   * <p>Delta mutator (Almeida, Shoker, Baquero 2018): {@code state.merge(delta)} equals the
   * state after the operation, and deltas of several operations merge into one delta group.
   *
   * @param replica the replica counting
   * @param amount how much to add, at least 0
   * @return the delta
   * @throws NullPointerException if {@code replica} is {@code null}
   * @throws IllegalArgumentException if {@code amount} is negative
   * @throws ArithmeticException if the replica's count would overflow
   */
  public PNCounter incrementDelta(ReplicaId replica, long amount) {
    GCounter d = increments.incrementDelta(replica, amount);
    return d.equals(GCounter.empty()) ? EMPTY : new PNCounter(d, GCounter.empty());
  }

  /**
   * The delta of {@link #decrement(ReplicaId, long)}: only the new count of decrements of
   * {@code replica}.
   *
   * <p>Delta mutator (Almeida, Shoker, Baquero 2018): {@code state.merge(delta)} equals the
   * state after the operation, and deltas of several operations merge into one delta group.
   *
   * @param replica the replica counting
   * @param amount how much to subtract, at least 0
   * @return the delta
   * @throws NullPointerException if {@code replica} is {@code null}
   * @throws IllegalArgumentException if {@code amount} is negative
   * @throws ArithmeticException if the replica's count would overflow
   */
  public PNCounter decrementDelta(ReplicaId replica, long amount) {
    GCounter d = decrements.incrementDelta(replica, amount);
    return d.equals(GCounter.empty()) ? EMPTY : new PNCounter(GCounter.empty(), d);
  }

  /**
   * The counter without the entries of a replica that left for good: its increments and
   * decrements are folded into {@code heir}'s, so the value is unchanged.
   *
   * <p>The protocol is {@link Prunable}'s: the heir prunes, every other replica calls {@link
   * #pruneCleanup}. A state from before the pruning that is merged without being cleaned up first
   * counts the retired replica twice (once folded into the heir, once on its own).
   *
   * @param retired the replica that left
   * @param heir the live replica whose entries absorb the counts
   * @return the pruned counter, or {@code this} when {@code retired} has no entry
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   * @throws ArithmeticException if a count of the heir would overflow
   */
  @Override
  public PNCounter prune(ReplicaId retired, ReplicaId heir) {
    GCounter p = increments.prune(retired, heir);
    GCounter n = decrements.prune(retired, heir);
    return p == increments && n == decrements ? this : new PNCounter(p, n);
  }
  /**
   * Every other replica's step of {@link Prunable}: the counter without the retired replica's
   * entries, which the heir's pruned state holds folded into the heir's. Merging the heir's pruned
   * state before or after the cleanup gives the same counter; until it arrives, the cleaned-up
   * counter lacks the retired replica's counts.
   *
   * @param retired the replica that left
   * @param heir the live replica that took over
   * @return the counter without {@code retired}, or {@code this} when it has no entry
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   */
  @Override
  public PNCounter pruneCleanup(ReplicaId retired, ReplicaId heir) {
    GCounter p = increments.pruneCleanup(retired, heir);
    GCounter n = decrements.pruneCleanup(retired, heir);
    return p == increments && n == decrements ? this : new PNCounter(p, n);
  }


  /**
   * Increments minus decrements.
   *
   * @return the counter's value
   * @throws ArithmeticException if the value overflows {@code long} (use {@link #bigValue()})
   */
  public long value() {
    return bigValue().longValueExact();
  }

  /**
   * Increments minus decrements, exactly.
   *
   * @return the counter's value
   */
  public BigInteger bigValue() {
    return increments.bigValue().subtract(decrements.bigValue());
  }

  /**
   * The grow-only counter of increments.
   *
   * @return the increments per replica
   */
  public GCounter increments() {
    return increments;
  }

  /**
   * The grow-only counter of decrements.
   *
   * @return the decrements per replica
   */
  public GCounter decrements() {
    return decrements;
  }

  /**
   * The metadata this value carries: replicas tracked, elements, individual dots, cloud, estimated
   * encoded bytes.
   *
   * @return the figures
   */
  public Stats stats() {
    // Kryo layout: a replica table, then both vectors as (index, counter) entries.
    VersionVector all = increments.counts().merge(decrements.counts());
    long bytes = 1 + Sizes.ids(all);
    for (GCounter side : new GCounter[] {increments, decrements}) {
      VersionVector v = side.counts();
      bytes += Sizes.varint(v.size());
      int index = 0; // both vectors are sorted: walk the union alongside
      for (int i = 0; i < v.size(); i++) {
        while (!all.replicaAt(index).equals(v.replicaAt(i))) {
          index++;
        }
        bytes += Sizes.varint(index) + Sizes.varint(v.counterAt(i));
      }
    }
    return new Stats(all.size(), 0, 0, 0, bytes);
  }

  @Override
  public PNCounter merge(PNCounter other) {
    Objects.requireNonNull(other, "other");
    GCounter p = increments.merge(other.increments);
    GCounter n = decrements.merge(other.decrements);
    if (p == increments && n == decrements) {
      return this;
    }
    // A component merge returns `this` on equality, so the other side may dominate with a
    // component equal to ours: check equality before allocating.
    if ((p == other.increments || p.equals(other.increments)) && (n == other.decrements || n.equals(other.decrements))) {
      return other;
    }
    return new PNCounter(p, n);
  }

  @Override
  public Causality compare(PNCounter other) {
    Objects.requireNonNull(other, "other");
    return increments.compare(other.increments).and(decrements.compare(other.decrements));
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof PNCounter
            && increments.equals(((PNCounter) o).increments)
            && decrements.equals(((PNCounter) o).decrements));
  }

  @Override
  public int hashCode() {
    return 31 * increments.hashCode() + decrements.hashCode();
  }

  /** Returns the value and both sides, for example {@code PNCounter{value=5, p={a=10}, n={a=3, b=2}}}. */
  @Override
  public String toString() {
    return "PNCounter{value=" + bigValue() + ", p=" + entries(increments) + ", n=" + entries(decrements) + "}";
  }

  private static String entries(GCounter c) {
    String s = c.counts().toString();
    return s.substring(s.indexOf('{'));
  }
}
