package dev.converge.set;

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
import dev.converge.internal.Trusted;
import dev.converge.internal.Slots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An add-wins observed-remove set without tombstones (Bieniusa et al., "An Optimized
 * Conflict-free Replicated Set", 2012; the AWORSet of Almeida, Shoker, Baquero 2018).
 *
 * <p>Each present element carries the dots of the adds that put it there, and the set carries one
 * {@link CausalContext} of every add it has seen. A remove drops the element's dots but keeps them
 * in the context, so a merge can tell "removed here" (dot seen, not held) from "not yet seen
 * here". Semantics under concurrency (scenario S3, the shopping cart):
 *
 * <ul>
 *   <li>concurrent adds of different elements: both are present after the merge;
 *   <li>an add concurrent with a remove of the same element: the add wins;
 *   <li>a remove removes only the adds it observed.
 * </ul>
 *
 * <pre>{@code
 * ORSet<String> cart = ORSet.<String>empty().add(phone, "socks");
 * ORSet<String> onPhone = cart.add(phone, "shoes");
 * ORSet<String> onLaptop = cart.add(laptop, "shirt").remove("socks");
 * onPhone.merge(onLaptop).elements();   // [shoes, shirt]: both adds, the observed remove
 * }</pre>
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>immutable and thread-safe (elements must be immutable, with consistent
 *       {@code equals}/{@code hashCode});
 *   <li>a join-semilattice with {@link #empty()} as identity; merge returns {@code this} or
 *       {@code other} itself when the result equals one of them;
 *   <li>no tombstones: metadata is one dot per present element (more only after concurrent adds of
 *       the same element) plus the causal context;
 *   <li>merge is one linear walk over both sets (elements are kept sorted by hash code), so merging
 *       sets of {@code n} and {@code m} elements costs {@code O(n + m)}; {@code add} and
 *       {@code remove} copy the arrays ({@code O(n)}), so prefer {@link #addAll} and
 *       {@link #removeAll} for batches;
 *   <li>{@link #elements()} iterates in a deterministic order (by hash code, ties broken
 *       deterministically), the same on every replica holding the same set.
 * </ul>
 *
 * <p>Every replica must add under its own {@link ReplicaId} and never reuse one after losing its
 * state: a reused dot makes two different adds indistinguishable. {@link #checkMergeable} detects
 * such states before a merge.
 *
 * @param <E> the type of the elements
 */
public final class ORSet<E> implements Lattice<ORSet<E>>, Prunable<ORSet<E>> {

  private static final ORSet<?> EMPTY = new ORSet<>(DotMap.EMPTY, CausalContext.empty());

  static {
    // Converge's decoder builds the entries from input it validated in one pass (see Trusted).
    Trusted.setSets(new Trusted.Sets() {
      @Override
      public ORSet<?> wrap(DotMap entries, CausalContext context) {
        return entries.size() == 0 && context.isEmpty() ? EMPTY : new ORSet<>(entries, context);
      }

      @Override
      public DotMap entries(ORSet<?> set) {
        return set.entries;
      }
    });
  }

  private final DotMap entries;
  private final CausalContext context;

  private ORSet(DotMap entries, CausalContext context) {
    this.entries = entries;
    this.context = context;
  }

  /**
   * The empty set, with no history. The identity of {@link #merge}.
   *
   * @param <E> the type of the elements
   * @return the empty set (a singleton)
   */
  @SuppressWarnings("unchecked")
  public static <E> ORSet<E> empty() {
    return (ORSet<E>) EMPTY;
  }

  /**
   * The set with the given elements, each kept present by the given dots, and the given context:
   * for decoders and applications that bring their own wire format. The state is validated as
   * {@link #validate()} does.
   *
   * @param context every add the set has seen
   * @param elements the present elements and the dots of their adds (at least one each)
   * @param <E> the type of the elements
   * @return the set
   * @throws NullPointerException if an argument, element, dot collection or dot is {@code null}
   * @throws IllegalArgumentException if an element has no dot, a dot is not in {@code context}, or
   *     a dot tags two elements (the message names them)
   */
  public static <E> ORSet<E> of(CausalContext context, Map<? extends E, ? extends Collection<Dot>> elements) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(elements, "elements");
    List<E> keys = new ArrayList<>(elements.size());
    Object[] slots = new Object[elements.size()];
    Map<Dot, Object> owner = new HashMap<>(elements.size() * 4 / 3 + 16);
    for (Map.Entry<? extends E, ? extends Collection<Dot>> e : elements.entrySet()) {
      E element = Objects.requireNonNull(e.getKey(), "elements contains a null element");
      Collection<Dot> dots = Objects.requireNonNull(e.getValue(), () -> "dots of '" + element + "' are null");
      Dot[] ds = dots.toArray(new Dot[0]);
      if (ds.length == 0) {
        throw new IllegalArgumentException("element '" + element + "' has no dot");
      }
      if (ds.length > 1) {
        Arrays.sort(ds, (x, y) -> Objects.requireNonNull(x, "null dot").compareTo(Objects.requireNonNull(y, "null dot")));
      }
      for (Dot d : ds) {
        Objects.requireNonNull(d, () -> "dots of '" + element + "' contain null");
        if (!context.contains(d)) {
          throw new IllegalArgumentException("dot " + d + " of '" + element + "' is not in the context " + context);
        }
        Object previous = owner.put(d, element);
        if (previous != null) {
          throw new IllegalArgumentException("dot " + d + " tags both '" + previous + "' and '" + element
              + "': replica " + d.replica() + " reused a dot");
        }
      }
      slots[keys.size()] = ds.length == 1 ? ds[0] : ds;
      keys.add(element);
    }
    if (keys.isEmpty() && context.isEmpty()) {
      return empty();
    }
    return new ORSet<>(DotMap.EMPTY.putAll(keys, i -> slots[i]), context);
  }

  /**
   * The set after {@code replica} adds {@code element}. The add gets a new dot and replaces the
   * element's previous dots (it has seen them).
   *
   * @param replica the replica adding
   * @param element the element
   * @return the new set
   * @throws NullPointerException if an argument is {@code null}
   */
  public ORSet<E> add(ReplicaId replica, E element) {
    Objects.requireNonNull(replica, "replica");
    Objects.requireNonNull(element, "element");
    Dot dot = context.nextDot(replica);
    return new ORSet<>(entries.put(element, dot), context.add(dot));
  }

  /**
   * The set after {@code replica} adds every element of {@code elements}, in one pass.
   *
   * @param replica the replica adding
   * @param elements the elements; duplicates are added once
   * @return the new set, or {@code this} when {@code elements} is empty
   * @throws NullPointerException if {@code replica}, {@code elements} or an element is {@code null}
   */
  public ORSet<E> addAll(ReplicaId replica, Collection<? extends E> elements) {
    Objects.requireNonNull(replica, "replica");
    DotMap.requireNoNulls(elements, "elements");
    if (elements.isEmpty()) {
      return this;
    }
    List<E> distinct = new ArrayList<>(new LinkedHashSet<>(elements));
    long first = context.nextDot(replica).counter();
    if (first - 1 > Long.MAX_VALUE - distinct.size()) {
      throw new ArithmeticException("counter of replica " + replica + " overflows Long.MAX_VALUE");
    }
    Dot[] dots = new Dot[distinct.size()];
    for (int i = 0; i < dots.length; i++) {
      dots[i] = new Dot(replica, first + i);
    }
    CausalContext ctx = context;
    if (ctx.versionVector().get(replica) == first - 1) {
      // The usual case: the new dots extend the replica's contiguous range.
      ctx = ctx.merge(CausalContext.of(VersionVector.of(replica, first + dots.length - 1)));
    } else {
      for (Dot d : dots) {
        ctx = ctx.add(d);
      }
    }
    return new ORSet<>(entries.putAll(distinct, i -> dots[i]), ctx);
  }

  /**
   * The set after removing {@code element}: the adds of it this set has observed are undone; adds
   * this set has not seen survive a later merge.
   *
   * @param element the element
   * @return the new set, or {@code this} when the element is absent
   * @throws NullPointerException if {@code element} is {@code null}
   */
  public ORSet<E> remove(Object element) {
    Objects.requireNonNull(element, "element");
    DotMap e = entries.remove(element);
    return e == entries ? this : new ORSet<>(e, context);
  }

  /**
   * The set after removing every element of {@code elements}, in one pass.
   *
   * @param elements the elements
   * @return the new set, or {@code this} when none is present
   * @throws NullPointerException if {@code elements} or an element is {@code null}
   */
  public ORSet<E> removeAll(Collection<?> elements) {
    DotMap.requireNoNulls(elements, "elements");
    DotMap e = entries.removeAll(elements);
    return e == entries ? this : new ORSet<>(e, context);
  }

  /**
   * The delta of {@link #add}: the element under its new dot, with a context holding that dot and
   * the element's previous dots (the add replaces them).
   *
   * <p>Delta mutator (Almeida, Shoker, Baquero 2018): {@code state.merge(delta)} equals the
   * state after the operation, and deltas of several operations merge into one delta group. Deltas of an
   * ORSet need causal delivery (see {@code dev.converge.delta.DeltaReplicator}).
   *
   * @param replica the replica adding
   * @param element the element
   * @return the delta
   * @throws NullPointerException if an argument is {@code null}
   */
  public ORSet<E> addDelta(ReplicaId replica, E element) {
    Objects.requireNonNull(replica, "replica");
    Objects.requireNonNull(element, "element");
    Dot dot = context.nextDot(replica);
    List<Dot> seen = new ArrayList<>(dots(element));
    seen.add(dot);
    return new ORSet<>(DotMap.EMPTY.put(element, dot), CausalContext.of(VersionVector.empty(), seen));
  }

  /**
   * The delta of {@link #remove}: no element, and a context holding the dots the remove undoes.
   *
   * <p>Delta mutator (Almeida, Shoker, Baquero 2018): {@code state.merge(delta)} equals the
   * state after the operation, and deltas of several operations merge into one delta group.
   *
   * @param element the element
   * @return the delta ({@link #empty()} when the element is absent)
   * @throws NullPointerException if {@code element} is {@code null}
   */
  public ORSet<E> removeDelta(Object element) {
    List<Dot> seen = dots(element);
    return seen.isEmpty() ? empty() : new ORSet<>(DotMap.EMPTY, CausalContext.of(VersionVector.empty(), seen));
  }

  /**
   * Whether {@code element} is present.
   *
   * @param element the element
   * @return {@code true} when present
   * @throws NullPointerException if {@code element} is {@code null}
   */
  public boolean contains(Object element) {
    Objects.requireNonNull(element, "element");
    return entries.indexOf(element) >= 0;
  }

  /**
   * The present elements.
   *
   * @return an unmodifiable view in the set's deterministic order; {@code contains} is a lookup
   */
  @SuppressWarnings("unchecked")
  public Set<E> elements() {
    return (Set<E>) (Set<?>) entries.keyView();
  }

  /**
   * The number of present elements.
   *
   * @return the size
   */
  public int size() {
    return entries.size();
  }

  /**
   * Whether no element is present.
   *
   * @return {@code true} when {@link #size()} is 0
   */
  public boolean isEmpty() {
    return entries.size() == 0;
  }

  /**
   * The causal context: every add this set has seen, present or removed since.
   *
   * @return the context
   */
  public CausalContext context() {
    return context;
  }

  /**
   * The dots of the adds that keep {@code element} present.
   *
   * @param element the element
   * @return its dots in ascending order, empty when absent
   * @throws NullPointerException if {@code element} is {@code null}
   */
  public List<Dot> dots(Object element) {
    Objects.requireNonNull(element, "element");
    Object slot = entries.get(element);
    return slot == null ? List.of() : List.of(Slots.dots(slot));
  }

  /**
   * Calls {@code action} with every present element and each dot of the adds that keep it present
   * (once for most elements; once per dot after concurrent adds), in the set's order, with the dots
   * of one element in ascending order and one after the other. With {@link #context()}, this is the
   * whole state: for encoders and applications that bring their own wire format.
   *
   * @param action receives an element and one of its dots
   * @throws NullPointerException if {@code action} is {@code null}
   */
  @SuppressWarnings("unchecked")
  public void forEachDot(java.util.function.BiConsumer<? super E, ? super Dot> action) {
    Objects.requireNonNull(action, "action");
    for (int i = 0; i < entries.size(); i++) {
      E element = (E) entries.key(i);
      Object slot = entries.slot(i);
      if (slot instanceof Dot) {
        action.accept(element, (Dot) slot);
      } else {
        for (Dot d : Slots.dots(slot)) {
          action.accept(element, d);
        }
      }
    }
  }

  /**
   * The heir's step of {@link Prunable}: every element kept present by an add of {@code retired}
   * is added again by {@code heir} (one fresh dot of the heir replaces the element's dots, as an
   * add does), and the context forgets {@code retired}. The elements are unchanged. Call it on the
   * heir's own set only.
   *
   * @param retired the replica that left for good
   * @param heir the live replica that takes over, the one calling
   * @return the pruned set, or {@code this} when it holds nothing of {@code retired}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   */
  @Override
  public ORSet<E> prune(ReplicaId retired, ReplicaId heir) {
    Pruning.check(retired, heir);
    if (!context.mentions(retired)) {
      return this;
    }
    Set<E> held = new LinkedHashSet<>();
    forEachDot((e, d) -> {
      if (d.replica().equals(retired)) {
        held.add(e);
      }
    });
    return addAll(heir, held).pruneCleanup(retired, heir);
  }

  /**
   * Every other replica's step of {@link Prunable}: the set without the dots and context entry of
   * {@code retired} (the heir added its live elements again under its own dots). Clean up your
   * own set after merging the heir's pruned set: before, an element kept only by the retired
   * replica's add would be absent.
   *
   * @param retired the replica that left for good
   * @param heir the live replica that took over
   * @return the cleaned set, or {@code this} when it holds nothing of {@code retired}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   */
  @Override
  public ORSet<E> pruneCleanup(ReplicaId retired, ReplicaId heir) {
    Pruning.check(retired, heir);
    if (!context.mentions(retired)) {
      return this;
    }
    Map<E, List<Dot>> kept = new LinkedHashMap<>();
    forEachDot((e, d) -> {
      if (!d.replica().equals(retired)) {
        kept.computeIfAbsent(e, k -> new ArrayList<>(1)).add(d);
      }
    });
    return of(context.pruneCleanup(retired, heir), kept);
  }

  /**
   * Checks that this set and {@code other} can be merged safely: no dot tags different elements in
   * the two sets. Such a conflict means a replica reused dots (for example, it restarted without
   * its state under the same id), and a merge would make elements vanish silently.
   *
   * @param other the state about to be merged
   * @throws IllegalStateException naming the dot and both elements, when a dot is reused
   * @throws NullPointerException if {@code other} is {@code null}
   */
  public void checkMergeable(ORSet<E> other) {
    Objects.requireNonNull(other, "other");
    Map<Dot, Object> owner = new HashMap<>();
    collectDots(this, owner, "this set");
    ORSet<E> small = other;
    for (int i = 0; i < small.entries.size(); i++) {
      Object element = small.entries.key(i);
      for (Dot d : Slots.dots(small.entries.slot(i))) {
        Object mine = owner.get(d);
        if (mine != null && !mine.equals(element)) {
          throw new IllegalStateException("dot " + d + " tags '" + mine + "' in this set and '" + element
              + "' in the other: replica " + d.replica() + " reused a dot (did it restart without its state?)");
        }
      }
    }
  }

  /**
   * Checks the invariants of this set: every dot of a present element is in the context, and no
   * dot tags two elements. States built through this API always pass; a state decoded from
   * untrusted bytes or merged from a replica that reused dots may not.
   *
   * @return this set
   * @throws IllegalStateException naming the first violation
   */
  public ORSet<E> validate() {
    if (!entries.isSorted()) {
      throw new IllegalStateException("elements are not in hash order");
    }
    Map<Dot, Object> owner = new HashMap<>();
    collectDots(this, owner, "this set");
    for (Map.Entry<Dot, Object> e : owner.entrySet()) {
      if (!context.contains(e.getKey())) {
        throw new IllegalStateException("dot " + e.getKey() + " of '" + e.getValue() + "' is not in the context " + context);
      }
    }
    return this;
  }

  private static void collectDots(ORSet<?> set, Map<Dot, Object> owner, String where) {
    for (int i = 0; i < set.entries.size(); i++) {
      Object element = set.entries.key(i);
      for (Dot d : Slots.dots(set.entries.slot(i))) {
        Object previous = owner.put(d, element);
        if (previous != null) {
          throw new IllegalStateException("dot " + d + " tags both '" + previous + "' and '" + element + "' in " + where
              + ": replica " + d.replica() + " reused a dot");
        }
      }
    }
  }

  /**
   * The metadata this value carries: replicas tracked, elements, individual dots, cloud, estimated
   * encoded bytes.
   *
   * @return the figures
   */
  public Stats stats() {
    long dots = 0;
    long bytes = 3 + Sizes.context(context);
    for (int i = 0; i < entries.size(); i++) {
      int n = entries.dotCount(i);
      dots += n;
      bytes += Sizes.value(entries.key(i)) + (n == 1 ? 1 : 1 + 3L * n);
    }
    return new Stats(context.versionVector().size(), entries.size(), dots, context.cloudSize(), bytes);
  }

  @Override
  public ORSet<E> merge(ORSet<E> other) {
    Objects.requireNonNull(other, "other");
    if (this == other) {
      return this;
    }
    DotMap e = entries.merge(other.entries, context, other.context);
    CausalContext c = context.merge(other.context);
    if (e == entries && c == context) {
      return this;
    }
    // Each part returns its left operand on equality, so check `other` by value before allocating.
    if ((c == other.context || c.equals(other.context)) && (e == other.entries || e.equals(other.entries))) {
      return other;
    }
    return new ORSet<>(e, c);
  }

  @Override
  public Causality compare(ORSet<E> other) {
    Objects.requireNonNull(other, "other");
    return this == other ? Causality.EQUAL : entries.order(other.entries, context, other.context);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ORSet)) {
      return false;
    }
    ORSet<?> s = (ORSet<?>) o;
    return context.equals(s.context) && entries.equals(s.entries);
  }

  @Override
  public int hashCode() {
    return 31 * context.hashCode() + entries.hashCode();
  }

  /** Returns the elements and the context, for example {@code ORSet{[shoes, shirt], context={a=2}}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ORSet{[");
    for (int i = 0; i < entries.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(entries.key(i));
    }
    String ctx = context.toString();
    return sb.append("], context={").append(ctx, ctx.indexOf('{') + 1, ctx.length()).append('}').toString();
  }
}
