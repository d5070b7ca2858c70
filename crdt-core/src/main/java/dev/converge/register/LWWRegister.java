package dev.converge.register;

import dev.converge.Causality;
import dev.converge.Lattice;
import dev.converge.ReplicaId;
import dev.converge.Stats;
import dev.converge.internal.Sizes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A last-writer-wins register: one value and the write that put it there, identified by its
 * {@link Timestamp} and the {@link ReplicaId} of its writer. Of two writes, the one with the greater
 * {@code (timestamp, writer)} wins.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>immutable and thread-safe (as far as the values are); values are compared with
 *       {@code equals};
 *   <li>a join-semilattice: {@link #merge} is idempotent, commutative and associative with
 *       {@link #empty()} as identity, for every input, including writes that share a timestamp;
 *       it returns {@code this} or {@code other} without allocating when one side wins;
 *   <li>deterministic winner: writes are ordered by timestamp, then by writer, a total order, so
 *       every replica picks the same winner whatever the order of delivery (scenario S2 (a)). Two
 *       registers holding different writes are always ordered: {@link #compare} says
 *       {@link Causality#BEFORE} or {@link Causality#AFTER}, never {@link Causality#CONCURRENT}
 *       (but see colliding writes below);
 *   <li>no silent loss: {@link #resolve} returns the merged register together with the write it
 *       discarded (scenario S2 (c)).
 * </ul>
 *
 * <p>Under concurrency the greater stamp wins, whatever happened in real time. With stamps from
 * skewed wall clocks, a client whose clock runs fast overwrites later writes; stamps from a
 * {@link HybridLogicalClock} fix the case that matters: a write issued after <em>observing</em>
 * another write always wins over it (scenario S2 (b); see
 * {@link #assign(Object, HybridLogicalClock, ReplicaId)}). Writes that did not see each other are
 * still decided by stamp, and {@link #resolve} reports the loser:
 *
 * <pre>{@code
 * LWWRegister<String> onPhone = LWWRegister.of("Alice", phoneClock.now(), phone);
 * LWWRegister<String> onLaptop = LWWRegister.of("Bob", laptopClock.now(), laptop);
 * LWWRegister.Resolution<String> r = onPhone.resolve(onLaptop);
 * r.winner().value();   // the write with the greater (timestamp, writer), on every replica
 * r.discarded();        // the other write: reported, not silently lost
 * }</pre>
 *
 * <p><b>Colliding writes.</b> Two writes with the same timestamp <em>and</em> writer but different
 * values claim one identity: only a misbehaving replica (one that reuses a stamp) produces them.
 * The register then keeps all of them, as a set, so merge stays a join for every input: it is the
 * union of the values at the winning {@code (timestamp, writer)}, and two registers whose sets
 * differ at the same identity are {@link Causality#CONCURRENT}. {@link #values()} lists them all;
 * {@link #value()} shows the greatest in a canonical order of values: by class name, then natural
 * order for {@link Comparable} values of the same class, then hash code, then
 * {@link String#valueOf(Object)}. Equal states therefore show the same value, unless two colliding
 * values are indistinguishable by all four keys and yet not equal; then {@link #value()} and
 * {@link #toString()} may show either (merge, {@code equals} and {@code hashCode} are unaffected).
 *
 * @param <V> the type of the value
 */
public final class LWWRegister<V> implements Lattice<LWWRegister<V>> {

  private static final Object[] NONE = {};
  private static final LWWRegister<?> EMPTY = new LWWRegister<>(null, null, null, NONE);

  /** The visible value: the greatest of the values at (timestamp, writer); {@code null} when empty. */
  private final V value;
  /** {@code null} exactly when empty. */
  private final Timestamp timestamp;
  /** {@code null} exactly when empty. */
  private final ReplicaId writer;
  /**
   * Other values written under the same (timestamp, writer), ascending in the canonical value
   * order, all below {@link #value}. {@link #NONE} unless writes collided.
   */
  private final Object[] collided;

  private LWWRegister(V value, Timestamp timestamp, ReplicaId writer, Object[] collided) {
    this.value = value;
    this.timestamp = timestamp;
    this.writer = writer;
    this.collided = collided;
  }

  /**
   * The empty register: no value, never written. The identity of {@link #merge}; every write wins
   * over it.
   *
   * @param <V> the type of the value
   * @return the empty register (a singleton)
   */
  @SuppressWarnings("unchecked")
  public static <V> LWWRegister<V> empty() {
    return (LWWRegister<V>) EMPTY;
  }

  /**
   * The register holding one write: {@code value}, stamped {@code timestamp}, by {@code writer}.
   *
   * @param <V> the type of the value
   * @param value the value written
   * @param timestamp the write's stamp, normally from a {@link HybridLogicalClock}
   * @param writer the replica that issued the write
   * @return the register
   * @throws NullPointerException if an argument is {@code null}
   */
  public static <V> LWWRegister<V> of(V value, Timestamp timestamp, ReplicaId writer) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(writer, "writer");
    return new LWWRegister<>(value, timestamp, writer, NONE);
  }

  /**
   * The register after the write of {@code value} stamped {@code timestamp} by {@code writer}:
   * exactly {@code this.merge(LWWRegister.of(value, timestamp, writer))}.
   *
   * <p>So the write wins only when {@code (timestamp, writer)} is greater than the current write's.
   * A write with an older stamp loses, as it would on every other replica, and this method returns
   * {@code this} unchanged; use {@link #resolve} to learn which write was discarded, or
   * {@link #assign(Object, HybridLogicalClock, ReplicaId)} to stamp a write that always wins here.
   * A write with the current stamp and writer but another value is a colliding write (see the
   * class documentation).
   *
   * @param value the value written
   * @param timestamp the write's stamp
   * @param writer the replica that issued the write
   * @return the register after the write: a new register, or {@code this} when the write lost or
   *     was already here
   * @throws NullPointerException if an argument is {@code null}
   */
  public LWWRegister<V> assign(V value, Timestamp timestamp, ReplicaId writer) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(writer, "writer");
    if (isEmpty()) {
      return new LWWRegister<>(value, timestamp, writer, NONE);
    }
    int c = compareWrites(timestamp, writer, this.timestamp, this.writer);
    if (c < 0) {
      return this;
    }
    if (c > 0) {
      return new LWWRegister<>(value, timestamp, writer, NONE);
    }
    return merge(new LWWRegister<>(value, timestamp, writer, NONE));
  }

  /**
   * The register holding several values written under one {@code (timestamp, writer)}: colliding
   * writes, as only a misbehaving replica makes them (see the class documentation). For decoders;
   * {@code ofColliding(List.of(v), t, w)} equals {@code of(v, t, w)}.
   *
   * @param values the values; duplicates are kept once
   * @param timestamp the writes' stamp
   * @param writer the replica that issued them
   * @param <V> the type of the value
   * @return the register
   * @throws NullPointerException if an argument or a value is {@code null}
   * @throws IllegalArgumentException if {@code values} is empty
   */
  public static <V> LWWRegister<V> ofColliding(Collection<? extends V> values, Timestamp timestamp, ReplicaId writer) {
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(writer, "writer");
    Set<Object> distinct = new LinkedHashSet<>();
    for (V v : values) {
      distinct.add(Objects.requireNonNull(v, "values contains null"));
    }
    if (distinct.isEmpty()) {
      throw new IllegalArgumentException("a write needs a value, got none");
    }
    List<Object> sorted = new ArrayList<>(distinct);
    sorted.sort(LWWRegister::compareValues);
    @SuppressWarnings("unchecked")
    V greatest = (V) sorted.get(sorted.size() - 1);
    Object[] rest = sorted.subList(0, sorted.size() - 1).toArray();
    return new LWWRegister<>(greatest, timestamp, writer, rest.length == 0 ? NONE : rest);
  }

  /**
   * The register after a local write of {@code value} stamped by {@code clock} after it observed
   * the current write's stamp: the write wins over the value this register holds, even when the
   * local wall clock is behind the writer of that value (scenario S2 (b)).
   *
   * <p>The stamp is {@code clock.observe(timestamp)} (or {@code clock.now()} on the empty
   * register), so it is greater than the current stamp.
   *
   * @param value the value written
   * @param clock the writer's clock; it observes the current stamp
   * @param writer the replica that issues the write
   * @return a new register holding only the new write
   * @throws NullPointerException if an argument is {@code null}
   * @throws HybridLogicalClock.ClockDriftException if the current stamp is too far ahead of the
   *     clock's wall clock to be observed (nothing is written)
   * @throws IllegalStateException if the clock fails (see {@link HybridLogicalClock#observe})
   */
  public LWWRegister<V> assign(V value, HybridLogicalClock clock, ReplicaId writer) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(writer, "writer");
    Timestamp stamp = isEmpty() ? clock.now() : clock.observe(timestamp);
    return new LWWRegister<>(value, stamp, writer, NONE);
  }

  /**
   * The delta of {@link #assign(Object, Timestamp, ReplicaId)}: the register holding only the new
   * write, to ship instead of the whole state (for a register the two are the same size).
   *
   * <p>Delta mutator (Almeida, Shoker, Baquero 2018): {@code state.merge(delta)} equals the
   * state after the operation, and deltas of several operations merge into one delta group.
   *
   * @param value the value written
   * @param timestamp the write's stamp
   * @param writer the replica that issues the write
   * @return the delta
   * @throws NullPointerException if an argument is {@code null}
   */
  public LWWRegister<V> assignDelta(V value, Timestamp timestamp, ReplicaId writer) {
    return of(value, timestamp, writer);
  }

  /**
   * The register's value: the value of the winning write.
   *
   * @return the value, or empty for the {@link #empty()} register
   */
  public Optional<V> value() {
    return Optional.ofNullable(value);
  }

  /**
   * The stamp of the winning write.
   *
   * @return the stamp, or empty for the {@link #empty()} register
   */
  public Optional<Timestamp> timestamp() {
    return Optional.ofNullable(timestamp);
  }

  /**
   * The replica that issued the winning write.
   *
   * @return the writer, or empty for the {@link #empty()} register
   */
  public Optional<ReplicaId> writer() {
    return Optional.ofNullable(writer);
  }

  /**
   * The winning write: its value, stamp and writer together.
   *
   * @return the write, or empty for the {@link #empty()} register
   */
  public Optional<Write<V>> write() {
    return isEmpty() ? Optional.empty() : Optional.of(new Write<>(value, timestamp, writer));
  }

  /**
   * Every value held at the winning {@code (timestamp, writer)}: one value, except after
   * colliding writes (see the class documentation).
   *
   * @return an unmodifiable list in ascending canonical order, whose last element is
   *     {@link #value()}; empty for the {@link #empty()} register
   */
  @SuppressWarnings("unchecked")
  public List<V> values() {
    if (isEmpty()) {
      return List.of();
    }
    if (collided.length == 0) {
      return List.of(value);
    }
    List<V> all = new ArrayList<>(collided.length + 1);
    for (Object v : collided) {
      all.add((V) v);
    }
    all.add(value);
    return Collections.unmodifiableList(all);
  }

  /**
   * Whether the register was never written.
   *
   * @return {@code true} for the {@link #empty()} register
   */
  public boolean isEmpty() {
    return timestamp == null;
  }

  /**
   * The metadata this value carries: replicas tracked, elements, individual dots, cloud, estimated
   * encoded bytes.
   *
   * @return the figures
   */
  public Stats stats() {
    if (isEmpty()) {
      return new Stats(0, 0, 0, 0, 2);
    }
    long bytes = 2 + Sizes.varint(timestamp.asLong()) + Sizes.string(writer.id()) + 1;
    for (V v : values()) {
      bytes += Sizes.value(v);
    }
    return new Stats(1, values().size(), 0, 0, bytes);
  }

  /**
   * The join: the register holding the winning write of the two, by {@code (timestamp, writer)}.
   * Returns {@code this} or {@code other} itself unless they hold colliding writes.
   *
   * @param other the register to merge in
   * @return the winner; for colliding writes, the register holding the values of both
   * @throws NullPointerException if {@code other} is {@code null}
   */
  @Override
  public LWWRegister<V> merge(LWWRegister<V> other) {
    Objects.requireNonNull(other, "other");
    if (other.isEmpty() || this == other) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    int c = compareWrites(timestamp, writer, other.timestamp, other.writer);
    if (c != 0) {
      return c > 0 ? this : other;
    }
    // Same identity: normally the same single value; else the union of the value sets (colliding writes).
    if (collided.length == 0 && other.collided.length == 0 && value.equals(other.value)) {
      return this;
    }
    Object[] mine = all();
    Object[] theirs = other.all();
    if (containsAll(mine, theirs)) {
      return this;
    }
    if (containsAll(theirs, mine)) {
      return other;
    }
    List<Object> union = new ArrayList<>(mine.length + theirs.length);
    Collections.addAll(union, mine);
    for (Object v : theirs) {
      if (!contains(mine, v)) {
        insertSorted(union, v);
      }
    }
    return fromSorted(union);
  }

  /**
   * The join together with the write it discarded: {@code winner()} is exactly
   * {@code this.merge(other)}, and {@code discarded()} the write of this register or of
   * {@code other} whose value the winner no longer shows.
   *
   * <p>A last-writer-wins register cannot tell whether the losing write was overwritten by a writer
   * that had seen it or lost to a concurrent write; with {@link HybridLogicalClock} stamps, a write
   * whose stamp the winning writer had observed was simply overwritten. Reporting every discarded
   * write lets the caller tell its client, log the conflict, or write again.
   *
   * @param other the register to merge in
   * @return the merged register and the discarded write, if any
   * @throws NullPointerException if {@code other} is {@code null}
   */
  public Resolution<V> resolve(LWWRegister<V> other) {
    LWWRegister<V> winner = merge(other);
    Optional<Write<V>> shown = winner.write();
    Optional<Write<V>> mine = write();
    if (mine.isPresent() && !mine.equals(shown)) {
      return new Resolution<>(winner, mine);
    }
    Optional<Write<V>> theirs = other.write();
    if (theirs.isPresent() && !theirs.equals(shown)) {
      return new Resolution<>(winner, theirs);
    }
    return new Resolution<>(winner, Optional.empty());
  }

  /**
   * Where this register stands relative to {@code other}: the empty register is before every
   * other; otherwise the register with the smaller {@code (timestamp, writer)} is before the other.
   * At the same {@code (timestamp, writer)}, the value sets are compared by inclusion, so
   * registers with colliding writes can be {@link Causality#CONCURRENT}; no other pair is.
   *
   * @param other the register to compare with
   * @return the order of the two registers in the lattice
   * @throws NullPointerException if {@code other} is {@code null}
   */
  @Override
  public Causality compare(LWWRegister<V> other) {
    Objects.requireNonNull(other, "other");
    if (isEmpty()) {
      return other.isEmpty() ? Causality.EQUAL : Causality.BEFORE;
    }
    if (other.isEmpty()) {
      return Causality.AFTER;
    }
    int c = compareWrites(timestamp, writer, other.timestamp, other.writer);
    if (c != 0) {
      return c < 0 ? Causality.BEFORE : Causality.AFTER;
    }
    if (collided.length == 0 && other.collided.length == 0) {
      return value.equals(other.value) ? Causality.EQUAL : Causality.CONCURRENT;
    }
    Object[] mine = all();
    Object[] theirs = other.all();
    boolean le = containsAll(theirs, mine);
    boolean ge = containsAll(mine, theirs);
    if (le) {
      return ge ? Causality.EQUAL : Causality.BEFORE;
    }
    return ge ? Causality.AFTER : Causality.CONCURRENT;
  }

  /** Orders writes by timestamp, then writer. */
  private static int compareWrites(Timestamp t1, ReplicaId w1, Timestamp t2, ReplicaId w2) {
    int c = t1.compareTo(t2);
    return c != 0 ? c : w1.compareTo(w2);
  }

  /** Every value at the winning identity, ascending in the canonical order ({@link #value} last). */
  private Object[] all() {
    Object[] all = new Object[collided.length + 1];
    System.arraycopy(collided, 0, all, 0, collided.length);
    all[collided.length] = value;
    return all;
  }

  /** The register at this identity holding {@code sorted} (ascending, at least two values). */
  @SuppressWarnings("unchecked")
  private LWWRegister<V> fromSorted(List<Object> sorted) {
    int last = sorted.size() - 1;
    Object[] rest = sorted.subList(0, last).toArray();
    return new LWWRegister<>((V) sorted.get(last), timestamp, writer, rest);
  }

  private static boolean contains(Object[] values, Object v) {
    for (Object x : values) {
      if (x.equals(v)) {
        return true;
      }
    }
    return false;
  }

  /** Whether every element of {@code sub} is in {@code values} (sets; both are small). */
  private static boolean containsAll(Object[] values, Object[] sub) {
    if (sub.length > values.length) {
      return false;
    }
    for (Object v : sub) {
      if (!contains(values, v)) {
        return false;
      }
    }
    return true;
  }

  /** Inserts {@code v} after every element not greater than it in the canonical order. */
  private static void insertSorted(List<Object> sorted, Object v) {
    int i = sorted.size();
    while (i > 0 && compareValues(sorted.get(i - 1), v) > 0) {
      i--;
    }
    sorted.add(i, v);
  }

  /**
   * The canonical order of colliding values: by class name, then natural order for
   * {@link Comparable} values of the same class, then hash code, then {@link String#valueOf}. A
   * total preorder, lexicographic on these keys.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compareValues(Object a, Object b) {
    Class<?> ca = a.getClass();
    Class<?> cb = b.getClass();
    int c = ca.getName().compareTo(cb.getName());
    if (c != 0) {
      return c;
    }
    if (ca == cb && a instanceof Comparable) {
      try {
        c = ((Comparable) a).compareTo(b);
      } catch (ClassCastException e) {
        c = 0; // Comparable to another type: fall through to the next keys
      }
      if (c != 0) {
        return c;
      }
    }
    c = Integer.compare(a.hashCode(), b.hashCode());
    if (c != 0) {
      return c;
    }
    return String.valueOf(a).compareTo(String.valueOf(b));
  }

  /**
   * Equal when both are empty, or both hold the same {@code (timestamp, writer)} and the same set
   * of values there.
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof LWWRegister)) {
      return false;
    }
    LWWRegister<?> r = (LWWRegister<?>) o;
    if (isEmpty() || r.isEmpty()) {
      return isEmpty() && r.isEmpty();
    }
    if (!timestamp.equals(r.timestamp) || !writer.equals(r.writer) || collided.length != r.collided.length) {
      return false;
    }
    if (collided.length == 0) {
      return value.equals(r.value);
    }
    return containsAll(all(), r.all());
  }

  @Override
  public int hashCode() {
    if (isEmpty()) {
      return 0;
    }
    int values = value.hashCode();
    for (Object v : collided) {
      values += v.hashCode(); // order-independent: the values form a set
    }
    return (31 * timestamp.hashCode() + writer.hashCode()) * 31 + values;
  }

  /**
   * Returns the winning write, for example
   * {@code LWWRegister{value=Bob, at=2024-05-01T12:00:00.123Z#0, by=b}}, with
   * {@code , collided=[..]} after colliding writes; {@code LWWRegister{}} when empty.
   */
  @Override
  public String toString() {
    if (isEmpty()) {
      return "LWWRegister{}";
    }
    StringBuilder sb = new StringBuilder("LWWRegister{value=").append(value)
        .append(", at=").append(timestamp)
        .append(", by=").append(writer);
    if (collided.length > 0) {
      sb.append(", collided=[");
      for (int i = 0; i < collided.length; i++) {
        sb.append(i > 0 ? ", " : "").append(collided[i]);
      }
      sb.append(']');
    }
    return sb.append('}').toString();
  }

  /**
   * One write: a value, its stamp and its writer.
   *
   * @param <V> the type of the value
   * @param value the value written
   * @param timestamp the write's stamp
   * @param writer the replica that issued the write
   */
  public record Write<V>(V value, Timestamp timestamp, ReplicaId writer) {

    /**
     * Creates a write.
     *
     * @param value the value written
     * @param timestamp the write's stamp
     * @param writer the replica that issued the write
     * @throws NullPointerException if an argument is {@code null}
     */
    public Write {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(timestamp, "timestamp");
      Objects.requireNonNull(writer, "writer");
    }

    /** Returns {@code value@timestamp by writer}, for example {@code Alice@2024-05-01T12:00:00Z#0 by a}. */
    @Override
    public String toString() {
      return value + "@" + timestamp + " by " + writer;
    }
  }

  /**
   * The outcome of {@link LWWRegister#resolve}: the merged register and the write the merge
   * discarded.
   *
   * @param <V> the type of the value
   * @param winner the merged register, exactly {@code a.merge(b)}
   * @param discarded the write of either operand that {@code winner} no longer shows; empty when
   *     nothing was lost (equal writes, or an empty operand)
   */
  public record Resolution<V>(LWWRegister<V> winner, Optional<Write<V>> discarded) {

    /**
     * Creates a resolution.
     *
     * @param winner the merged register
     * @param discarded the discarded write, if any
     * @throws NullPointerException if an argument is {@code null}
     */
    public Resolution {
      Objects.requireNonNull(winner, "winner");
      Objects.requireNonNull(discarded, "discarded");
    }
  }
}
