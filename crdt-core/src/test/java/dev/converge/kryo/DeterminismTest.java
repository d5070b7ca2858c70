package dev.converge.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.esotericsoftware.kryo.Kryo;
import dev.converge.Lattice;
import dev.converge.ReplicaId;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.causal.Siblings;
import dev.converge.causal.VersionVector;
import dev.converge.counter.GCounter;
import dev.converge.counter.PNCounter;
import dev.converge.laws.LawCase;
import dev.converge.laws.Model;
import dev.converge.laws.Property;
import dev.converge.map.ORMap;
import dev.converge.register.LWWRegister;
import dev.converge.register.MVRegister;
import dev.converge.set.ORSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Equal states give identical bytes, however they were built: on states of random operation
 * histories ({@link Models}), for every lattice type,
 *
 * <ul>
 *   <li>{@code a.merge(b)} and {@code b.merge(a)}, and both groupings of {@code a}, {@code b},
 *       {@code c}, encode identically;
 *   <li>the state rebuilt through its validating factory from its parts fed in a shuffled order
 *       ({@code LinkedHashMap}s in random order, {@code HashMap}s of different capacities,
 *       shuffled dot lists with repeats), and the state rebuilt by merging its smallest pieces
 *       (one entry, one dot, one value) in a shuffled order, equal it and encode identically.
 * </ul>
 *
 * <p>Each check runs {@value #TRIES} cases through {@link Property#forAll}: a failure prints the
 * seed and the shrunk history, and {@code -Dconverge.seed=N} re-runs it. Bytes are compared plain
 * and deflated ({@link Fixtures#DEFLATE_ALL}).
 */
final class DeterminismTest {

  static final int TRIES = 300;
  static final int MAX_STEPS = 20;

  /** A lattice type: its model, and equal states built from a state in other orders. */
  record Kind<T extends Lattice<T>>(String name, Model<T> model, BiFunction<T, SplittableRandom, List<T>> rebuilds) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A generated case: a history with three picked replicas, and the seed of the shuffles. */
  record Case<T extends Lattice<T>>(LawCase<T> history, long shuffle) {
    List<Case<T>> shrink() {
      return history.shrink().stream().map(h -> new Case<>(h, shuffle)).toList();
    }

    @Override
    public String toString() {
      return history + "\n    shuffle seed " + shuffle;
    }
  }

  static Stream<Kind<?>> kinds() {
    return Stream.of(
        new Kind<>("VersionVector", Models.versionVector(), DeterminismTest::vectors),
        new Kind<>("CausalContext", Models.causalContext(), DeterminismTest::contexts),
        new Kind<>("GCounter", Models.gCounter(), DeterminismTest::gCounters),
        new Kind<>("PNCounter", Models.pnCounter(), DeterminismTest::pnCounters),
        new Kind<>("Siblings of strings", Models.siblings(Models.Values.STRING), DeterminismTest::siblings),
        new Kind<>("Siblings of mixed values", Models.siblings(Models.Values.MIXED), DeterminismTest::siblings),
        new Kind<>("LWWRegister of strings", Models.lwwRegister(Models.Values.STRING), DeterminismTest::lwwRegisters),
        new Kind<>("LWWRegister of mixed values", Models.lwwRegister(Models.Values.MIXED), DeterminismTest::lwwRegisters),
        new Kind<>("MVRegister of strings", Models.mvRegister(Models.Values.STRING), DeterminismTest::mvRegisters),
        new Kind<>("MVRegister of mixed values", Models.mvRegister(Models.Values.MIXED), DeterminismTest::mvRegisters),
        new Kind<>("ORSet of strings", Models.orSet(Models.Values.STRING), DeterminismTest::orSets),
        new Kind<>("ORSet of longs", Models.orSet(Models.Values.LONG), DeterminismTest::orSets),
        new Kind<>("ORSet of mixed values", Models.orSet(Models.Values.MIXED), DeterminismTest::orSets),
        new Kind<>("ORMap of string keys", Models.orMap(Models.Values.STRING), DeterminismTest::orMaps),
        new Kind<>("ORMap of long keys", Models.orMap(Models.Values.LONG), DeterminismTest::orMaps),
        new Kind<>("ORMap of nested sets", Models.orMapOfSets(), DeterminismTest::orMaps));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  <T extends Lattice<T>> void mergeOrder_doesNotChangeTheBytes(Kind<T> kind) {
    Kryo plain = Fixtures.kryo(Settings.DEFAULT);
    Kryo deflating = Fixtures.kryo(Fixtures.DEFLATE_ALL);
    Property.forAll("DeterminismTest.mergeOrder " + kind.name(), TRIES,
        r -> new Case<>(LawCase.random(kind.model(), r, MAX_STEPS), r.nextLong()), Case::shrink, c -> {
          List<T> s = c.history().states();
          T a = s.get(0);
          T b = s.get(1);
          T x = s.get(2);
          for (Kryo kryo : List.of(plain, deflating)) {
            assertSameBytes(kryo, a.merge(b), b.merge(a), "a.merge(b) and b.merge(a)");
            assertSameBytes(kryo, a.merge(b).merge(x), a.merge(b.merge(x)), "(a.merge(b)).merge(c) and a.merge(b.merge(c))");
            assertSameBytes(kryo, x.merge(a).merge(b), b.merge(x.merge(a)), "(c.merge(a)).merge(b) and b.merge(c.merge(a))");
          }
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  <T extends Lattice<T>> void buildOrder_doesNotChangeTheBytes(Kind<T> kind) {
    Kryo plain = Fixtures.kryo(Settings.DEFAULT);
    Kryo deflating = Fixtures.kryo(Fixtures.DEFLATE_ALL);
    Property.forAll("DeterminismTest.buildOrder " + kind.name(), TRIES,
        r -> new Case<>(LawCase.random(kind.model(), r, MAX_STEPS), r.nextLong()), Case::shrink, c -> {
          List<T> s = c.history().states();
          T merged = s.get(0).merge(s.get(1));
          for (T state : List.of(s.get(0), merged)) {
            List<T> rebuilt = kind.rebuilds().apply(state, new SplittableRandom(c.shuffle()));
            for (int i = 0; i < rebuilt.size(); i++) {
              assertEquals(state, rebuilt.get(i), "rebuild " + i + " gives an equal state");
              for (Kryo kryo : List.of(plain, deflating)) {
                assertSameBytes(kryo, state, rebuilt.get(i), "the state and its rebuild " + i);
              }
            }
          }
        });
  }

  // Values with colliding hash codes ("Aa" and "BB", 0L and -1L) are where an order-dependent tie
  // break would show: each story builds one state in two orders.

  @Test
  void siblings_initialValuesWithCollidingHashes_encodeIdenticallyInEitherOrder() {
    Kryo kryo = Fixtures.kryo(Settings.DEFAULT);
    // {Aa} then {BB} vs {BB} then {Aa}: equal sets of initial values, so equal bytes
    assertSameBytes(kryo, Siblings.of("Aa").merge(Siblings.of("BB")), Siblings.of("BB").merge(Siblings.of("Aa")),
        "initial values Aa, BB merged in either order");
    assertSameBytes(kryo, Siblings.<Object>of(0).merge(Siblings.of(-1L)), Siblings.<Object>of(-1L).merge(Siblings.of(0)),
        "initial values 0 and -1L merged in either order");
  }

  @Test
  void orSetAndOrMap_collidingElementsAndKeys_encodeIdenticallyInEitherOrder() {
    Kryo kryo = Fixtures.kryo(Settings.DEFAULT);
    ReplicaId a = ReplicaId.of("a");
    ReplicaId b = ReplicaId.of("b");
    // a adds Aa, b adds BB; merged both ways, and rebuilt from parts in both orders
    ORSet<String> left = ORSet.<String>empty().add(a, "Aa");
    ORSet<String> right = ORSet.<String>empty().add(b, "BB");
    assertSameBytes(kryo, left.merge(right), right.merge(left), "ORSet {Aa@a1} and {BB@b1} merged in either order");
    CausalContext ab = CausalContext.of(VersionVector.of(Map.of(a, 1L, b, 1L)));
    Map<String, List<Dot>> forward = new LinkedHashMap<>();
    forward.put("Aa", List.of(new Dot(a, 1)));
    forward.put("BB", List.of(new Dot(b, 1)));
    Map<String, List<Dot>> backward = new LinkedHashMap<>();
    backward.put("BB", List.of(new Dot(b, 1)));
    backward.put("Aa", List.of(new Dot(a, 1)));
    assertSameBytes(kryo, ORSet.of(ab, forward), ORSet.of(ab, backward), "ORSet.of with Aa, BB in either order");
    // 0L and -1L share a hash code: added as a1, a2, and rebuilt from its parts listed the other way
    ORSet<Long> longs = ORSet.<Long>empty().add(a, 0L).add(a, -1L);
    Map<Long, List<Dot>> reversed = new LinkedHashMap<>();
    reversed.put(-1L, List.of(new Dot(a, 2)));
    reversed.put(0L, List.of(new Dot(a, 1)));
    assertSameBytes(kryo, longs, ORSet.of(longs.context(), reversed), "ORSet {0L@a1, -1L@a2} built in either order");
    // ORMap: keys Aa (by a) and BB (by b), updated in either order
    ORMap<String, GCounter> m1 = ORMap.<String, GCounter>empty(GCounter.empty()).update(a, "Aa", c -> c.increment(a, 1));
    ORMap<String, GCounter> m2 = ORMap.<String, GCounter>empty(GCounter.empty()).update(b, "BB", c -> c.increment(b, 1));
    assertSameBytes(kryo, m1.merge(m2), m2.merge(m1), "ORMap {Aa, BB} merged in either order");
  }

  @Test
  void versionVector_fromMapsOfAnyIterationOrder_encodesIdentically() {
    Kryo kryo = Fixtures.kryo(Settings.DEFAULT);
    Map<ReplicaId, Long> forward = new LinkedHashMap<>();
    Map<ReplicaId, Long> backward = new LinkedHashMap<>();
    List<ReplicaId> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add(ReplicaId.of("replica-" + i));
    }
    for (int i = 0; i < ids.size(); i++) {
      forward.put(ids.get(i), (long) i + 1);
      backward.put(ids.get(ids.size() - 1 - i), (long) ids.size() - i);
    }
    Map<ReplicaId, Long> hashed = new HashMap<>(forward);
    assertSameBytes(kryo, VersionVector.of(forward), VersionVector.of(backward), "VersionVector.of, forward and backward");
    assertSameBytes(kryo, VersionVector.of(forward), VersionVector.of(hashed), "VersionVector.of, linked and hashed");
    assertSameBytes(kryo, GCounter.of(VersionVector.of(backward)), GCounter.of(VersionVector.of(hashed)), "GCounter.of");
  }

  static void assertSameBytes(Kryo kryo, Object x, Object y, String what) {
    assertEquals(x, y, what + " are equal");
    assertEquals(Fixtures.hex(Fixtures.write(kryo, x)), Fixtures.hex(Fixtures.write(kryo, y)),
        what + " encode identically: " + x + " and " + y);
  }

  // ------------------------------------------------------------------ shuffling

  static <E> List<E> shuffled(List<E> list, SplittableRandom r) {
    List<E> out = new ArrayList<>(list);
    for (int i = out.size() - 1; i > 0; i--) {
      Collections.swap(out, i, r.nextInt(i + 1));
    }
    return out;
  }

  /** The entries of {@code map} in a random insertion order. */
  static <K, V> Map<K, V> shuffled(Map<K, V> map, SplittableRandom r) {
    Map<K, V> out = new LinkedHashMap<>();
    for (K k : shuffled(new ArrayList<>(map.keySet()), r)) {
      out.put(k, map.get(k));
    }
    return out;
  }

  /** The entries of {@code map} in a {@code HashMap} of a random capacity (so another iteration order). */
  static <K, V> Map<K, V> rehashed(Map<K, V> map, SplittableRandom r) {
    Map<K, V> out = new HashMap<>(1 << r.nextInt(8));
    for (K k : shuffled(new ArrayList<>(map.keySet()), r)) {
      out.put(k, map.get(k));
    }
    return out;
  }

  /** Merges {@code pieces} in a random order, from {@code empty}. */
  static <T extends Lattice<T>> T mergedShuffled(T empty, List<T> pieces, SplittableRandom r) {
    T out = empty;
    for (T p : shuffled(pieces, r)) {
      out = out.merge(p);
    }
    return out;
  }

  /** Every dot of {@code context}: the vector's and the cloud's. */
  static List<Dot> dotsOf(CausalContext context) {
    List<Dot> dots = new ArrayList<>(context.cloud());
    context.versionVector().forEach((replica, n) -> {
      for (long k = 1; k <= n; k++) {
        dots.add(new Dot(replica, k));
      }
    });
    return dots;
  }

  // ------------------------------------------------------------------ rebuilds per type

  static List<VersionVector> vectors(VersionVector v, SplittableRandom r) {
    List<VersionVector> singles = new ArrayList<>();
    v.forEach((replica, n) -> singles.add(VersionVector.of(replica, n)));
    return List.of(
        VersionVector.of(shuffled(v.toMap(), r)),
        VersionVector.of(rehashed(v.toMap(), r)),
        mergedShuffled(VersionVector.empty(), singles, r));
  }

  static List<CausalContext> contexts(CausalContext c, SplittableRandom r) {
    List<Dot> dots = dotsOf(c);
    List<Dot> cloudWithRepeats = new ArrayList<>(c.cloud());
    cloudWithRepeats.addAll(c.cloud());
    cloudWithRepeats.addAll(dots); // dots the vector covers are ignored
    CausalContext added = CausalContext.empty();
    for (Dot d : shuffled(dots, r)) {
      added = added.add(d);
    }
    List<CausalContext> singles = dots.stream().map(Models::contextOf).toList();
    return List.of(
        CausalContext.of(VersionVector.of(shuffled(c.versionVector().toMap(), r)), shuffled(cloudWithRepeats, r)),
        added,
        mergedShuffled(CausalContext.empty(), singles, r));
  }

  static List<GCounter> gCounters(GCounter g, SplittableRandom r) {
    List<GCounter> singles = new ArrayList<>();
    g.counts().forEach((replica, n) -> singles.add(GCounter.of(VersionVector.of(replica, n))));
    return List.of(GCounter.of(VersionVector.of(rehashed(g.counts().toMap(), r))), mergedShuffled(GCounter.empty(), singles, r));
  }

  static List<PNCounter> pnCounters(PNCounter p, SplittableRandom r) {
    List<PNCounter> singles = new ArrayList<>();
    p.increments().counts().forEach((replica, n) -> singles.add(PNCounter.of(GCounter.of(VersionVector.of(replica, n)), GCounter.empty())));
    p.decrements().counts().forEach((replica, n) -> singles.add(PNCounter.of(GCounter.empty(), GCounter.of(VersionVector.of(replica, n)))));
    return List.of(
        PNCounter.of(gCounters(p.increments(), r).get(0), gCounters(p.decrements(), r).get(0)),
        mergedShuffled(PNCounter.empty(), singles, r));
  }

  static List<Siblings<Object>> siblings(Siblings<Object> s, SplittableRandom r) {
    Map<Dot, Object> byDot = s.valuesByDot();
    List<Object> values = s.values();
    List<Siblings<Object>> initials = new ArrayList<>();
    for (Object v : values.subList(byDot.size(), values.size())) {
      initials.add(Siblings.of(v));
    }
    Siblings<Object> rebuilt = mergedShuffled(Siblings.of(VersionVector.of(rehashed(s.context().toMap(), r)), shuffled(byDot, r)),
        initials, r);
    return List.of(rebuilt, mergedShuffled(Siblings.empty(), initials, r).merge(Siblings.of(s.context(), rehashed(byDot, r))));
  }

  static List<LWWRegister<Object>> lwwRegisters(LWWRegister<Object> l, SplittableRandom r) {
    if (l.isEmpty()) {
      return List.of();
    }
    List<LWWRegister<Object>> singles = new ArrayList<>();
    for (Object v : l.values()) {
      singles.add(LWWRegister.of(v, l.timestamp().orElseThrow(), l.writer().orElseThrow()));
    }
    return List.of(mergedShuffled(LWWRegister.empty(), singles, r), mergedShuffled(LWWRegister.empty(), singles, r));
  }

  static List<MVRegister<Object>> mvRegisters(MVRegister<Object> m, SplittableRandom r) {
    Map<Dot, Object> byDot = m.valuesByDot();
    List<MVRegister<Object>> pieces = new ArrayList<>();
    for (Dot d : dotsOf(m.context())) {
      pieces.add(MVRegister.of(Models.contextOf(d), byDot.containsKey(d) ? Map.of(d, byDot.get(d)) : Map.of()));
    }
    return List.of(
        MVRegister.of(CausalContext.of(m.context().versionVector(), shuffled(m.context().cloud(), r)), shuffled(byDot, r)),
        mergedShuffled(MVRegister.empty(), pieces, r));
  }

  static List<ORSet<Object>> orSets(ORSet<Object> s, SplittableRandom r) {
    Map<Object, List<Dot>> parts = new HashMap<>();
    Map<Dot, Object> owner = new HashMap<>();
    for (Object e : s.elements()) {
      parts.put(e, shuffled(s.dots(e), r));
      s.dots(e).forEach(d -> owner.put(d, e));
    }
    List<ORSet<Object>> pieces = new ArrayList<>();
    for (Dot d : dotsOf(s.context())) {
      Object e = owner.get(d);
      pieces.add(ORSet.of(Models.contextOf(d), e == null ? Map.of() : Map.of(e, List.of(d))));
    }
    return List.of(
        ORSet.of(s.context(), shuffled(parts, r)),
        ORSet.of(s.context(), rehashed(parts, r)),
        mergedShuffled(ORSet.empty(), pieces, r));
  }

  static <V extends Lattice<V>> List<ORMap<Object, V>> orMaps(ORMap<Object, V> m, SplittableRandom r) {
    Map<Object, Map<Dot, V>> parts = new HashMap<>();
    Map<Dot, Object> owner = new HashMap<>();
    for (Object k : m.keySet()) {
      Map<Dot, V> byDot = m.valuesByDot(k);
      parts.put(k, shuffled(byDot, r));
      byDot.keySet().forEach(d -> owner.put(d, k));
    }
    List<ORMap<Object, V>> pieces = new ArrayList<>();
    for (Dot d : dotsOf(m.context())) {
      Object k = owner.get(d);
      Map<Object, Map<Dot, V>> piece = k == null ? Map.of() : Map.of(k, Map.of(d, m.valuesByDot(k).get(d)));
      pieces.add(ORMap.of(m.zero(), Models.contextOf(d), piece));
    }
    return List.of(
        ORMap.of(m.zero(), m.context(), shuffled(parts, r)),
        ORMap.of(m.zero(), m.context(), rehashed(parts, r)),
        mergedShuffled(ORMap.empty(m.zero()), pieces, r));
  }
}
