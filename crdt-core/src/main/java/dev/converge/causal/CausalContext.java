package dev.converge.causal;

import dev.converge.Causality;
import dev.converge.Lattice;
import dev.converge.Prunable;
import dev.converge.ReplicaId;
import dev.converge.Stats;
import dev.converge.internal.Pruning;
import dev.converge.internal.Sizes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A causal context: the set of events (dots) a replica has seen, stored as a
 * {@link VersionVector} for the contiguous prefix of each replica's events plus a <em>dot
 * cloud</em> for events received out of order (Almeida, Shoker, Baquero, "Delta State Replicated
 * Data Types", 2018).
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>immutable and thread-safe; "modifying" methods return a new context or {@code this};
 *   <li>always compact, so the representation is canonical: a cloud dot is never contiguous with
 *       its replica's vector entry ({@code a:4} next to {@code {a=3}} is folded into {@code {a=4}})
 *       and never already covered by it; {@code equals} is structural;
 *   <li>a join-semilattice under set union of dots: {@link #merge} is idempotent, commutative and
 *       associative, with {@link #empty()} as identity; {@link #compare} is set inclusion.
 * </ul>
 *
 * <pre>{@code
 * CausalContext ctx = CausalContext.empty().add(new Dot(a, 1)).add(new Dot(a, 3));
 * ctx;                           // CausalContext{a=1, cloud=[a:3]}: a:2 is missing
 * ctx.add(new Dot(a, 2));        // CausalContext{a=3}: the gap filled, the cloud is folded in
 * ctx.nextDot(a);                // a:4, above every dot of a seen so far
 * }</pre>
 */
public final class CausalContext implements Lattice<CausalContext>, Prunable<CausalContext> {

  private static final Dot[] NO_DOTS = {};
  private static final CausalContext EMPTY = new CausalContext(VersionVector.empty(), NO_DOTS);

  private final VersionVector vector;
  /** Sorted by (replica, counter); each dot d has {@code d.counter() > vector.get(d.replica()) + 1}. */
  private final Dot[] cloud;

  private CausalContext(VersionVector vector, Dot[] cloud) {
    this.vector = vector;
    this.cloud = cloud;
  }

  /**
   * The empty context: no events seen. The identity of {@link #merge}.
   *
   * @return the empty context (a singleton)
   */
  public static CausalContext empty() {
    return EMPTY;
  }

  /**
   * The context holding exactly the events of {@code vector}.
   *
   * @param vector the contiguous events per replica
   * @return the context, with an empty cloud
   * @throws NullPointerException if {@code vector} is {@code null}
   */
  public static CausalContext of(VersionVector vector) {
    Objects.requireNonNull(vector, "vector");
    return vector.isEmpty() ? EMPTY : new CausalContext(vector, NO_DOTS);
  }

  /**
   * The context holding the events of {@code vector} and the given dots, compacted.
   *
   * @param vector the contiguous events per replica
   * @param dots further events, in any order; duplicates and dots already covered are ignored
   * @return the context
   * @throws NullPointerException if {@code vector}, {@code dots} or one of the dots is {@code null}
   */
  public static CausalContext of(VersionVector vector, Collection<Dot> dots) {
    Objects.requireNonNull(vector, "vector");
    Objects.requireNonNull(dots, "dots");
    Dot[] sorted = dots.toArray(new Dot[0]);
    for (Dot d : sorted) {
      Objects.requireNonNull(d, "dots contains null");
    }
    Arrays.sort(sorted);
    return normalize(vector, sorted);
  }

  /**
   * The contiguous part of this context: for each replica, the longest prefix {@code 1..n} of
   * its events that was seen.
   *
   * @return the version vector (the cloud is not part of it)
   */
  public VersionVector versionVector() {
    return vector;
  }

  /**
   * The events seen out of order: dots not contiguous with their replica's vector entry.
   *
   * @return an unmodifiable list, sorted by replica then counter
   */
  public List<Dot> cloud() {
    return Collections.unmodifiableList(Arrays.asList(cloud));
  }

  /**
   * The number of dots in the cloud, a measure of how far delivery is out of order.
   *
   * @return the cloud's size
   */
  public int cloudSize() {
    return cloud.length;
  }

  /**
   * Whether no event has been seen.
   *
   * @return {@code true} for the empty context
   */
  public boolean isEmpty() {
    return vector.isEmpty() && cloud.length == 0;
  }

  /**
   * Whether the event {@code dot} has been seen.
   *
   * @param dot the event
   * @return {@code true} when the vector or the cloud holds it
   * @throws NullPointerException if {@code dot} is {@code null}
   */
  public boolean contains(Dot dot) {
    Objects.requireNonNull(dot, "dot");
    return vector.get(dot.replica()) >= dot.counter() || (cloud.length > 0 && Arrays.binarySearch(cloud, dot) >= 0);
  }

  /**
   * Whether the event {@code counter} of {@code replica} has been seen; {@link #contains(Dot)}
   * without building a {@link Dot}.
   *
   * @param replica the replica of the event
   * @param counter the event's counter, at least 1
   * @return {@code true} when the vector or the cloud holds it
   * @throws NullPointerException if {@code replica} is {@code null}
   */
  public boolean contains(ReplicaId replica, long counter) {
    Objects.requireNonNull(replica, "replica");
    if (vector.get(replica) >= counter) {
      return true;
    }
    if (cloud.length == 0) {
      return false;
    }
    int lo = 0;
    int hi = cloud.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Dot d = cloud[mid];
      int c = d.replica() == replica ? Long.compare(d.counter(), counter) : d.replica().compareTo(replica);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return true;
      }
    }
    return false;
  }

  /**
   * The context after seeing {@code dot}; gaps it fills are folded into the vector.
   *
   * @param dot the event
   * @return the new context, or {@code this} when {@code dot} was already seen
   * @throws NullPointerException if {@code dot} is {@code null}
   */
  public CausalContext add(Dot dot) {
    Objects.requireNonNull(dot, "dot");
    long base = vector.get(dot.replica());
    long c = dot.counter();
    if (c <= base) {
      return this;
    }
    int at = Arrays.binarySearch(cloud, dot);
    if (at >= 0) {
      return this;
    }
    if (c > base + 1) {
      int insert = -at - 1;
      Dot[] next = new Dot[cloud.length + 1];
      System.arraycopy(cloud, 0, next, 0, insert);
      next[insert] = dot;
      System.arraycopy(cloud, insert, next, insert + 1, cloud.length - insert);
      return new CausalContext(vector, next);
    }
    // dot fills the next slot: fold it and the cloud dots that become contiguous.
    return normalize(vector.withCounter(dot.replica(), c), cloud);
  }

  /**
   * The next event of {@code replica}: one above every dot of {@code replica} this context holds.
   *
   * @param replica the replica issuing the event
   * @return a dot this context does not contain
   * @throws NullPointerException if {@code replica} is {@code null}
   * @throws ArithmeticException if the counter would overflow {@link Long#MAX_VALUE}
   */
  public Dot nextDot(ReplicaId replica) {
    Objects.requireNonNull(replica, "replica");
    long max = vector.get(replica);
    // The cloud is sorted by replica then counter: the last dot of replica is its highest.
    int at = Arrays.binarySearch(cloud, new Dot(replica, Long.MAX_VALUE));
    int before = at >= 0 ? at : -at - 2;
    if (before >= 0 && cloud[before].replica().equals(replica)) {
      max = Math.max(max, cloud[before].counter());
    }
    if (max == Long.MAX_VALUE) {
      throw new ArithmeticException("counter of replica " + replica + " overflows Long.MAX_VALUE");
    }
    return new Dot(replica, max + 1);
  }

  /**
   * Whether this context has seen any event of {@code replica}.
   *
   * @param replica a replica
   * @return {@code true} when the vector has an entry or the cloud a dot of {@code replica}
   * @throws NullPointerException if {@code replica} is {@code null}
   */
  public boolean mentions(ReplicaId replica) {
    Objects.requireNonNull(replica, "replica");
    if (vector.get(replica) > 0) {
      return true;
    }
    for (Dot d : cloud) {
      if (d.replica() == replica) {
        return true;
      }
    }
    return false;
  }

  /**
   * The context without any event of {@code retired}. A context holds no values, so there is
   * nothing to hand to {@code heir}: the data types that hold values give the retired replica's
   * live values fresh dots of the heir themselves (see {@link Prunable}).
   *
   * @param retired the replica that left for good
   * @param heir the live replica that takes over
   * @return the context without {@code retired}, or {@code this} when it has no event of it
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   */
  @Override
  public CausalContext prune(ReplicaId retired, ReplicaId heir) {
    Pruning.check(retired, heir);
    if (!mentions(retired)) {
      return this;
    }
    VersionVector v = vector.prune(retired, heir);
    List<Dot> kept = Pruning.without(Arrays.asList(cloud), retired);
    return kept.isEmpty() ? of(v) : new CausalContext(v, kept.toArray(NO_DOTS));
  }

  /**
   * The same as {@link #prune}: a context without {@code retired}.
   *
   * @param retired the replica that left for good
   * @param heir the live replica that took over
   * @return the context without {@code retired}, or {@code this} when it has no event of it
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   */
  @Override
  public CausalContext pruneCleanup(ReplicaId retired, ReplicaId heir) {
    return prune(retired, heir);
  }

  /**
   * The metadata this value carries: replicas tracked, elements, individual dots, cloud, estimated
   * encoded bytes.
   *
   * @return the figures
   */
  public Stats stats() {
    return new Stats(vector.size(), 0, cloud.length, cloud.length, 1 + Sizes.context(this));
  }

  @Override
  public CausalContext merge(CausalContext other) {
    Objects.requireNonNull(other, "other");
    if (this == other) {
      return this;
    }
    if (cloud.length == 0 && other.cloud.length == 0) {
      VersionVector v = vector.merge(other.vector);
      return v == vector ? this : v == other.vector ? other : new CausalContext(v, NO_DOTS);
    }
    Causality order = compare(other);
    if (order.isAfterOrEqual()) {
      return this;
    }
    if (order == Causality.BEFORE) {
      return other;
    }
    return normalize(vector.merge(other.vector), unionSorted(cloud, other.cloud));
  }

  @Override
  public Causality compare(CausalContext other) {
    Objects.requireNonNull(other, "other");
    if (this == other) {
      return Causality.EQUAL;
    }
    boolean le = isSubsetOf(other);
    boolean ge = other.isSubsetOf(this);
    if (le) {
      return ge ? Causality.EQUAL : Causality.BEFORE;
    }
    return ge ? Causality.AFTER : Causality.CONCURRENT;
  }

  /** Whether every dot of this context is in {@code other}. */
  private boolean isSubsetOf(CausalContext other) {
    // other's next slot per replica is never in its cloud (compaction), so this vector's prefix is
    // covered exactly when it is pointwise below other's vector.
    if (!other.vector.compare(vector).isAfterOrEqual()) {
      return false;
    }
    for (Dot d : cloud) {
      if (!other.contains(d)) {
        return false;
      }
    }
    return true;
  }

  /** Builds a compact context from a vector and a sorted, possibly redundant dot array. */
  private static CausalContext normalize(VersionVector vector, Dot[] sorted) {
    VersionVector v = vector;
    List<Dot> kept = new ArrayList<>();
    int i = 0;
    while (i < sorted.length) {
      ReplicaId r = sorted[i].replica();
      long base = v.get(r);
      long c = base;
      // Ascending: once a dot is held back as a gap, no later dot of r can be contiguous.
      for (; i < sorted.length && sorted[i].replica().equals(r); i++) {
        Dot d = sorted[i];
        if (d.counter() <= c) {
          continue; // covered, or a duplicate of a folded dot
        }
        if (d.counter() == c + 1) {
          c = d.counter();
        } else if (kept.isEmpty() || !kept.get(kept.size() - 1).equals(d)) {
          kept.add(d);
        }
      }
      if (c != base) {
        v = v.withCounter(r, c);
      }
    }
    return kept.isEmpty() ? of(v) : new CausalContext(v, kept.toArray(NO_DOTS));
  }

  private static Dot[] unionSorted(Dot[] a, Dot[] b) {
    Dot[] out = new Dot[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length && j < b.length) {
      int c = a[i].compareTo(b[j]);
      if (c < 0) {
        out[k++] = a[i++];
      } else if (c > 0) {
        out[k++] = b[j++];
      } else {
        out[k++] = a[i++];
        j++;
      }
    }
    while (i < a.length) {
      out[k++] = a[i++];
    }
    while (j < b.length) {
      out[k++] = b[j++];
    }
    return k == out.length ? out : Arrays.copyOf(out, k);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CausalContext)) {
      return false;
    }
    CausalContext c = (CausalContext) o;
    return vector.equals(c.vector) && Arrays.equals(cloud, c.cloud);
  }

  @Override
  public int hashCode() {
    return 31 * vector.hashCode() + Arrays.hashCode(cloud);
  }

  /** Returns the vector's entries and the cloud, for example {@code CausalContext{a=1, cloud=[a:3]}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("CausalContext{");
    vector.appendEntries(sb);
    if (cloud.length > 0) {
      sb.append(vector.isEmpty() ? "" : ", ").append("cloud=").append(Arrays.toString(cloud));
    }
    return sb.append('}').toString();
  }
}
