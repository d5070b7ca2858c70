package dev.converge.map;

import dev.converge.Causality;
import dev.converge.Lattice;
import dev.converge.Prunable;
import dev.converge.ReplicaId;
import dev.converge.Stats;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.causal.VersionVector;
import dev.converge.internal.DotMap;
import dev.converge.internal.Pruning;
import dev.converge.internal.Sizes;
import dev.converge.internal.Tagged;
import dev.converge.internal.Trusted;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * An observed-remove map: keys live in an add-wins set, and each key's value is a lattice merged
 * by its own {@code merge}. The shopping cart with quantities is {@code ORMap<String, PNCounter>}.
 *
 * <p>Every {@link #update} tags the new value of its key with a fresh dot and replaces the key's
 * previous values (it has seen them); concurrent updates of one key are both kept and read as
 * their merge; {@link #remove} drops the values it has seen.
 *
 * <pre>{@code
 * ORMap<String, PNCounter> cart = ORMap.empty(PNCounter.empty());
 * ORMap<String, PNCounter> onPhone = cart.update(phone, "shoes", q -> q.increment(phone, 1));
 * ORMap<String, PNCounter> onLaptop = cart.update(laptop, "shoes", q -> q.increment(laptop, 2));
 * onPhone.merge(onLaptop).get("shoes").map(PNCounter::value);   // Optional[3]
 * }</pre>
 *
 * <p>Semantics under concurrency:
 *
 * <ul>
 *   <li>concurrent updates of one key: the key's value is the merge of both updates' values;
 *   <li>a remove concurrent with an update of the same key: the update wins and the key stays, with
 *       the value the update wrote. That value was computed from everything the updating replica
 *       had seen, so it still contains what the remover had observed (a removed quantity of 2
 *       followed elsewhere by "+1" comes back as 3), as with Pekko's ORMap and Riak's map. Use
 *       the value type's own operations (a decrement) where the remover must win over earlier
 *       contributions;
 *   <li>an update that causally follows a remove starts from the empty value.
 * </ul>
 *
 * <p>Guarantees: immutable and thread-safe (keys and values must be immutable); a
 * join-semilattice with the empty map as identity; merge is one linear walk over both maps; keys
 * iterate in a deterministic order (by hash code).
 *
 * @param <K> the type of the keys
 * @param <V> the type of the values, a lattice
 */
public final class ORMap<K, V extends Lattice<V>> implements Lattice<ORMap<K, V>>, Prunable<ORMap<K, V>> {

  static {
    // Converge's decoder builds the entries from input it validated in one pass (see Trusted).
    Trusted.setMaps(ORMap::wrap);
  }

  private final DotMap entries;
  private final CausalContext context;
  private final V zero;

  private ORMap(DotMap entries, CausalContext context, V zero) {
    this.entries = entries;
    this.context = context;
    this.zero = zero;
  }

  /** The trusted construction path of {@link Trusted.Maps#wrap}: nothing checked or copied. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ORMap<?, ?> wrap(Lattice<?> zero, DotMap entries, CausalContext context) {
    return new ORMap(entries, context, (Lattice) zero);
  }

  /**
   * The empty map, with no history. The identity of {@link #merge}.
   *
   * @param zero the value of a key before its first update, the bottom of the value lattice (such
   *     as {@code PNCounter.empty()})
   * @param <K> the type of the keys
   * @param <V> the type of the values
   * @return the empty map
   * @throws NullPointerException if {@code zero} is {@code null}
   */
  public static <K, V extends Lattice<V>> ORMap<K, V> empty(V zero) {
    Objects.requireNonNull(zero, "zero");
    return new ORMap<>(DotMap.EMPTY, CausalContext.empty(), zero);
  }

  /**
   * The map with the given keys, each holding values under the dots of the updates that wrote
   * them, and the given context: for decoders and applications that bring their own wire format.
   *
   * @param zero the value of a key before its first update
   * @param context every update the map has seen
   * @param entries the present keys and, for each, its values by dot (at least one)
   * @param <K> the type of the keys
   * @param <V> the type of the values
   * @return the map
   * @throws NullPointerException if an argument, key, dot or value is {@code null}
   * @throws IllegalArgumentException if a key has no value, a dot is not in {@code context}, or a
   *     dot tags two values
   */
  public static <K, V extends Lattice<V>> ORMap<K, V> of(
      V zero, CausalContext context, Map<? extends K, ? extends Map<Dot, ? extends V>> entries) {
    Objects.requireNonNull(zero, "zero");
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(entries, "entries");
    List<K> keys = new ArrayList<>(entries.size());
    Object[] slots = new Object[entries.size()];
    Set<Dot> used = new HashSet<>();
    for (Map.Entry<? extends K, ? extends Map<Dot, ? extends V>> e : entries.entrySet()) {
      K key = Objects.requireNonNull(e.getKey(), "entries contains a null key");
      Map<Dot, ? extends V> byDot = Objects.requireNonNull(e.getValue(), () -> "values of key " + key + " are null");
      slots[keys.size()] = Tagged.restore(byDot, context, used, "key " + key);
      keys.add(key);
    }
    return new ORMap<>(DotMap.EMPTY.putAll(keys, i -> slots[i]), context, zero);
  }

  /**
   * The map after {@code replica} updates the value of {@code key} with {@code update}, applied to
   * the key's current value (the zero value when absent). The key becomes present.
   *
   * @param replica the replica updating
   * @param key the key
   * @param update computes the new value from the current one; must not return {@code null}
   * @return the new map
   * @throws NullPointerException if an argument is {@code null} or {@code update} returns {@code null}
   */
  public ORMap<K, V> update(ReplicaId replica, K key, UnaryOperator<V> update) {
    Objects.requireNonNull(replica, "replica");
    V next = updated(key, update);
    Dot dot = context.nextDot(replica);
    return new ORMap<>(entries.put(key, Tagged.of(dot, next)), context.add(dot), zero);
  }

  /** The key's value after {@code update}, applied to its current value (or the zero value). */
  private V updated(K key, UnaryOperator<V> update) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(update, "update");
    return Objects.requireNonNull(update.apply(get(key).orElse(zero)), () -> "update returned null for key " + key);
  }

  /**
   * The map after removing {@code key}: the updates of it this map has observed are undone.
   *
   * @param key the key
   * @return the new map, or {@code this} when the key is absent
   * @throws NullPointerException if {@code key} is {@code null}
   */
  public ORMap<K, V> remove(Object key) {
    Objects.requireNonNull(key, "key");
    DotMap e = entries.remove(key);
    return e == entries ? this : new ORMap<>(e, context, zero);
  }

  /**
   * The delta of {@link #update}: the key's new value under its new dot, with a context holding
   * that dot and the key's previous dots (the update replaces them).
   *
   * <p>Delta mutator (Almeida, Shoker, Baquero 2018): {@code state.merge(delta)} equals the
   * state after the operation, and deltas of several operations merge into one delta group. Deltas of an
   * ORMap need causal delivery (see {@code dev.converge.delta.DeltaReplicator}).
   *
   * @param replica the replica updating
   * @param key the key
   * @param update computes the new value from the current one; must not return {@code null}
   * @return the delta
   * @throws NullPointerException if an argument is {@code null} or {@code update} returns {@code null}
   */
  public ORMap<K, V> updateDelta(ReplicaId replica, K key, UnaryOperator<V> update) {
    Objects.requireNonNull(replica, "replica");
    V next = updated(key, update);
    Dot dot = context.nextDot(replica);
    List<Dot> seen = new ArrayList<>(valuesByDot(key).keySet());
    seen.add(dot);
    return new ORMap<>(DotMap.EMPTY.put(key, Tagged.of(dot, next)), CausalContext.of(VersionVector.empty(), seen), zero);
  }

  /**
   * The delta of {@link #remove}: no key, and a context holding the dots the remove undoes.
   *
   * <p>Delta mutator (Almeida, Shoker, Baquero 2018): {@code state.merge(delta)} equals the
   * state after the operation, and deltas of several operations merge into one delta group.
   *
   * @param key the key
   * @return the delta
   * @throws NullPointerException if {@code key} is {@code null}
   */
  public ORMap<K, V> removeDelta(Object key) {
    List<Dot> seen = new ArrayList<>(valuesByDot(key).keySet());
    return new ORMap<>(DotMap.EMPTY, CausalContext.of(VersionVector.empty(), seen), zero);
  }

  /**
   * The value of {@code key}: the merge of the values its surviving updates wrote.
   *
   * @param key the key
   * @return the value, or empty when the key is absent
   * @throws NullPointerException if {@code key} is {@code null}
   */
  public Optional<V> get(Object key) {
    Objects.requireNonNull(key, "key");
    Object slot = entries.get(key);
    return slot == null ? Optional.empty() : Optional.of(valueOf(slot));
  }

  @SuppressWarnings("unchecked")
  private V valueOf(Object slot) {
    Tagged t = (Tagged) slot;
    V v = (V) t.value(0);
    for (int i = 1; i < t.size(); i++) {
      v = v.merge((V) t.value(i));
    }
    return v;
  }

  /**
   * The values of {@code key} with the dots of the updates that wrote them; more than one after
   * concurrent updates. {@link #get} returns their merge.
   *
   * @param key the key
   * @return an unmodifiable map in dot order, empty when the key is absent
   * @throws NullPointerException if {@code key} is {@code null}
   */
  @SuppressWarnings("unchecked")
  public Map<Dot, V> valuesByDot(Object key) {
    Objects.requireNonNull(key, "key");
    Object slot = entries.get(key);
    if (slot == null) {
      return Map.of();
    }
    Tagged t = (Tagged) slot;
    Map<Dot, V> out = new LinkedHashMap<>();
    for (int i = 0; i < t.size(); i++) {
      out.put(t.dot(i), (V) t.value(i));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Calls {@code action} with every present key and each of its values with the dot of the update
   * that wrote it (once for most keys; once per value after concurrent updates), in the map's
   * order, with the values of one key in dot order and one after the other. With
   * {@link #context()} and {@link #zero()}, this is the whole state, without the map per key of
   * {@link #valuesByDot}: for encoders and applications that bring their own wire format.
   *
   * @param action receives a key, a dot and the value it tags
   * @throws NullPointerException if {@code action} is {@code null}
   */
  @SuppressWarnings("unchecked")
  public void forEachValue(ValueConsumer<? super K, ? super V> action) {
    Objects.requireNonNull(action, "action");
    for (int i = 0; i < entries.size(); i++) {
      K key = (K) entries.key(i);
      Tagged t = (Tagged) entries.slot(i);
      for (int k = 0; k < t.size(); k++) {
        action.accept(key, t.dot(k), (V) t.value(k));
      }
    }
  }

  /**
   * Receives the values of an {@link ORMap} one at a time: see {@link #forEachValue}.
   *
   * @param <K> the type of the keys
   * @param <V> the type of the values
   */
  @FunctionalInterface
  public interface ValueConsumer<K, V> {
    /**
     * Receives one value.
     *
     * @param key the key
     * @param dot the dot of the update that wrote the value
     * @param value the value
     */
    void accept(K key, Dot dot, V value);
  }

  /**
   * The heir's step of {@link Prunable}: every key holding a value written by {@code retired}, or
   * a value that itself names {@code retired} (a {@link Prunable} value such as a counter), is
   * updated by {@code heir} with its current value pruned ({@code value.prune(retired, heir)}),
   * and the context forgets {@code retired}. Keys and values are unchanged. Call it on the heir's
   * own map only. Values that are not {@link Prunable} are kept as they are.
   *
   * @param retired the replica that left for good
   * @param heir the live replica that takes over, the one calling
   * @return the pruned map, or {@code this} when it holds nothing of {@code retired}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   */
  @Override
  public ORMap<K, V> prune(ReplicaId retired, ReplicaId heir) {
    Pruning.check(retired, heir);
    Pruning.Minter minter = new Pruning.Minter(context, heir);
    Map<K, Map<Dot, V>> out = new LinkedHashMap<>();
    boolean changed = false;
    for (K key : keySet()) {
      Map<Dot, V> values = valuesByDot(key);
      V value = get(key).orElseThrow();
      V pruned = pruneValue(value, retired, heir, true);
      boolean written = false;
      for (Dot d : values.keySet()) {
        written |= d.replica().equals(retired);
      }
      if (written || pruned != value) {
        // As an update by the heir: one fresh dot replaces the values it has seen.
        out.put(key, Map.of(minter.next(), pruned));
        changed = true;
      } else {
        out.put(key, values);
      }
    }
    if (!changed) {
      return pruneCleanup(retired, heir);
    }
    return of(zero, minter.context().pruneCleanup(retired, heir), out);
  }

  /**
   * Every other replica's step of {@link Prunable}: the map without the values and context entry
   * of {@code retired} (the heir wrote its keys again under its own dots), with every
   * {@link Prunable} value cleaned up too ({@code value.pruneCleanup(retired, heir)}). Clean up
   * your own map after merging the heir's pruned map: before, a key kept only by the retired
   * replica's update would be absent, and an update of it would start from the zero value.
   *
   * @param retired the replica that left for good
   * @param heir the live replica that took over
   * @return the cleaned map, or {@code this} when it holds nothing of {@code retired}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   */
  @Override
  public ORMap<K, V> pruneCleanup(ReplicaId retired, ReplicaId heir) {
    Pruning.check(retired, heir);
    boolean changed = context.mentions(retired);
    Map<K, Map<Dot, V>> kept = new LinkedHashMap<>();
    for (K key : keySet()) {
      Map<Dot, V> values = new LinkedHashMap<>();
      for (Map.Entry<Dot, V> e : valuesByDot(key).entrySet()) {
        if (e.getKey().replica().equals(retired)) {
          changed = true;
          continue;
        }
        V cleaned = pruneValue(e.getValue(), retired, heir, false);
        changed |= cleaned != e.getValue();
        values.put(e.getKey(), cleaned);
      }
      if (!values.isEmpty()) {
        kept.put(key, values);
      }
    }
    return changed ? of(zero, context.pruneCleanup(retired, heir), kept) : this;
  }

  @SuppressWarnings("unchecked")
  private static <V> V pruneValue(V value, ReplicaId retired, ReplicaId heir, boolean heirStep) {
    if (!(value instanceof Prunable)) {
      return value;
    }
    Prunable<V> p = (Prunable<V>) value;
    return heirStep ? p.prune(retired, heir) : p.pruneCleanup(retired, heir);
  }

  /**
   * Whether {@code key} is present.
   *
   * @param key the key
   * @return {@code true} when present
   * @throws NullPointerException if {@code key} is {@code null}
   */
  public boolean containsKey(Object key) {
    Objects.requireNonNull(key, "key");
    return entries.indexOf(key) >= 0;
  }

  /**
   * The present keys.
   *
   * @return an unmodifiable view in the map's deterministic order
   */
  @SuppressWarnings("unchecked")
  public Set<K> keySet() {
    return (Set<K>) (Set<?>) entries.keyView();
  }

  /**
   * The present keys with their values.
   *
   * @return an unmodifiable snapshot in the map's deterministic order
   */
  @SuppressWarnings("unchecked")
  public Map<K, V> toMap() {
    Map<K, V> out = new LinkedHashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      out.put((K) entries.key(i), valueOf(entries.slot(i)));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The number of present keys.
   *
   * @return the size
   */
  public int size() {
    return entries.size();
  }

  /**
   * Whether no key is present.
   *
   * @return {@code true} when {@link #size()} is 0
   */
  public boolean isEmpty() {
    return entries.size() == 0;
  }

  /**
   * The value of a key before its first update, as given to {@link #empty(Lattice)}.
   *
   * @return the zero value
   */
  public V zero() {
    return zero;
  }

  /**
   * The causal context: every update this map has seen.
   *
   * @return the context
   */
  public CausalContext context() {
    return context;
  }

  /**
   * The metadata this value carries: replicas tracked, elements, individual dots, cloud, estimated
   * encoded bytes.
   *
   * @return the figures
   */
  public Stats stats() {
    long dots = 0;
    long bytes = 4 + Sizes.context(context);
    for (int i = 0; i < entries.size(); i++) {
      Tagged t = (Tagged) entries.slot(i);
      dots += t.size();
      bytes += Sizes.value(entries.key(i)) + 1;
      for (int k = 0; k < t.size(); k++) {
        bytes += 3 + Sizes.value(t.value(k));
      }
    }
    return new Stats(context.versionVector().size(), entries.size(), dots, context.cloudSize(), bytes);
  }

  @Override
  public ORMap<K, V> merge(ORMap<K, V> other) {
    Objects.requireNonNull(other, "other");
    if (this == other) {
      return this;
    }
    DotMap e = entries.merge(other.entries, context, other.context);
    CausalContext c = context.merge(other.context);
    if (e == entries && c == context) {
      return this;
    }
    if ((c == other.context || c.equals(other.context)) && (e == other.entries || e.equals(other.entries))) {
      return other;
    }
    return new ORMap<>(e, c, zero);
  }

  @Override
  public Causality compare(ORMap<K, V> other) {
    Objects.requireNonNull(other, "other");
    return this == other ? Causality.EQUAL : entries.order(other.entries, context, other.context);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ORMap)) {
      return false;
    }
    ORMap<?, ?> m = (ORMap<?, ?>) o;
    return context.equals(m.context) && entries.equals(m.entries);
  }

  @Override
  public int hashCode() {
    return 31 * context.hashCode() + entries.hashCode();
  }

  /** Returns the keys with their values and the context, for example {@code ORMap{[shoes=...], context={a=1}}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ORMap{[");
    for (int i = 0; i < entries.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(entries.key(i)).append('=').append(valueOf(entries.slot(i)));
    }
    String ctx = context.toString();
    return sb.append("], context={").append(ctx, ctx.indexOf('{') + 1, ctx.length()).append('}').toString();
  }
}
