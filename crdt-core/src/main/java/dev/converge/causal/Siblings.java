package dev.converge.causal;

import dev.converge.Causality;
import dev.converge.Lattice;
import dev.converge.Prunable;
import dev.converge.ReplicaId;
import dev.converge.Stats;
import dev.converge.internal.Canonical;
import dev.converge.internal.Pruning;
import dev.converge.internal.Sizes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * The concurrent values of one key on a server that never loses a write: a dotted version vector
 * set, the DVVSet of Riak (Gonçalves, Almeida, Baquero, Fonte, "Dotted Version Vector Sets", and
 * {@code dvvset.erl}).
 *
 * <p>A client reads the values and their joint {@link #context()}, and writes back with that
 * context; the server {@link #update(VersionVector, Object, ReplicaId) updates} the set: the new
 * value gets the server's next dot and replaces exactly the values the client had read. Values
 * written from the same context by different clients are kept side by side as siblings, neither
 * overwriting the other. Causality costs one entry per server, not per client.
 *
 * <pre>{@code
 * Siblings<String> v1 = Siblings.<String>empty().update(VersionVector.empty(), "milk", s);
 * VersionVector read = v1.context();                        // both clients read {s=1}
 * Siblings<String> both = v1.update(read, "milk+eggs", s)   // client A
 *                           .update(read, "milk+bread", s); // client B: a sibling, not an overwrite
 * both.values();                                            // [milk+eggs, milk+bread]
 * both.update(both.context(), "milk+eggs+bread", s).values(); // [milk+eggs+bread]
 * }</pre>
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>immutable and thread-safe (as far as the values are); values are compared with
 *       {@code equals};
 *   <li>a join-semilattice: {@link #sync} (also {@link #merge}) keeps every value the other side
 *       has not seen and drops the values the other side has seen overwritten; idempotent,
 *       commutative, associative, with {@link #empty()} as identity. The same value written under
 *       two different dots stays as two siblings (they are two writes);
 *   <li>{@link #values()} iterates in a deterministic order: by server, then by dot.
 * </ul>
 *
 * <p>Representation: per server, its counter {@code n} and the values of its newest dots
 * {@code n-k+1..n} (the values a server holds are always its newest writes, so dots need not be
 * stored). A value made with {@link #of(Object)} carries no dot: it is an <em>initial</em> value
 * that every stamped write supersedes, even one made from the empty context.
 *
 * @param <V> the type of the values
 */
public final class Siblings<V> implements Lattice<Siblings<V>>, Prunable<Siblings<V>> {

  private static final ReplicaId[] NO_REPLICAS = {};
  private static final long[] NO_COUNTERS = {};
  private static final Object[][] NO_VALUES = {};
  private static final Object[] NONE = {};
  private static final Siblings<?> EMPTY = new Siblings<>(NO_REPLICAS, NO_COUNTERS, NO_VALUES, NONE);

  /** Servers, strictly ascending. */
  private final ReplicaId[] replicas;
  /** Per server: how many of its events were seen, at least 1. */
  private final long[] counters;
  /** Per server: values of its newest dots, oldest first; {@code values[i].length <= counters[i]}. */
  private final Object[][] values;
  /** Values without a dot; non-empty only when there are no servers. Ordered by hash code. */
  private final Object[] initial;

  private Siblings(ReplicaId[] replicas, long[] counters, Object[][] values, Object[] initial) {
    this.replicas = replicas;
    this.counters = counters;
    this.values = values;
    this.initial = initial;
  }

  /**
   * The empty set: no value, no history. The identity of {@link #sync}.
   *
   * @param <V> the type of the values
   * @return the empty set (a singleton)
   */
  @SuppressWarnings("unchecked")
  public static <V> Siblings<V> empty() {
    return (Siblings<V>) EMPTY;
  }

  /**
   * A set holding one initial value without a dot, such as a default or a value imported from a
   * store without causality: every stamped write supersedes it.
   *
   * @param value the value
   * @param <V> the type of the values
   * @return the set holding {@code value}
   * @throws NullPointerException if {@code value} is {@code null}
   */
  public static <V> Siblings<V> of(V value) {
    Objects.requireNonNull(value, "value");
    return new Siblings<>(NO_REPLICAS, NO_COUNTERS, NO_VALUES, new Object[] {value});
  }

  /**
   * The set holding the given values, each under the dot of its write, with the given context: for
   * decoders and applications that bring their own wire format. The values a server holds are
   * always its newest writes, so the dots of each server must be consecutive and end at the
   * server's counter in {@code context}.
   *
   * @param context every event the set has seen
   * @param values the current values by the dot of their write
   * @param <V> the type of the values
   * @return the set
   * @throws NullPointerException if an argument, dot or value is {@code null}
   * @throws IllegalArgumentException if a server's dots are not its newest consecutive dots (the
   *     message names the server)
   */
  public static <V> Siblings<V> of(VersionVector context, Map<Dot, ? extends V> values) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(values, "values");
    int n = context.size();
    ReplicaId[] ids = new ReplicaId[n];
    long[] cs = new long[n];
    List<List<Object>> byServer = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids[i] = context.replicaAt(i);
      cs[i] = context.counterAt(i);
      byServer.add(new ArrayList<>());
    }
    Dot[] dots = values.keySet().toArray(new Dot[0]);
    for (Dot d : dots) {
      Objects.requireNonNull(d, "values contains a null dot");
    }
    Arrays.sort(dots);
    int[] server = new int[dots.length];
    int[] count = new int[n];
    for (int k = 0; k < dots.length; k++) {
      int i = Arrays.binarySearch(ids, dots[k].replica());
      if (i < 0) {
        throw new IllegalArgumentException("dot " + dots[k] + " names a server missing from the context " + context);
      }
      server[k] = i;
      count[i]++;
    }
    for (int k = 0; k < dots.length; k++) {
      Dot d = dots[k];
      int i = server[k];
      List<Object> held = byServer.get(i);
      held.add(Objects.requireNonNull(values.get(d), () -> "null value at " + d));
      if (d.counter() != cs[i] - count[i] + held.size()) {
        throw new IllegalArgumentException("dots of server " + d.replica() + " must be its newest consecutive dots up to "
            + cs[i] + ", got " + d);
      }
    }
    Object[][] vals = new Object[n][];
    for (int i = 0; i < n; i++) {
      vals[i] = byServer.get(i).toArray();
    }
    return n == 0 ? empty() : new Siblings<>(ids, cs, vals, NONE);
  }

  /**
   * A set holding initial values without a dot (as {@link #of(Object)} does for one), such as the
   * siblings imported from a store without causality: for decoders. Every stamped write supersedes
   * them.
   *
   * @param values the values; duplicates are kept once
   * @param <V> the type of the values
   * @return the set
   * @throws NullPointerException if {@code values} or a value is {@code null}
   */
  public static <V> Siblings<V> ofInitial(Collection<? extends V> values) {
    Objects.requireNonNull(values, "values");
    Set<Object> distinct = new LinkedHashSet<>();
    for (V v : values) {
      distinct.add(Objects.requireNonNull(v, "values contains null"));
    }
    if (distinct.isEmpty()) {
      return empty();
    }
    Object[] out = distinct.toArray();
    Arrays.sort(out, Canonical.BY_HASH);
    return new Siblings<>(NO_REPLICAS, NO_COUNTERS, NO_VALUES, out);
  }

  /**
   * The causal context a client reads with the values and sends back with its next write.
   *
   * @return the version vector of every event this set has seen
   */
  public VersionVector context() {
    return VersionVector.wrap(replicas, counters);
  }

  /**
   * The current values: one per write not overwritten by a write that had seen it.
   *
   * @return an unmodifiable list, by server then dot (initial values last, in a canonical order)
   */
  @SuppressWarnings("unchecked")
  public List<V> values() {
    List<V> out = new ArrayList<>(size());
    for (Object[] vs : values) {
      for (Object v : vs) {
        out.add((V) v);
      }
    }
    for (Object v : initial) {
      out.add((V) v);
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * The current values with the dot of the write that produced each.
   *
   * @return an unmodifiable map in the order of {@link #values()}; initial values have no dot and
   *     are not included
   */
  @SuppressWarnings("unchecked")
  public Map<Dot, V> valuesByDot() {
    Map<Dot, V> out = new LinkedHashMap<>();
    for (int i = 0; i < replicas.length; i++) {
      Object[] vs = values[i];
      long first = counters[i] - vs.length + 1;
      for (int k = 0; k < vs.length; k++) {
        out.put(new Dot(replicas[i], first + k), (V) vs[k]);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The number of current values (siblings).
   *
   * @return the number of values
   */
  public int size() {
    int n = initial.length;
    for (Object[] vs : values) {
      n += vs.length;
    }
    return n;
  }

  /**
   * Whether the set holds no value.
   *
   * @return {@code true} when {@link #size()} is 0
   */
  public boolean isEmpty() {
    return size() == 0;
  }

  /**
   * The set after a client's write coordinated by {@code server}: the write replaces every value
   * whose dot {@code context} holds, keeps the values it had not seen as siblings, and gets the
   * next dot of {@code server}.
   *
   * @param context the context the client read (from {@link #context()}), or
   *     {@link VersionVector#empty()} for a blind write
   * @param value the value written
   * @param server the replica that coordinates the write
   * @return the new set
   * @throws NullPointerException if an argument is {@code null}
   * @throws ArithmeticException if the server's counter would overflow
   */
  public Siblings<V> update(VersionVector context, V value, ReplicaId server) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(server, "server");
    // Learn the client's context (dropping what it has seen), then add the write as a new event.
    Siblings<V> seen = joinEntries(this, fromContext(context));
    int i = seen.indexOf(server);
    if (i >= 0) {
      long n = seen.counters[i];
      if (n == Long.MAX_VALUE) {
        throw new ArithmeticException("counter of replica " + server + " overflows Long.MAX_VALUE");
      }
      Object[] old = seen.values[i];
      Object[] vs = Arrays.copyOf(old, old.length + 1);
      vs[old.length] = value;
      long[] cs = seen.counters.clone();
      cs[i] = n + 1;
      Object[][] vals = seen.values.clone();
      vals[i] = vs;
      return new Siblings<>(seen.replicas, cs, vals, NONE);
    }
    int at = -i - 1;
    int n = seen.replicas.length;
    ReplicaId[] ids = new ReplicaId[n + 1];
    long[] cs = new long[n + 1];
    Object[][] vals = new Object[n + 1][];
    System.arraycopy(seen.replicas, 0, ids, 0, at);
    System.arraycopy(seen.counters, 0, cs, 0, at);
    System.arraycopy(seen.values, 0, vals, 0, at);
    ids[at] = server;
    cs[at] = 1;
    vals[at] = new Object[] {value};
    System.arraycopy(seen.replicas, at, ids, at + 1, n - at);
    System.arraycopy(seen.counters, at, cs, at + 1, n - at);
    System.arraycopy(seen.values, at, vals, at + 1, n - at);
    return new Siblings<>(ids, cs, vals, NONE);
  }

  /**
   * Synchronizes two replicas of the same key: the join. Keeps each value unless the other side has
   * seen its dot and no longer holds it (it was overwritten there).
   *
   * @param other the other replica's set
   * @return the joined set; {@code this} or {@code other} when one already dominates
   * @throws NullPointerException if {@code other} is {@code null}
   */
  public Siblings<V> sync(Siblings<V> other) {
    Objects.requireNonNull(other, "other");
    Causality order = compare(other);
    if (order.isAfterOrEqual()) {
      return this;
    }
    if (order == Causality.BEFORE) {
      return other;
    }
    if (replicas.length == 0 && other.replicas.length == 0) {
      return new Siblings<>(NO_REPLICAS, NO_COUNTERS, NO_VALUES, unionByHash(initial, other.initial));
    }
    return joinEntries(this, other);
  }

  /**
   * The same as {@link #sync}: the lattice join.
   *
   * @param other the other replica's set
   * @return the joined set
   * @throws NullPointerException if {@code other} is {@code null}
   */
  @Override
  public Siblings<V> merge(Siblings<V> other) {
    return sync(other);
  }

  /**
   * Reduces the siblings to one value with an application-specific merge, for example a set
   * union. Write the result back with {@link #update} and this set's {@link #context()}, so that it
   * replaces every sibling it was made from.
   *
   * @param merge combines two siblings into one
   * @return the reduced value, empty when the set holds no value
   * @throws NullPointerException if {@code merge} is {@code null}
   */
  public Optional<V> resolve(BinaryOperator<V> merge) {
    Objects.requireNonNull(merge, "merge");
    return values().stream().reduce(merge);
  }

  /**
   * The last-writer choice: the greatest sibling by an application's order (a timestamp inside the
   * value, say). The other siblings are lost once the choice is written back, so prefer
   * {@link #resolve} where values can be merged.
   *
   * @param order orders the values; ties go to the first in {@link #values()} order
   * @return the greatest value, empty when the set holds no value
   * @throws NullPointerException if {@code order} is {@code null}
   */
  public Optional<V> last(Comparator<? super V> order) {
    Objects.requireNonNull(order, "order");
    V best = null;
    for (V v : values()) {
      if (best == null || order.compare(v, best) > 0) {
        best = v;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The heir's step of {@link Prunable}: the values of server {@code retired} become the newest
   * writes of server {@code heir} (fresh dots above the heir's counter), and the entry of
   * {@code retired} goes. The values are unchanged. Call it on the heir's own set only.
   *
   * <p>A client context read before the pruning does not cover the re-issued dots: a write made
   * with it is kept as a sibling of the values it had read, not an overwrite of them. Clean such
   * contexts up on arrival ({@code context.pruneCleanup(retired, heir)}) so they do not bring the
   * retired server back.
   *
   * @param retired the server that left for good
   * @param heir the live server that takes over, the one calling
   * @return the pruned set, or {@code this} when it holds nothing of {@code retired}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same server
   */
  @Override
  public Siblings<V> prune(ReplicaId retired, ReplicaId heir) {
    return pruned(retired, heir, true);
  }

  /**
   * Every other server's step of {@link Prunable}: the set without server {@code retired}'s entry
   * and values (the heir re-issued them under its own dots).
   *
   * @param retired the server that left for good
   * @param heir the live server that took over
   * @return the cleaned set, or {@code this} when it holds nothing of {@code retired}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same server
   */
  @Override
  public Siblings<V> pruneCleanup(ReplicaId retired, ReplicaId heir) {
    return pruned(retired, heir, false);
  }

  @SuppressWarnings("unchecked")
  private Siblings<V> pruned(ReplicaId retired, ReplicaId heir, boolean reissue) {
    Pruning.check(retired, heir);
    int at = Arrays.binarySearch(replicas, retired);
    if (at < 0) {
      return this;
    }
    Map<ReplicaId, Long> counts = new HashMap<>(context().toMap());
    counts.remove(retired);
    Map<Dot, V> kept = new HashMap<>();
    valuesByDot().forEach((d, v) -> {
      if (d.replica() != retired) {
        kept.put(d, v);
      }
    });
    if (reissue && values[at].length > 0) {
      long base = counts.getOrDefault(heir, 0L);
      for (Object v : values[at]) {
        base = Math.addExact(base, 1);
        kept.put(new Dot(heir, base), (V) v);
      }
      counts.put(heir, base);
    }
    return of(VersionVector.of(counts), kept);
  }

  /**
   * The metadata this value carries: replicas tracked, elements, individual dots, cloud, estimated
   * encoded bytes.
   *
   * @return the figures
   */
  public Stats stats() {
    long bytes = 3 + Sizes.vector(context()) + replicas.length + 1;
    for (V v : values()) {
      bytes += Sizes.value(v);
    }
    return new Stats(replicas.length, size(), size() - initial.length, 0, bytes);
  }

  @Override
  public Causality compare(Siblings<V> other) {
    Objects.requireNonNull(other, "other");
    if (this == other) {
      return Causality.EQUAL;
    }
    boolean stamped = replicas.length > 0;
    boolean otherStamped = other.replicas.length > 0;
    if (!stamped || !otherStamped) {
      if (stamped) {
        return Causality.AFTER; // stamped writes supersede initial values
      }
      if (otherStamped) {
        return Causality.BEFORE;
      }
      boolean le = containsAll(other.initial, initial);
      boolean ge = containsAll(initial, other.initial);
      return le ? (ge ? Causality.EQUAL : Causality.BEFORE) : (ge ? Causality.AFTER : Causality.CONCURRENT);
    }
    // Per server: this <= other when other's counter and oldest held dot are both at least ours.
    boolean le = true;
    boolean ge = true;
    int i = 0;
    int j = 0;
    int n = replicas.length;
    int m = other.replicas.length;
    while ((le || ge) && (i < n || j < m)) {
      int c = i == n ? 1 : j == m ? -1 : replicas[i].compareTo(other.replicas[j]);
      if (c < 0) {
        le = false; // other has not seen our events of this server
        i++;
      } else if (c > 0) {
        ge = false; // we have not seen other's events of this server
        j++;
      } else {
        long n1 = counters[i];
        long n2 = other.counters[j];
        long s1 = n1 - values[i].length;
        long s2 = n2 - other.values[j].length;
        le &= n1 <= n2 && s1 <= s2;
        ge &= n1 >= n2 && s1 >= s2;
        i++;
        j++;
      }
    }
    if (le && ge) {
      return equals(other) ? Causality.EQUAL : Causality.CONCURRENT;
    }
    return le ? Causality.BEFORE : ge ? Causality.AFTER : Causality.CONCURRENT;
  }

  private int indexOf(ReplicaId replica) {
    return Arrays.binarySearch(replicas, replica);
  }

  /** The set holding the events of {@code context} and no value. */
  private static <V> Siblings<V> fromContext(VersionVector context) {
    int n = context.size();
    ReplicaId[] ids = new ReplicaId[n];
    long[] cs = new long[n];
    Object[][] vals = new Object[n][];
    for (int i = 0; i < n; i++) {
      ids[i] = context.replicaAt(i);
      cs[i] = context.counterAt(i);
      vals[i] = NONE;
    }
    return new Siblings<>(ids, cs, vals, NONE);
  }

  /** Joins the server entries of both sides; initial values are superseded by any entry. */
  private static <V> Siblings<V> joinEntries(Siblings<V> a, Siblings<V> b) {
    int n = a.replicas.length;
    int m = b.replicas.length;
    ReplicaId[] ids = new ReplicaId[n + m];
    long[] cs = new long[n + m];
    Object[][] vals = new Object[n + m][];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < n || j < m) {
      int c = i == n ? 1 : j == m ? -1 : a.replicas[i].compareTo(b.replicas[j]);
      if (c < 0) {
        ids[k] = a.replicas[i];
        cs[k] = a.counters[i];
        vals[k++] = a.values[i++];
      } else if (c > 0) {
        ids[k] = b.replicas[j];
        cs[k] = b.counters[j];
        vals[k++] = b.values[j++];
      } else {
        long n1 = a.counters[i];
        long n2 = b.counters[j];
        Object[] v1 = a.values[i];
        Object[] v2 = b.values[j];
        // A dot survives if each side either holds it or has not seen it: the newest dots above
        // the higher of the two sides' oldest held dots.
        long start = Math.max(n1 - v1.length, n2 - v2.length);
        long top = Math.max(n1, n2);
        Object[] from = n1 >= n2 ? v1 : v2;
        int keep = (int) (top - start);
        ids[k] = a.replicas[i];
        cs[k] = top;
        vals[k++] = keep == from.length ? from : Arrays.copyOfRange(from, from.length - keep, from.length);
        i++;
        j++;
      }
    }
    if (k < n + m) {
      ids = Arrays.copyOf(ids, k);
      cs = Arrays.copyOf(cs, k);
      vals = Arrays.copyOf(vals, k);
    }
    return k == 0 ? new Siblings<>(NO_REPLICAS, NO_COUNTERS, NO_VALUES, a.initial.length > 0 ? a.initial : b.initial)
        : new Siblings<>(ids, cs, vals, NONE);
  }

  private static boolean containsAll(Object[] big, Object[] small) {
    return small.length == 0 || new HashSet<>(Arrays.asList(big)).containsAll(Arrays.asList(small));
  }

  private static Object[] unionByHash(Object[] a, Object[] b) {
    Set<Object> union = new LinkedHashSet<>(Arrays.asList(a));
    union.addAll(Arrays.asList(b));
    Object[] out = union.toArray();
    Arrays.sort(out, Canonical.BY_HASH);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Siblings)) {
      return false;
    }
    Siblings<?> s = (Siblings<?>) o;
    return Arrays.equals(replicas, s.replicas)
        && Arrays.equals(counters, s.counters)
        && Arrays.deepEquals(values, s.values)
        && initial.length == s.initial.length
        && containsAll(initial, s.initial);
  }

  @Override
  public int hashCode() {
    int h = 31 * Arrays.hashCode(replicas) + Arrays.hashCode(counters);
    h = 31 * h + Arrays.deepHashCode(values);
    int init = 0;
    for (Object v : initial) {
      init += v.hashCode(); // order-independent, like a set's
    }
    return 31 * h + init;
  }

  /**
   * Returns the values with their dots and the context, for example
   * {@code Siblings{[s:2=milk+eggs, s:3=milk+bread], context={s=3}}}.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Siblings{[");
    String sep = "";
    for (Map.Entry<Dot, V> e : valuesByDot().entrySet()) {
      sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
      sep = ", ";
    }
    for (Object v : initial) {
      sb.append(sep).append("initial=").append(v);
      sep = ", ";
    }
    sb.append("], context={");
    context().appendEntries(sb);
    return sb.append("}}").toString();
  }
}
