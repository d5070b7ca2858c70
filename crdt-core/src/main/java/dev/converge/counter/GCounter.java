package dev.converge.counter;

import dev.converge.Causality;
import dev.converge.Lattice;
import dev.converge.Prunable;
import dev.converge.ReplicaId;
import dev.converge.Stats;
import dev.converge.causal.VersionVector;
import dev.converge.internal.Pruning;
import dev.converge.internal.Sizes;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A grow-only counter: each replica counts its own increments, and the value is the sum over
 * replicas. Merging takes the pointwise maximum, so {@code {n1=4, n2=10}} merged with
 * {@code {n1=7, n2=6}} is {@code {n1=7, n2=10}}, value 17 (not the larger of the two totals).
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>immutable and thread-safe; {@code increment} returns a new counter;
 *   <li>a join-semilattice (pointwise maximum), with {@link #empty()} as identity; merge returns
 *       {@code this} or {@code other} when one dominates;
 *   <li>exact arithmetic: a replica's count or the total overflowing {@code long} throws
 *       {@link ArithmeticException}, never wraps; {@link #bigValue()} never overflows.
 * </ul>
 *
 * <pre>{@code
 * GCounter onA = GCounter.empty().increment(a, 4);
 * GCounter onB = GCounter.empty().increment(b, 10);
 * onA.merge(onB).value();                          // 14, whatever the order of merges
 * onA.increment(a, 3).merge(onA).value();          // 7: merging an older state changes nothing
 * }</pre>
 *
 * <p>A replica may only increment its own entry: two replicas incrementing under the same id lose
 * increments, as the maximum of their counts survives.
 */
public final class GCounter implements Lattice<GCounter>, Prunable<GCounter> {

  private static final GCounter EMPTY = new GCounter(VersionVector.empty());

  /** The counts per replica share the representation of a version vector. */
  private final VersionVector counts;

  private GCounter(VersionVector counts) {
    this.counts = counts;
  }

  /**
   * The counter at zero, with no replica. The identity of {@link #merge}.
   *
   * @return the empty counter (a singleton)
   */
  public static GCounter empty() {
    return EMPTY;
  }

  /**
   * The counter holding the given count per replica: for decoders and applications that bring
   * their own wire format.
   *
   * @param counts the count of each replica
   * @return the counter
   * @throws NullPointerException if {@code counts} is {@code null}
   */
  public static GCounter of(VersionVector counts) {
    Objects.requireNonNull(counts, "counts");
    return counts.isEmpty() ? EMPTY : new GCounter(counts);
  }

  /**
   * The counter after {@code replica} adds one.
   *
   * @param replica the replica counting
   * @return the new counter
   * @throws NullPointerException if {@code replica} is {@code null}
   * @throws ArithmeticException if the replica's count would overflow
   */
  public GCounter increment(ReplicaId replica) {
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
   * @throws ArithmeticException if the replica's count would overflow
   */
  public GCounter increment(ReplicaId replica, long amount) {
    Objects.requireNonNull(replica, "replica");
    if (amount < 0) {
      throw new IllegalArgumentException("amount must be >= 0, got " + amount + " for replica " + replica);
    }
    if (amount == 0) {
      return this;
    }
    long current = counts.get(replica);
    long next;
    try {
      next = Math.addExact(current, amount);
    } catch (ArithmeticException e) {
      throw new ArithmeticException("count of replica " + replica + " overflows: " + current + " + " + amount);
    }
    return new GCounter(counts.merge(VersionVector.of(replica, next)));
  }

  /**
   * The delta of {@link #increment(ReplicaId, long)}: a counter holding only the new count of
   * {@code replica}, to ship instead of the whole state.
   *
   * <p>Delta mutator (Almeida, Shoker, Baquero 2018): {@code state.merge(delta)} equals the
   * state after the operation, and deltas of several operations merge into one delta group.
   *
   * @param replica the replica counting
   * @param amount how much to add, at least 0
   * @return the delta ({@link #empty()} when {@code amount} is 0)
   * @throws NullPointerException if {@code replica} is {@code null}
   * @throws IllegalArgumentException if {@code amount} is negative
   * @throws ArithmeticException if the replica's count would overflow
   */
  public GCounter incrementDelta(ReplicaId replica, long amount) {
    GCounter next = increment(replica, amount);
    return next == this ? EMPTY : new GCounter(VersionVector.of(replica, next.get(replica)));
  }

  /**
   * The counter without the entry of a replica that left for good: its count is folded into
   * {@code heir}'s, so the value is unchanged and the counter tracks one replica fewer.
   *
   * <p>The protocol is {@link Prunable}'s: the heir prunes, every other replica calls {@link
   * #pruneCleanup}. A state from before the pruning that is merged without being cleaned up first
   * counts the retired replica twice (once folded into the heir, once on its own).
   *
   * @param retired the replica that left
   * @param heir the live replica whose entry absorbs the count
   * @return the pruned counter, or {@code this} when {@code retired} has no entry
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   * @throws ArithmeticException if the heir's count would overflow
   */
  @Override
  public GCounter prune(ReplicaId retired, ReplicaId heir) {
    Pruning.check(retired, heir);
    long count = counts.get(retired);
    if (count == 0) {
      return this;
    }
    Map<ReplicaId, Long> entries = new HashMap<>(counts.toMap());
    entries.remove(retired);
    long current = entries.getOrDefault(heir, 0L);
    try {
      entries.put(heir, Math.addExact(current, count));
    } catch (ArithmeticException e) {
      throw new ArithmeticException("count of heir " + heir + " overflows: " + current + " + " + count);
    }
    return new GCounter(VersionVector.of(entries));
  }

  /**
   * Every other replica's step of {@link Prunable}: the counter without the retired replica's
   * entry, which the heir's pruned state holds folded into the heir's. Merging the heir's pruned
   * state before or after the cleanup gives the same counter; until it arrives, the cleaned-up
   * counter lacks the retired replica's count.
   *
   * @param retired the replica that left
   * @param heir the live replica that took over
   * @return the counter without {@code retired}, or {@code this} when it has no entry
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   */
  @Override
  public GCounter pruneCleanup(ReplicaId retired, ReplicaId heir) {
    Pruning.check(retired, heir);
    VersionVector v = counts.prune(retired, heir);
    return v == counts ? this : v.isEmpty() ? EMPTY : new GCounter(v);
  }

  /**
   * The sum of every replica's count.
   *
   * @return the counter's value
   * @throws ArithmeticException if the sum overflows {@code long} (use {@link #bigValue()})
   */
  public long value() {
    long sum = 0;
    for (int i = 0; i < counts.size(); i++) {
      long c = counts.counterAt(i);
      sum += c;
      if (sum < 0) {
        throw new ArithmeticException("the counter's value overflows long; use bigValue()");
      }
    }
    return sum;
  }

  /**
   * The sum of every replica's count, exactly.
   *
   * @return the counter's value
   */
  public BigInteger bigValue() {
    BigInteger sum = BigInteger.ZERO;
    for (int i = 0; i < counts.size(); i++) {
      sum = sum.add(BigInteger.valueOf(counts.counterAt(i)));
    }
    return sum;
  }

  /**
   * The count of one replica.
   *
   * @param replica the replica
   * @return its count, 0 when it never incremented
   * @throws NullPointerException if {@code replica} is {@code null}
   */
  public long get(ReplicaId replica) {
    return counts.get(replica);
  }

  /**
   * The replicas that incremented.
   *
   * @return an unmodifiable set in ascending order
   */
  public Set<ReplicaId> replicas() {
    return counts.replicas();
  }

  /**
   * The counts per replica, as a version vector.
   *
   * @return the counts
   */
  public VersionVector counts() {
    return counts;
  }

  /**
   * The metadata this value carries: replicas tracked, elements, individual dots, cloud, estimated
   * encoded bytes.
   *
   * @return the figures
   */
  public Stats stats() {
    return new Stats(counts.size(), 0, 0, 0, 1 + Sizes.vector(counts));
  }

  @Override
  public GCounter merge(GCounter other) {
    Objects.requireNonNull(other, "other");
    VersionVector m = counts.merge(other.counts);
    if (m == counts) {
      return this;
    }
    return m == other.counts ? other : new GCounter(m);
  }

  @Override
  public Causality compare(GCounter other) {
    Objects.requireNonNull(other, "other");
    return counts.compare(other.counts);
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof GCounter && counts.equals(((GCounter) o).counts));
  }

  @Override
  public int hashCode() {
    return counts.hashCode();
  }

  /** Returns the value and the counts, for example {@code GCounter{value=14, a=4, b=10}}. */
  @Override
  public String toString() {
    String entries = counts.toString();
    String inner = entries.substring(entries.indexOf('{') + 1, entries.length() - 1);
    return "GCounter{value=" + bigValue() + (inner.isEmpty() ? "" : ", " + inner) + "}";
  }
}
