package dev.converge.set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Causality;
import dev.converge.ReplicaId;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.causal.VersionVector;
import dev.converge.internal.DotMap;
import dev.converge.internal.Tagged;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The representation behind ORSet: single dots stored inline (replica index and counter), other
 * slots ({@code Dot[]}, {@link Tagged}) stored apart, merge output built in chunks. Checks the
 * edge cases of that representation against a plain model: entries switching between one dot and
 * several, maps with only inline entries, only slots, or both, replicas appearing and
 * disappearing, and maps larger than one output chunk (4096 entries) and one block of key
 * comparisons (256 pairs).
 */
final class DotMapInlineTest {

  static final ReplicaId A = ReplicaId.of("a");
  static final ReplicaId B = ReplicaId.of("b");
  static final ReplicaId C = ReplicaId.of("c");

  // --- DotMap directly ---

  @Test
  void put_singleDot_isReadBackAsAnEqualDot() {
    DotMap m = DotMap.EMPTY.put("x", new Dot(A, 1));
    assertEquals(new Dot(A, 1), m.slot(0));
    assertEquals(new Dot(A, 1), m.get("x"));
    assertEquals(1, m.dotCount(0));
  }

  @Test
  void put_switchesAnEntryBetweenOneDotAndSeveral() {
    Dot[] two = {new Dot(A, 1), new Dot(B, 1)};
    DotMap one = DotMap.EMPTY.put("y", new Dot(C, 4)).put("x", new Dot(A, 1));
    DotMap many = one.put("x", two);
    assertSame(two, many.get("x"));
    assertEquals(2, many.dotCount(many.indexOf("x")));
    assertEquals(new Dot(C, 4), many.get("y"));
    DotMap back = many.put("x", new Dot(B, 2));
    assertEquals(new Dot(B, 2), back.get("x"));
    assertEquals(new Dot(C, 4), back.get("y"));
    assertEquals(DotMap.EMPTY.put("x", new Dot(B, 2)).put("y", new Dot(C, 4)), back);
    assertEquals(back.hashCode(), DotMap.EMPTY.put("y", new Dot(C, 4)).put("x", new Dot(B, 2)).hashCode());
  }

  @Test
  void removeAndRemoveAll_keepTheOtherEntriesOfEachKind() {
    Dot[] two = {new Dot(A, 1), new Dot(B, 1)};
    DotMap m = DotMap.EMPTY.put("x", two).put("y", new Dot(C, 1)).put("z", new Dot(A, 2)).put("w", new Dot[] {new Dot(A, 3), new Dot(C, 2)});
    DotMap r = m.remove("x");
    assertEquals(3, r.size());
    assertNull(r.get("x"));
    assertEquals(new Dot(C, 1), r.get("y"));
    assertArrayEquals(new Dot[] {new Dot(A, 3), new Dot(C, 2)}, (Dot[]) r.get("w"));
    DotMap all = m.removeAll(List.of("w", "y"));
    assertEquals(DotMap.EMPTY.put("z", new Dot(A, 2)).put("x", two), all);
    assertSame(DotMap.EMPTY, all.removeAll(List.of("x", "z")));
    assertSame(all, all.remove("nothing"));
  }

  @Test
  void equals_comparesReplicasByIdentityNotByTableIndex() {
    // Same dots, replicas added in different orders, so their table indexes differ.
    DotMap ab = DotMap.EMPTY.put("x", new Dot(A, 1)).put("y", new Dot(B, 1));
    DotMap ba = DotMap.EMPTY.put("y", new Dot(B, 1)).put("x", new Dot(A, 1));
    assertEquals(ab, ba);
    assertEquals(ab.hashCode(), ba.hashCode());
    assertNotEquals(ab, DotMap.EMPTY.put("x", new Dot(B, 1)).put("y", new Dot(A, 1)));
    assertNotEquals(ab, DotMap.EMPTY.put("x", new Dot(A, 1)).put("y", new Dot[] {new Dot(A, 2), new Dot(B, 1)}));
  }

  @Test
  void taggedSlots_areStoredAsSlots() {
    DotMap m = DotMap.EMPTY.put("k", Tagged.of(new Dot(A, 1), "v")).put("j", Tagged.of(new Dot(B, 1), "w"));
    Tagged t = (Tagged) m.get("k");
    assertEquals(new Dot(A, 1), t.dot(0));
    assertEquals("v", t.value(0));
    assertEquals(1, m.dotCount(m.indexOf("j")));
    CausalContext ca = CausalContext.of(VersionVector.of(A, 1));
    CausalContext cb = CausalContext.of(VersionVector.of(B, 1));
    DotMap other = DotMap.EMPTY.put("j", Tagged.of(new Dot(B, 1), "w"));
    DotMap merged = m.merge(other, ca.merge(cb), cb);
    assertSame(m, merged);
  }

  /** A key that counts the calls to its {@code equals} with another instance. */
  private static final class CountingKey {
    static int calls;
    final String name;

    CountingKey(String name) {
      this.name = name;
    }

    @Override
    public boolean equals(Object o) {
      if (o != this) {
        calls++;
      }
      return o instanceof CountingKey && ((CountingKey) o).name.equals(name);
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }
  }

  @Test
  void merge_sameSingleDotOnBothSides_takesTheEntryWithoutComparingKeys() {
    // a = {x: a:1, y: a:2}, b = {x: a:1, y: b:1} from separate key objects, context {a=2, b=1} on both.
    CausalContext both = CausalContext.of(VersionVector.of(A, 2).merge(VersionVector.of(B, 1)));
    DotMap a = DotMap.EMPTY.put(new CountingKey("x"), new Dot(A, 1)).put(new CountingKey("y"), new Dot(A, 2));
    DotMap b = DotMap.EMPTY.put(new CountingKey("x"), new Dot(A, 1)).put(new CountingKey("y"), new Dot(B, 1));
    CountingKey.calls = 0;
    DotMap merged = a.merge(b, both, both);
    // x: the same add on both sides, its keys not compared; y: different dots, keys compared.
    assertEquals(1, CountingKey.calls);
    assertEquals(1, merged.size());
    assertEquals(new Dot(A, 1), merged.get(new CountingKey("x")));
    // Keys sharing a hash code with different dots stay distinct ("Aa" and "BB" collide).
    CausalContext ab = CausalContext.of(VersionVector.of(A, 1).merge(VersionVector.of(B, 1)));
    DotMap left = DotMap.EMPTY.put("Aa", new Dot(A, 1));
    DotMap right = DotMap.EMPTY.put("BB", new Dot(B, 1));
    DotMap collided = left.merge(right, CausalContext.of(VersionVector.of(A, 1)), CausalContext.of(VersionVector.of(B, 1)));
    assertEquals(2, collided.size());
    assertEquals(new Dot(A, 1), collided.get("Aa"));
    assertEquals(new Dot(B, 1), collided.get("BB"));
    assertSame(collided, collided.merge(left, ab, CausalContext.of(VersionVector.of(A, 1))));
    assertEquals(1, collided.merge(left, ab, ab).size()); // left has seen BB's add: removed there
  }

  @Test
  void merge_largeMapsOfEveryKind_matchesAPerKeyModel() {
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 6; round++) {
      int n = 3000 + random.nextInt(7000);
      // Kinds: 0 = only inline dots, 1 = inline and Dot[] slots, 2 = only Dot[] slots.
      Side x = Side.random(random, n, round % 3, A, B);
      Side y = Side.random(random, n, (round + 1) % 3, B, C);
      DotMap merged = x.map.merge(y.map, x.context, y.context);
      Map<String, Set<Dot>> expected = model(x, y);
      assertMatches(expected, merged);
      DotMap swapped = y.map.merge(x.map, y.context, x.context);
      assertEquals(merged, swapped);
      assertEquals(merged.hashCode(), swapped.hashCode());
      // Built another way (put one by one into a rebuilt map), still equal.
      assertEquals(merged, rebuild(expected));
      assertSame(merged, merged.merge(x.map, x.context.merge(y.context), x.context));
    }
  }

  /** One operand: a map and its context. */
  private record Side(DotMap map, CausalContext context, Map<String, Set<Dot>> dots) {

    /**
     * About {@code n} keys from a shared key space (so the two sides overlap), with dots of
     * {@code own} (counters 1..) and of {@code shared}, a replica both sides know up to a point.
     */
    static Side random(SplittableRandom random, int n, int kind, ReplicaId own, ReplicaId shared) {
      Map<String, Set<Dot>> dots = new HashMap<>();
      List<Dot> seen = new ArrayList<>();
      long ownCounter = 0;
      for (int i = 0; i < n; i++) {
        String key = "k" + random.nextInt(2 * n);
        Set<Dot> ds = dots.computeIfAbsent(key, k -> new TreeSet<>());
        boolean several = kind == 2 || (kind == 1 && random.nextInt(8) == 0);
        ds.add(new Dot(own, ++ownCounter));
        if (several || random.nextInt(3) == 0) {
          ds.add(new Dot(shared, 1 + random.nextInt(4 * n)));
        }
        if (several && ds.size() == 1) {
          ds.add(new Dot(own, ++ownCounter));
        }
      }
      if (kind != 2) {
        // Single-dot entries must stay single: keep the last dot of the entries that got several.
        for (Map.Entry<String, Set<Dot>> e : dots.entrySet()) {
          if (kind == 0 || random.nextInt(4) != 0) {
            Dot last = ((TreeSet<Dot>) e.getValue()).last();
            e.setValue(new TreeSet<>(Set.of(last)));
          }
        }
      }
      // Dots tag one key only (a replica never reuses a dot).
      Set<Dot> used = new HashSet<>();
      for (Set<Dot> ds : dots.values()) {
        ds.removeIf(d -> !used.add(d));
      }
      dots.values().removeIf(Set::isEmpty);
      for (Set<Dot> ds : dots.values()) {
        seen.addAll(ds);
      }
      // The context: every dot held, the own replica's whole range, and part of the shared range.
      seen.add(new Dot(shared, 1 + random.nextInt(4 * n)));
      CausalContext context = CausalContext.of(VersionVector.of(own, ownCounter).merge(VersionVector.of(shared, 1 + random.nextInt(2 * n))), seen);
      return new Side(rebuild(dots), context, dots);
    }
  }

  /** The join of dot stores, per key. */
  private static Map<String, Set<Dot>> model(Side x, Side y) {
    Map<String, Set<Dot>> out = new HashMap<>();
    Set<String> keys = new HashSet<>(x.dots.keySet());
    keys.addAll(y.dots.keySet());
    for (String k : keys) {
      Set<Dot> dx = x.dots.getOrDefault(k, Set.of());
      Set<Dot> dy = y.dots.getOrDefault(k, Set.of());
      Set<Dot> keep = new TreeSet<>();
      for (Dot d : dx) {
        if (dy.contains(d) || !y.context.contains(d)) {
          keep.add(d);
        }
      }
      for (Dot d : dy) {
        if (dx.contains(d) || !x.context.contains(d)) {
          keep.add(d);
        }
      }
      if (!keep.isEmpty()) {
        out.put(k, keep);
      }
    }
    return out;
  }

  private static Object slotOf(Set<Dot> dots) {
    Dot[] ds = dots.toArray(new Dot[0]);
    Arrays.sort(ds);
    return ds.length == 1 ? ds[0] : ds;
  }

  private static DotMap rebuild(Map<String, Set<Dot>> dots) {
    List<String> keys = new ArrayList<>(dots.keySet());
    DotMap m = DotMap.EMPTY.putAll(keys, i -> slotOf(dots.get(keys.get(i))));
    assertTrue(m.isSorted());
    return m;
  }

  private static void assertMatches(Map<String, Set<Dot>> expected, DotMap actual) {
    assertEquals(expected.size(), actual.size());
    assertTrue(actual.isSorted());
    for (int i = 0; i < actual.size(); i++) {
      Set<Dot> want = expected.get((String) actual.key(i));
      Object slot = actual.slot(i);
      List<Dot> got = slot instanceof Dot ? List.of((Dot) slot) : Arrays.asList((Dot[]) slot);
      assertEquals(new ArrayList<>(want), got, "key " + actual.key(i));
      assertEquals(want.size(), actual.dotCount(i));
    }
  }

  // --- Through ORSet ---

  @Test
  void orSet_concurrentAddsGiveTwoDots_aLaterAddOrRemoveGoesBackToOne() {
    ORSet<String> base = ORSet.<String>empty().add(A, "x").add(A, "y");
    ORSet<String> onA = base.add(A, "x");
    ORSet<String> onB = base.add(B, "x");
    ORSet<String> both = onA.merge(onB);
    assertEquals(List.of(new Dot(A, 3), new Dot(B, 1)), both.dots("x"));
    assertEquals(List.of(new Dot(A, 2)), both.dots("y"));
    ORSet<String> again = both.add(C, "x");
    assertEquals(List.of(new Dot(C, 1)), again.dots("x"));
    // The re-add has seen both dots: merging the two-dot state back in changes nothing.
    assertEquals(again, again.merge(both));
    assertEquals(Causality.BEFORE, both.compare(again));
    ORSet<String> removed = both.remove("x");
    assertFalse(removed.contains("x"));
    assertEquals(removed, removed.merge(onA).merge(onB));
  }

  @Test
  void orSet_mergeOfLargeSetsWithConcurrentAddsAndRemoves_matchesTheAddWinsRule() {
    int n = 20_000;
    List<String> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add("e" + i);
    }
    ORSet<String> base = ORSet.<String>empty().addAll(C, all.subList(0, n / 2));
    // a: removes [0, n/8), adds [n/2, 3n/4) and re-adds [n/4, 3n/8) (concurrent with b's re-add).
    ORSet<String> a = base.removeAll(all.subList(0, n / 8)).addAll(A, all.subList(n / 2, 3 * n / 4))
        .addAll(A, all.subList(n / 4, 3 * n / 8));
    // b: removes [n/16, n/4), adds [5n/8, n) and re-adds [n/4, 3n/8) and [0, n/32).
    ORSet<String> b = base.removeAll(all.subList(n / 16, n / 4)).addAll(B, all.subList(5 * n / 8, n))
        .addAll(B, all.subList(n / 4, 3 * n / 8)).addAll(B, all.subList(0, n / 32));
    ORSet<String> merged = a.merge(b);
    Set<String> expected = new HashSet<>(all);
    expected.removeAll(all.subList(n / 32, n / 4)); // removed on one side, not re-added on the other
    assertEquals(expected, new HashSet<>(merged.elements()));
    for (String e : all.subList(n / 4, 3 * n / 8)) {
      assertEquals(2, merged.dots(e).size(), e); // added concurrently by a and b
    }
    for (String e : all.subList(5 * n / 8, 3 * n / 4)) {
      assertEquals(2, merged.dots(e).size(), e);
    }
    assertEquals(1, merged.dots(all.get(0)).size());
    assertEquals(merged, b.merge(a));
    assertEquals(merged.hashCode(), b.merge(a).hashCode());
    assertEquals(Causality.BEFORE, a.compare(merged));
    assertEquals(Causality.BEFORE, b.compare(merged));
    assertEquals(Causality.CONCURRENT, a.compare(b));
    assertSame(merged, merged.merge(a));
    // Rebuilt from its parts (one dot collection per element), the set is equal.
    Map<String, List<Dot>> parts = new HashMap<>();
    merged.forEachDot((e, d) -> parts.computeIfAbsent(e, k -> new ArrayList<>()).add(d));
    ORSet<String> rebuilt = ORSet.of(merged.context(), parts);
    assertEquals(merged, rebuilt);
    assertEquals(merged.hashCode(), rebuilt.hashCode());
    merged.validate();
    // Removing every element with two dots leaves only single dots: equal to the set rebuilt so.
    ORSet<String> single = merged.removeAll(all.subList(n / 4, 3 * n / 8)).removeAll(all.subList(5 * n / 8, 3 * n / 4));
    for (String e : single.elements()) {
      assertEquals(1, single.dots(e).size());
    }
    assertEquals(single, ORSet.of(single.context(), single.elements().stream()
        .collect(java.util.stream.Collectors.toMap(e -> e, single::dots))));
  }

  /** Many writers: replica tables past the size where merges look replicas up by hash. */
  @Test
  void merge_manyWriters_tablesLookedUpByHash() {
    ORSet<String> a = ORSet.empty();
    ORSet<String> b = ORSet.empty();
    java.util.Set<String> expected = new java.util.HashSet<>();
    for (int r = 0; r < 300; r++) {
      ReplicaId id = ReplicaId.of("writer-" + r);
      a = a.add(id, "e" + r);
      expected.add("e" + r);
    }
    b = b.merge(a);
    for (int r = 150; r < 450; r++) {
      ReplicaId id = ReplicaId.of("writer-" + r);
      b = b.add(id, "e" + r);
      expected.add("e" + r);
    }
    b = b.remove("e7").remove("e200");
    a = a.add(ReplicaId.of("writer-7"), "e7"); // concurrent with b's remove: survives
    expected.remove("e200");
    ORSet<String> ab = a.merge(b);
    assertEquals(expected, ab.elements());
    assertEquals(ab, b.merge(a));
    assertEquals(ab, ab.merge(a));
    assertEquals(ab, ab.merge(b));
    assertEquals(450, ab.stats().replicas(), "one replica per writer: " + ab.stats());
  }

  /** A key type whose instances all collide and that the tie-break cannot order. */
  static final class Opaque {
    final int id;

    Opaque(int id) {
      this.id = id;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Opaque && ((Opaque) o).id == id;
    }

    @Override
    public int hashCode() {
      return 0;
    }

    @Override
    public String toString() {
      return "opaque";
    }
  }

  @Test
  void addAll_collidingKeysTheTieBreakCannotOrder_keepsEachKeyOnce() {
    Opaque x = new Opaque(1);
    Opaque y = new Opaque(2);
    Opaque z = new Opaque(3);
    ORSet<Opaque> s = ORSet.<Opaque>empty().add(A, x).add(A, y);
    ORSet<Opaque> t = s.addAll(A, List.of(y, x, z));
    assertEquals(3, t.size(), t.toString());
    assertEquals(java.util.Set.of(x, y, z), t.elements());
    assertEquals(1, t.dots(x).size());
    assertEquals(t, t.merge(s));
    assertEquals(t.validate(), t);
  }
}
