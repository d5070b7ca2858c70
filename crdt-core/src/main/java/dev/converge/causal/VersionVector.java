package dev.converge.causal;

import dev.converge.Causality;
import dev.converge.Lattice;
import dev.converge.Prunable;
import dev.converge.ReplicaId;
import dev.converge.Stats;
import dev.converge.internal.Pruning;
import dev.converge.internal.Sizes;
import dev.converge.internal.Trusted;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ObjLongConsumer;

/**
 * A version vector: for each replica, how many of its events have been seen. The vector
 * {@code {a=3, b=1}} stands for the causal history {@code {a:1, a:2, a:3, b:1}}.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>immutable and thread-safe; every "modifying" method returns a new vector, or {@code this}
 *       when nothing changes;
 *   <li>one canonical representation per value: entries sorted by replica, no zero entries, so
 *       {@code {}} equals {@code {a=0}}, {@code equals} is structural and {@code toString} is
 *       deterministic ({@code VersionVector{a=3, b=1}});
 *   <li>a join-semilattice under pointwise maximum: {@link #merge} is idempotent, commutative and
 *       associative with {@link #empty()} as identity; it returns {@code this} or {@code other}
 *       without allocating when one side dominates;
 *   <li>{@link #compare} is exact: {@link Causality#EQUAL} and {@link Causality#CONCURRENT} never
 *       both hold, and it allocates nothing.
 * </ul>
 *
 * <p>Concurrency detection (scenario S5):
 *
 * <pre>{@code
 * VersionVector x = VersionVector.of(Map.of(a, 2L));
 * VersionVector y = VersionVector.of(Map.of(a, 1L, b, 1L, c, 1L));
 * x.compare(y);                                         // CONCURRENT: each saw an event the other did not
 * VersionVector.of(Map.of(a, 1L)).compare(x.merge(y));  // BEFORE
 * }</pre>
 *
 * <p>Compare and merge are one merge-walk over two sorted arrays, linear in the number of entries,
 * with early exit for compare once both sides have something the other lacks. Vectors derived from
 * one another share their (immutable) replica array, which turns the walk into a counter loop.
 */
public final class VersionVector implements Lattice<VersionVector>, Prunable<VersionVector> {

  private static final ReplicaId[] NO_REPLICAS = {};
  private static final long[] NO_COUNTERS = {};
  private static final VersionVector EMPTY = new VersionVector(NO_REPLICAS, NO_COUNTERS);

  static {
    // Converge's decoders build vectors from arrays they validated in one pass (see Trusted).
    Trusted.setVectors(new Trusted.Vectors() {
      @Override
      public VersionVector wrap(ReplicaId[] replicas, long[] counters) {
        return VersionVector.wrap(replicas, counters);
      }

      @Override
      public ReplicaId[] replicas(VersionVector v) {
        return v.replicas;
      }
    });
  }

  /** Strictly ascending; shared between vectors (never mutated after construction). */
  private final ReplicaId[] replicas;
  /** Parallel to {@link #replicas}; every counter is at least 1. */
  private final long[] counters;

  private VersionVector(ReplicaId[] replicas, long[] counters) {
    this.replicas = replicas;
    this.counters = counters;
  }

  /** Wraps trusted arrays (sorted, no zero counters, never mutated afterwards) without copying. */
  static VersionVector wrap(ReplicaId[] replicas, long[] counters) {
    return replicas.length == 0 ? EMPTY : new VersionVector(replicas, counters);
  }

  /**
   * The empty vector: no events seen. The identity of {@link #merge}.
   *
   * @return the empty vector (a singleton)
   */
  public static VersionVector empty() {
    return EMPTY;
  }

  /**
   * The vector holding one entry {@code replica=counter}.
   *
   * @param replica the replica
   * @param counter how many of its events were seen, at least 0 (0 gives the empty vector)
   * @return the vector
   * @throws NullPointerException if {@code replica} is {@code null}
   * @throws IllegalArgumentException if {@code counter} is negative
   */
  public static VersionVector of(ReplicaId replica, long counter) {
    Objects.requireNonNull(replica, "replica");
    checkCounter(replica, counter);
    return counter == 0 ? EMPTY : new VersionVector(new ReplicaId[] {replica}, new long[] {counter});
  }

  /**
   * The vector holding the given entries. Zero counters are dropped (they carry no events).
   *
   * @param entries counter per replica; the map is copied, not retained
   * @return the vector
   * @throws NullPointerException if {@code entries}, one of its keys or one of its values is {@code null}
   * @throws IllegalArgumentException if a counter is negative (the message names the replica and value)
   */
  public static VersionVector of(Map<ReplicaId, Long> entries) {
    Objects.requireNonNull(entries, "entries");
    ReplicaId[] ids = new ReplicaId[entries.size()];
    long[] values = new long[ids.length];
    int n = 0;
    for (Map.Entry<ReplicaId, Long> e : entries.entrySet()) {
      ReplicaId id = Objects.requireNonNull(e.getKey(), "entries contains a null replica");
      Long value = e.getValue();
      if (value == null) {
        throw new NullPointerException("entries holds a null counter for replica " + id);
      }
      checkCounter(id, value);
      if (value != 0) {
        ids[n] = id;
        values[n] = value;
        n++;
      }
    }
    if (n == 0) {
      return EMPTY;
    }
    // Sort the entries by replica: an index sort keeps the two arrays parallel.
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    ReplicaId[] keys = ids;
    Arrays.sort(order, (x, y) -> keys[x].compareTo(keys[y]));
    ReplicaId[] sortedIds = new ReplicaId[n];
    long[] sortedCounters = new long[n];
    for (int i = 0; i < n; i++) {
      sortedIds[i] = ids[order[i]];
      sortedCounters[i] = values[order[i]];
      if (i > 0 && sortedIds[i].equals(sortedIds[i - 1])) {
        throw new IllegalArgumentException("entries holds replica " + sortedIds[i] + " twice");
      }
    }
    return new VersionVector(sortedIds, sortedCounters);
  }

  /**
   * The vector with the given entries, already in canonical form: for decoders and applications
   * that bring their own wire format. The arrays are copied.
   *
   * @param replicas the replicas, strictly ascending
   * @param counters their counters, each at least 1, parallel to {@code replicas}
   * @return the vector
   * @throws NullPointerException if an array or a replica is {@code null}
   * @throws IllegalArgumentException if the arrays differ in length, the replicas are not strictly
   *     ascending, or a counter is below 1 (the message names the entry)
   */
  public static VersionVector ofSorted(ReplicaId[] replicas, long[] counters) {
    Objects.requireNonNull(replicas, "replicas");
    Objects.requireNonNull(counters, "counters");
    if (replicas.length != counters.length) {
      throw new IllegalArgumentException(
          "replicas and counters differ in length: " + replicas.length + " and " + counters.length);
    }
    for (int i = 0; i < replicas.length; i++) {
      Objects.requireNonNull(replicas[i], "replicas contains null");
      if (counters[i] < 1) {
        throw new IllegalArgumentException("counter for replica " + replicas[i] + " must be >= 1, got " + counters[i]);
      }
      if (i > 0 && replicas[i - 1].compareTo(replicas[i]) >= 0) {
        throw new IllegalArgumentException(
            "replicas must be strictly ascending, got " + replicas[i - 1] + " before " + replicas[i]);
      }
    }
    return wrap(replicas.clone(), counters.clone());
  }

  private static void checkCounter(ReplicaId replica, long counter) {
    if (counter < 0) {
      throw new IllegalArgumentException(
          "counter for replica " + replica + " must be >= 0, got " + counter);
    }
  }

  /**
   * How many events of {@code replica} this vector has seen.
   *
   * @param replica the replica
   * @return its counter, 0 when the replica has no entry
   * @throws NullPointerException if {@code replica} is {@code null}
   */
  public long get(ReplicaId replica) {
    Objects.requireNonNull(replica, "replica");
    ReplicaId[] ids = replicas;
    if (ids.length <= 8) {
      // Ids are canonical instances: a reference scan beats string comparisons on small vectors.
      for (int i = 0; i < ids.length; i++) {
        if (ids[i] == replica) {
          return counters[i];
        }
      }
      return 0;
    }
    int i = indexOf(replica);
    return i < 0 ? 0 : counters[i];
  }

  /**
   * Whether the event {@code dot} is part of this vector's history.
   *
   * @param dot the event
   * @return {@code true} when {@code get(dot.replica()) >= dot.counter()}
   * @throws NullPointerException if {@code dot} is {@code null}
   */
  public boolean contains(Dot dot) {
    Objects.requireNonNull(dot, "dot");
    return get(dot.replica()) >= dot.counter();
  }

  /**
   * The vector after one more event of {@code replica}.
   *
   * @param replica the replica issuing the event
   * @return a new vector whose entry for {@code replica} is one higher
   * @throws NullPointerException if {@code replica} is {@code null}
   * @throws ArithmeticException if the counter would overflow {@link Long#MAX_VALUE}
   */
  public VersionVector increment(ReplicaId replica) {
    Objects.requireNonNull(replica, "replica");
    int i = indexOf(replica);
    if (i >= 0) {
      long c = counters[i];
      if (c == Long.MAX_VALUE) {
        throw new ArithmeticException("counter of replica " + replica + " overflows Long.MAX_VALUE");
      }
      long[] next = counters.clone();
      next[i] = c + 1;
      return new VersionVector(replicas, next);
    }
    return insert(-i - 1, replica, 1);
  }

  /**
   * The next event of {@code replica} after everything this vector has seen.
   *
   * @param replica the replica issuing the event
   * @return the dot {@code replica:(get(replica) + 1)}
   * @throws NullPointerException if {@code replica} is {@code null}
   * @throws ArithmeticException if the counter would overflow {@link Long#MAX_VALUE}
   */
  public Dot nextDot(ReplicaId replica) {
    long c = get(replica);
    if (c == Long.MAX_VALUE) {
      throw new ArithmeticException("counter of replica " + replica + " overflows Long.MAX_VALUE");
    }
    return new Dot(replica, c + 1);
  }

  /** Sets the entry of {@code replica} to {@code counter >= 1}, which must not lower it. */
  VersionVector withCounter(ReplicaId replica, long counter) {
    int i = indexOf(replica);
    if (i >= 0) {
      if (counters[i] == counter) {
        return this;
      }
      long[] next = counters.clone();
      next[i] = counter;
      return new VersionVector(replicas, next);
    }
    return insert(-i - 1, replica, counter);
  }

  private VersionVector insert(int at, ReplicaId replica, long counter) {
    int n = replicas.length;
    ReplicaId[] ids = new ReplicaId[n + 1];
    long[] values = new long[n + 1];
    System.arraycopy(replicas, 0, ids, 0, at);
    System.arraycopy(counters, 0, values, 0, at);
    ids[at] = replica;
    values[at] = counter;
    System.arraycopy(replicas, at, ids, at + 1, n - at);
    System.arraycopy(counters, at, values, at + 1, n - at);
    return new VersionVector(ids, values);
  }

  /** Index of {@code replica}, or {@code -(insertion point) - 1}. */
  int indexOf(ReplicaId replica) {
    ReplicaId[] ids = replicas;
    int lo = 0;
    int hi = ids.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = ids[mid].compareTo(replica);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  /**
   * The replicas with a non-zero entry, in ascending order.
   *
   * @return an unmodifiable view (no copy is made; the vector never changes)
   */
  public Set<ReplicaId> replicas() {
    return new ReplicaSet(this);
  }

  /**
   * The number of replicas with a non-zero entry.
   *
   * @return the number of entries
   */
  public int size() {
    return replicas.length;
  }

  /**
   * Whether no event has been seen.
   *
   * @return {@code true} for the empty vector
   */
  public boolean isEmpty() {
    return replicas.length == 0;
  }

  /**
   * The replica at position {@code index} in ascending order, for allocation-free iteration with
   * {@link #counterAt(int)}.
   *
   * @param index from 0 to {@code size() - 1}
   * @return the replica
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public ReplicaId replicaAt(int index) {
    Objects.checkIndex(index, replicas.length);
    return replicas[index];
  }

  /**
   * The counter at position {@code index} in ascending replica order.
   *
   * @param index from 0 to {@code size() - 1}
   * @return the counter, at least 1
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public long counterAt(int index) {
    Objects.checkIndex(index, counters.length);
    return counters[index];
  }

  /**
   * Calls {@code action} with each entry, in ascending replica order.
   *
   * @param action receives each replica and its counter
   * @throws NullPointerException if {@code action} is {@code null}
   */
  public void forEach(ObjLongConsumer<ReplicaId> action) {
    Objects.requireNonNull(action, "action");
    for (int i = 0; i < replicas.length; i++) {
      action.accept(replicas[i], counters[i]);
    }
  }

  /**
   * The entries as a map.
   *
   * @return an unmodifiable sorted copy
   */
  public SortedMap<ReplicaId, Long> toMap() {
    TreeMap<ReplicaId, Long> map = new TreeMap<>();
    for (int i = 0; i < replicas.length; i++) {
      map.put(replicas[i], counters[i]);
    }
    return Collections.unmodifiableSortedMap(map);
  }

  /**
   * Whether this vector has seen every event {@code other} has.
   *
   * @param other the other vector
   * @return {@code true} when {@code compare(other)} is {@link Causality#AFTER} or {@link Causality#EQUAL}
   * @throws NullPointerException if {@code other} is {@code null}
   */
  public boolean dominates(VersionVector other) {
    return compare(other).isAfterOrEqual();
  }

  /**
   * The vector without the entry of {@code retired}. As a clock, a vector names events, not values:
   * there is nothing to hand to {@code heir}, and when every vector that is compared has the same
   * entry for the retired replica (its last event reached them all), dropping it everywhere keeps
   * every comparison. Use it to clean up client contexts read before a pruning (see {@link
   * Siblings#prune}); {@link dev.converge.counter.GCounter#prune} folds counts instead.
   *
   * @param retired the replica that left for good
   * @param heir the live replica that takes over
   * @return the vector without {@code retired}, or {@code this} when it has no entry
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   */
  @Override
  public VersionVector prune(ReplicaId retired, ReplicaId heir) {
    Pruning.check(retired, heir);
    int i = Arrays.binarySearch(replicas, retired);
    if (i < 0) {
      return this;
    }
    int n = replicas.length;
    ReplicaId[] ids = new ReplicaId[n - 1];
    long[] cs = new long[n - 1];
    System.arraycopy(replicas, 0, ids, 0, i);
    System.arraycopy(counters, 0, cs, 0, i);
    System.arraycopy(replicas, i + 1, ids, i, n - i - 1);
    System.arraycopy(counters, i + 1, cs, i, n - i - 1);
    return n == 1 ? empty() : new VersionVector(ids, cs);
  }

  /**
   * The same as {@link #prune}: the vector without the entry of {@code retired}.
   *
   * @param retired the replica that left for good
   * @param heir the live replica that took over
   * @return the vector without {@code retired}, or {@code this} when it has no entry
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   */
  @Override
  public VersionVector pruneCleanup(ReplicaId retired, ReplicaId heir) {
    return prune(retired, heir);
  }

  /**
   * The metadata this value carries: replicas tracked, elements, individual dots, cloud, estimated
   * encoded bytes.
   *
   * @return the figures
   */
  public Stats stats() {
    return new Stats(size(), 0, 0, 0, 1 + Sizes.vector(this));
  }

  @Override
  public Causality compare(VersionVector other) {
    Objects.requireNonNull(other, "other");
    ReplicaId[] a = replicas;
    ReplicaId[] b = other.replicas;
    long[] ca = counters;
    long[] cb = other.counters;
    int n = a.length;
    int m = b.length;
    // Every stored counter is >= 1, so a side with more entries holds an event the other lacks.
    boolean less = n < m; // other has an event this lacks
    boolean greater = n > m; // this has an event other lacks
    if (a == b) {
      // Shared replica array: a pure counter loop.
      for (int i = 0; i < n; i++) {
        long p = ca[i];
        long q = cb[i];
        if (p < q) {
          if (greater) {
            return Causality.CONCURRENT;
          }
          less = true;
        } else if (p > q) {
          if (less) {
            return Causality.CONCURRENT;
          }
          greater = true;
        }
      }
      return order(less, greater);
    }
    int i = 0;
    int j = 0;
    while (i < n && j < m) {
      ReplicaId x = a[i];
      ReplicaId y = b[j];
      // Ids are canonical: equal ids are the same instance, so only distinct ids compare strings.
      int c = x == y ? 0 : x.compareTo(y);
      if (c == 0) {
        long p = ca[i++];
        long q = cb[j++];
        if (p < q) {
          if (greater) {
            return Causality.CONCURRENT;
          }
          less = true;
        } else if (p > q) {
          if (less) {
            return Causality.CONCURRENT;
          }
          greater = true;
        }
      } else if (c < 0) {
        if (less) {
          return Causality.CONCURRENT;
        }
        greater = true;
        i++;
      } else {
        if (greater) {
          return Causality.CONCURRENT;
        }
        less = true;
        j++;
      }
    }
    if (i < n) {
      greater = true;
    }
    if (j < m) {
      less = true;
    }
    return order(less, greater);
  }

  private static Causality order(boolean less, boolean greater) {
    if (less) {
      return greater ? Causality.CONCURRENT : Causality.BEFORE;
    }
    return greater ? Causality.AFTER : Causality.EQUAL;
  }

  @Override
  public VersionVector merge(VersionVector other) {
    Objects.requireNonNull(other, "other");
    ReplicaId[] a = replicas;
    ReplicaId[] b = other.replicas;
    long[] ca = counters;
    long[] cb = other.counters;
    int n = a.length;
    int m = b.length;
    // Pass 1: who dominates, and how many replicas the union holds. No allocation.
    boolean less = false;
    boolean greater = false;
    int union = 0;
    int i = 0;
    int j = 0;
    if (a == b) {
      for (; i < n; i++) {
        long p = ca[i];
        long q = cb[i];
        less |= p < q;
        greater |= p > q;
      }
      union = n;
      i = n;
      j = m;
    } else {
      while (i < n && j < m) {
        ReplicaId x = a[i];
        ReplicaId y = b[j];
        int c = x == y ? 0 : x.compareTo(y);
        if (c == 0) {
          long p = ca[i++];
          long q = cb[j++];
          less |= p < q;
          greater |= p > q;
        } else if (c < 0) {
          greater = true;
          i++;
        } else {
          less = true;
          j++;
        }
        union++;
      }
    }
    if (i < n) {
      greater = true;
      union += n - i;
    }
    if (j < m) {
      less = true;
      union += m - j;
    }
    if (!less) {
      return this; // this >= other
    }
    if (!greater) {
      return other; // this < other
    }
    // Pass 2: concurrent, so the result is new. It allocates its arrays and nothing else.
    long[] values = new long[union];
    if (union == n && union == m) {
      // Same replica set: share this vector's replica array.
      for (int k = 0; k < n; k++) {
        values[k] = Math.max(ca[k], cb[k]);
      }
      return new VersionVector(a, values);
    }
    ReplicaId[] ids = new ReplicaId[union];
    int k = 0;
    i = 0;
    j = 0;
    while (i < n && j < m) {
      ReplicaId x = a[i];
      ReplicaId y = b[j];
      int c = x == y ? 0 : x.compareTo(y);
      if (c == 0) {
        ids[k] = x;
        values[k++] = Math.max(ca[i++], cb[j++]);
      } else if (c < 0) {
        ids[k] = x;
        values[k++] = ca[i++];
      } else {
        ids[k] = y;
        values[k++] = cb[j++];
      }
    }
    for (; i < n; i++, k++) {
      ids[k] = a[i];
      values[k] = ca[i];
    }
    for (; j < m; j++, k++) {
      ids[k] = b[j];
      values[k] = cb[j];
    }
    return new VersionVector(ids, values);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof VersionVector)) {
      return false;
    }
    VersionVector v = (VersionVector) o;
    return Arrays.equals(counters, v.counters) && (replicas == v.replicas || Arrays.equals(replicas, v.replicas));
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(replicas) + Arrays.hashCode(counters);
  }

  /** Returns the entries in replica order, for example {@code VersionVector{a=3, b=1}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("VersionVector{");
    appendEntries(sb);
    return sb.append('}').toString();
  }

  /** Appends {@code a=3, b=1} to {@code sb}. */
  void appendEntries(StringBuilder sb) {
    for (int i = 0; i < replicas.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(replicas[i]).append('=').append(counters[i]);
    }
  }

  /** An unmodifiable set view of the replica array, in ascending order. */
  private static final class ReplicaSet extends AbstractSet<ReplicaId> {
    private final VersionVector vector;

    ReplicaSet(VersionVector vector) {
      this.vector = vector;
    }

    @Override
    public boolean contains(Object o) {
      return o instanceof ReplicaId && vector.indexOf((ReplicaId) o) >= 0;
    }

    @Override
    public Iterator<ReplicaId> iterator() {
      ReplicaId[] ids = vector.replicas;
      return new Iterator<>() {
        private int next;

        @Override
        public boolean hasNext() {
          return next < ids.length;
        }

        @Override
        public ReplicaId next() {
          if (next >= ids.length) {
            throw new NoSuchElementException();
          }
          return ids[next++];
        }
      };
    }

    @Override
    public int size() {
      return vector.replicas.length;
    }
  }
}
