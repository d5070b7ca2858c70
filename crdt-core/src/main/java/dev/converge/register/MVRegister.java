package dev.converge.register;

import dev.converge.Causality;
import dev.converge.Lattice;
import dev.converge.Prunable;
import dev.converge.ReplicaId;
import dev.converge.Stats;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.internal.Pruning;
import dev.converge.internal.Sizes;
import dev.converge.internal.Slots;
import dev.converge.internal.Tagged;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A multi-value register: a write replaces every value its replica has seen, and concurrent writes
 * are all kept, to be resolved by the application (the optimized MVRegister of Almeida, Shoker,
 * Baquero 2018).
 *
 * <p>Each value carries the dot of its write, and the register carries one {@link CausalContext}
 * of every write it has seen: no vector clock per value, so merging costs time linear in the
 * number of values, not quadratic.
 *
 * <pre>{@code
 * MVRegister<String> r = MVRegister.<String>empty().write(a, "draft");
 * MVRegister<String> onA = r.write(a, "Alice");
 * MVRegister<String> onB = r.write(b, "Bob");
 * onA.merge(onB).values();                          // [Alice, Bob]: concurrent, both kept
 * onA.merge(onB).write(a, "Alice & Bob").values();  // [Alice & Bob]: it saw both
 * }</pre>
 *
 * <p>Guarantees: immutable and thread-safe; a join-semilattice with {@link #empty()} as identity;
 * {@link #values()} are exactly the writes that no write in this register's history has seen, in
 * dot order (deterministic).
 *
 * @param <V> the type of the values
 */
public final class MVRegister<V> implements Lattice<MVRegister<V>>, Prunable<MVRegister<V>> {

  private static final MVRegister<?> EMPTY = new MVRegister<>(null, CausalContext.empty());

  /** The surviving writes, or {@code null} when there is none. */
  private final Tagged writes;
  private final CausalContext context;

  private MVRegister(Tagged writes, CausalContext context) {
    this.writes = writes;
    this.context = context;
  }

  /**
   * The register with no value and no history. The identity of {@link #merge}.
   *
   * @param <V> the type of the values
   * @return the empty register (a singleton)
   */
  @SuppressWarnings("unchecked")
  public static <V> MVRegister<V> empty() {
    return (MVRegister<V>) EMPTY;
  }

  /**
   * The register holding the given values, each under the dot of its write, and the given context:
   * for decoders and applications that bring their own wire format.
   *
   * @param context every write the register has seen
   * @param values the current values by the dot of their write
   * @param <V> the type of the values
   * @return the register
   * @throws NullPointerException if an argument, dot or value is {@code null}
   * @throws IllegalArgumentException if a dot is not in {@code context}
   */
  public static <V> MVRegister<V> of(CausalContext context, Map<Dot, ? extends V> values) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(values, "values");
    if (values.isEmpty()) {
      return context.isEmpty() ? empty() : new MVRegister<>(null, context);
    }
    return new MVRegister<>(Tagged.restore(values, context, new HashSet<>(), "the register"), context);
  }

  /**
   * The register after {@code replica} writes {@code value}: the write replaces every value this
   * register holds (it has seen them).
   *
   * @param replica the replica writing
   * @param value the value
   * @return the new register
   * @throws NullPointerException if an argument is {@code null}
   * @throws ArithmeticException if the replica's counter would overflow
   */
  public MVRegister<V> write(ReplicaId replica, V value) {
    Objects.requireNonNull(replica, "replica");
    Objects.requireNonNull(value, "value");
    Dot dot = context.nextDot(replica);
    return new MVRegister<>(Tagged.of(dot, value), context.add(dot));
  }

  /**
   * The delta of {@link #write}: the new value under its dot, with a context holding the dots of
   * the values it replaces and its own.
   *
   * <p>Delta mutator (Almeida, Shoker, Baquero 2018): {@code state.merge(delta)} equals the
   * state after the operation, and deltas of several operations merge into one delta group. Deltas of a
   * multi-value register need causal delivery (see {@code dev.converge.delta.DeltaReplicator}).
   *
   * @param replica the replica writing
   * @param value the value
   * @return the delta
   * @throws NullPointerException if an argument is {@code null}
   * @throws ArithmeticException if the replica's counter would overflow
   */
  public MVRegister<V> writeDelta(ReplicaId replica, V value) {
    Objects.requireNonNull(replica, "replica");
    Objects.requireNonNull(value, "value");
    Dot dot = context.nextDot(replica);
    List<Dot> seen = new ArrayList<>(size() + 1);
    for (int i = 0; writes != null && i < writes.size(); i++) {
      seen.add(writes.dot(i));
    }
    seen.add(dot);
    return new MVRegister<>(Tagged.of(dot, value), CausalContext.of(dev.converge.causal.VersionVector.empty(), seen));
  }

  /**
   * The current values: one per write that no other write in this register's history has seen.
   *
   * @return an unmodifiable list in dot order; empty before the first write
   */
  @SuppressWarnings("unchecked")
  public List<V> values() {
    if (writes == null) {
      return List.of();
    }
    List<V> out = new ArrayList<>(writes.size());
    for (int i = 0; i < writes.size(); i++) {
      out.add((V) writes.value(i));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * The current values with the dot of the write that produced each.
   *
   * @return an unmodifiable map in dot order
   */
  @SuppressWarnings("unchecked")
  public Map<Dot, V> valuesByDot() {
    Map<Dot, V> out = new LinkedHashMap<>();
    for (int i = 0; writes != null && i < writes.size(); i++) {
      out.put(writes.dot(i), (V) writes.value(i));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The number of concurrent values.
   *
   * @return the number of values, 0 before the first write
   */
  public int size() {
    return writes == null ? 0 : writes.size();
  }

  /**
   * The causal context: every write this register has seen.
   *
   * @return the context
   */
  public CausalContext context() {
    return context;
  }

  /**
   * The heir's step of {@link Prunable}: values written by {@code retired} get fresh dots of
   * {@code heir}, and the context forgets {@code retired}. The values are unchanged. Call it on the
   * heir's own register only.
   *
   * @param retired the replica that left for good
   * @param heir the live replica that takes over, the one calling
   * @return the pruned register, or {@code this} when it holds nothing of {@code retired}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   */
  @Override
  public MVRegister<V> prune(ReplicaId retired, ReplicaId heir) {
    return pruned(retired, heir, true);
  }

  /**
   * Every other replica's step of {@link Prunable}: the register without the values and context
   * entry of {@code retired} (the heir re-issued the live values under its own dots).
   *
   * @param retired the replica that left for good
   * @param heir the live replica that took over
   * @return the cleaned register, or {@code this} when it holds nothing of {@code retired}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   */
  @Override
  public MVRegister<V> pruneCleanup(ReplicaId retired, ReplicaId heir) {
    return pruned(retired, heir, false);
  }

  private MVRegister<V> pruned(ReplicaId retired, ReplicaId heir, boolean reissue) {
    Pruning.check(retired, heir);
    if (!context.mentions(retired)) {
      return this;
    }
    Pruning.Minter minter = new Pruning.Minter(context.pruneCleanup(retired, heir), heir);
    Map<Dot, V> kept = new LinkedHashMap<>();
    List<V> moved = new ArrayList<>();
    valuesByDot().forEach((d, v) -> {
      if (!d.replica().equals(retired)) {
        kept.put(d, v);
      } else if (reissue) {
        moved.add(v);
      }
    });
    for (V v : moved) {
      kept.put(minter.next(), v);
    }
    return of(minter.context(), kept);
  }

  /**
   * The metadata this value carries: replicas tracked, elements, individual dots, cloud, estimated
   * encoded bytes.
   *
   * @return the figures
   */
  public Stats stats() {
    long bytes = 3 + Sizes.context(context);
    for (int i = 0; writes != null && i < writes.size(); i++) {
      bytes += 3 + Sizes.value(writes.value(i));
    }
    return new Stats(context.versionVector().size(), size(), size(), context.cloudSize(), bytes);
  }

  @Override
  public MVRegister<V> merge(MVRegister<V> other) {
    Objects.requireNonNull(other, "other");
    if (this == other) {
      return this;
    }
    Tagged w = join(other);
    CausalContext c = context.merge(other.context);
    if (w == writes && c == context) {
      return this;
    }
    if (Objects.equals(w, other.writes) && (c == other.context || c.equals(other.context))) {
      return other;
    }
    return new MVRegister<>(w, c);
  }

  private Tagged join(MVRegister<V> other) {
    if (writes == null) {
      return other.writes == null ? null : (Tagged) Slots.filter(other.writes, context);
    }
    if (other.writes == null) {
      return (Tagged) Slots.filter(writes, other.context);
    }
    return (Tagged) Slots.merge(writes, other.writes, context, other.context);
  }

  @Override
  public Causality compare(MVRegister<V> other) {
    Objects.requireNonNull(other, "other");
    if (this == other) {
      return Causality.EQUAL;
    }
    Tagged w = join(other);
    Causality contexts = context.compare(other.context);
    boolean le = contexts.isBeforeOrEqual() && Objects.equals(w, other.writes);
    boolean ge = contexts.isAfterOrEqual() && Objects.equals(w, writes);
    if (le) {
      return ge ? Causality.EQUAL : Causality.BEFORE;
    }
    return ge ? Causality.AFTER : Causality.CONCURRENT;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof MVRegister)) {
      return false;
    }
    MVRegister<?> r = (MVRegister<?>) o;
    return context.equals(r.context) && Objects.equals(writes, r.writes);
  }

  @Override
  public int hashCode() {
    return 31 * context.hashCode() + Objects.hashCode(writes);
  }

  /** Returns the values with their dots, for example {@code MVRegister{[a:2=Alice, b:1=Bob], context={a=2, b=1}}}. */
  @Override
  public String toString() {
    String ctx = context.toString();
    return "MVRegister{" + (writes == null ? "[]" : writes.toString()) + ", context={"
        + ctx.substring(ctx.indexOf('{') + 1) + "}";
  }
}
