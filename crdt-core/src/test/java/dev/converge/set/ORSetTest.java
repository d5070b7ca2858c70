package dev.converge.set;

import static dev.converge.Causality.BEFORE;
import static dev.converge.Causality.CONCURRENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.ReplicaId;
import dev.converge.causal.Dot;
import dev.converge.laws.LatticeLaws;
import dev.converge.laws.Model;
import dev.converge.laws.Operation;
import dev.converge.laws.Ops;
import dev.converge.laws.Property;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class ORSetTest extends LatticeLaws<ORSet<String>> {

  static final ReplicaId A = ReplicaId.of("a");
  static final ReplicaId B = ReplicaId.of("b");
  static final ReplicaId C = ReplicaId.of("c");
  static final ReplicaId PHONE = ReplicaId.of("phone");
  static final ReplicaId LAPTOP = ReplicaId.of("laptop");

  /** Elements with colliding hash codes ("Aa" and "BB" share one), to exercise hash groups. */
  static final List<String> ELEMENTS = List.of("x", "y", "z", "Aa", "BB", "AaAa", "BBBB", "AaBB");

  @Override
  protected ORSet<String> rebuild(ORSet<String> s) {
    Map<String, List<Dot>> parts = new HashMap<>();
    for (String e : s.elements()) {
      parts.put(e, s.dots(e));
    }
    return ORSet.of(s.context(), parts);
  }

  @Override
  protected Model<ORSet<String>> model() {
    return new Model<>() {
      @Override
      public ORSet<String> empty() {
        return ORSet.empty();
      }

      @Override
      public Operation<ORSet<String>> randomOperation(SplittableRandom random, int replicaCount) {
        String e = ELEMENTS.get(random.nextInt(ELEMENTS.size()));
        String f = ELEMENTS.get(random.nextInt(ELEMENTS.size()));
        switch (random.nextInt(5)) {
          case 0:
          case 1:
            return Ops.op("add " + e, (r, w) -> w.state(r).add(w.id(r), e), (r, w) -> w.state(r).addDelta(w.id(r), e));
          case 2:
            return Ops.op("remove " + e, (r, w) -> w.state(r).remove(e), (r, w) -> w.state(r).removeDelta(e));
          case 3:
            return Ops.op("addAll " + e + ", " + f, (r, w) -> w.state(r).addAll(w.id(r), List.of(e, f)));
          default:
            return Ops.op("removeAll " + e + ", " + f, (r, w) -> w.state(r).removeAll(List.of(e, f)));
        }
      }
    };
  }

  @Override
  protected boolean hasDeltas() {
    return true;
  }

  // S3 Cart: concurrent adds of different items both survive; a remove concurrent with an add of
  // the same item loses; a remove removes only what it observed.
  @Test
  void merge_scenarioS3_cart() {
    ORSet<String> cart = ORSet.<String>empty().add(PHONE, "socks");
    ORSet<String> onPhone = cart.add(PHONE, "shoes"); // phone adds shoes
    ORSet<String> onLaptop = cart.add(LAPTOP, "shirt"); // laptop adds shirt, concurrently
    assertEquals(Set.of("socks", "shoes", "shirt"), onPhone.merge(onLaptop).elements());

    // Phone removes socks while the laptop re-adds socks: the add wins.
    ORSet<String> phoneRemoves = onPhone.remove("socks");
    ORSet<String> laptopReAdds = onLaptop.add(LAPTOP, "socks");
    assertTrue(phoneRemoves.merge(laptopReAdds).contains("socks"));
    assertTrue(laptopReAdds.merge(phoneRemoves).contains("socks"));

    // A remove removes only what it observed: the laptop's shirt was not seen by the phone's remove.
    ORSet<String> phoneRemovesShirt = onPhone.remove("shirt"); // shirt not present on the phone: no-op
    assertSame(onPhone, phoneRemovesShirt);
    assertTrue(phoneRemovesShirt.merge(onLaptop).contains("shirt"));
  }

  // S1 Divergent order: replicas receive the same writes in different orders and agree.
  @Test
  void merge_scenarioS1_divergentDeliveryOrder_sameResult() {
    ORSet<String> w1 = ORSet.<String>empty().add(A, "Alice");
    ORSet<String> w2 = ORSet.<String>empty().add(B, "Bob");
    ORSet<String> w3 = w1.remove("Alice").add(A, "Carol");
    ORSet<String> onB = w1.merge(w2).merge(w3);
    ORSet<String> onC = w3.merge(w2).merge(w1);
    ORSet<String> onD = w2.merge(w3.merge(w1));
    assertEquals(onB, onC);
    assertEquals(onC, onD);
    assertEquals(Set.of("Bob", "Carol"), onB.elements());
  }

  // Three replicas; one removes an element all have seen; merging in every order gives the empty set.
  @Test
  void merge_removedElement_everyOrderGivesEmptySet() {
    ORSet<String> base = ORSet.<String>empty().add(A, "x");
    ORSet<String> r1 = base;
    ORSet<String> r2 = base;
    ORSet<String> r3 = base.remove("x");
    List<ORSet<String>> replicas = List.of(r1, r2, r3);
    int[][] orders = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (int[] o : orders) {
      ORSet<String> m = replicas.get(o[0]).merge(replicas.get(o[1])).merge(replicas.get(o[2]));
      assertTrue(m.isEmpty(), "order " + java.util.Arrays.toString(o) + " gives " + m);
    }
  }

  @Test
  void merge_reAddConcurrentWithRemove_survives() {
    ORSet<String> base = ORSet.<String>empty().add(A, "x");
    ORSet<String> removed = base.remove("x");
    ORSet<String> reAdded = base.add(B, "x");
    ORSet<String> merged = removed.merge(reAdded);
    assertTrue(merged.contains("x"));
    assertEquals(List.of(new Dot(B, 1)), merged.dots("x"), "only the unobserved add remains");
    // The re-add had observed the same add the remove undid, so it dominates the removal.
    assertEquals(BEFORE, removed.compare(reAdded));
    assertSame(reAdded, removed.merge(reAdded));
    ORSet<String> removedThenOther = removed.add(A, "y");
    assertEquals(CONCURRENT, removedThenOther.compare(reAdded));
    assertEquals(Set.of("x", "y"), removedThenOther.merge(reAdded).elements());
  }

  // Two replicas reuse the same dot (a replica restarted and lost its counter): detected, not silent.
  @Test
  void checkMergeable_reusedDot_isDetected() {
    ORSet<String> before = ORSet.<String>empty().add(A, "x"); // a:1 tags x
    ORSet<String> afterRestart = ORSet.<String>empty().add(A, "y"); // a:1 again, now tags y
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> before.checkMergeable(afterRestart));
    assertTrue(e.getMessage().contains("a:1") && e.getMessage().contains("x") && e.getMessage().contains("y"), e.getMessage());
    // Without the check, the merge would silently drop both elements: each side has seen a:1.
    assertTrue(before.merge(afterRestart).isEmpty());
    // Legitimate states pass.
    before.checkMergeable(before.add(B, "z"));
    before.add(B, "z").validate();
  }

  @Test
  void addAll_andRemoveAll_areSinglePassBatches() {
    ORSet<String> s = ORSet.<String>empty().addAll(A, List.of("a", "b", "c", "b"));
    assertEquals(Set.of("a", "b", "c"), s.elements());
    assertEquals(3, s.context().versionVector().get(A), "one dot per distinct element");
    ORSet<String> t = s.removeAll(List.of("a", "c", "zzz"));
    assertEquals(Set.of("b"), t.elements());
    assertSame(t, t.removeAll(List.of("a")));
    assertSame(t, t.addAll(A, List.of()));
    ORSet<String> one = ORSet.<String>empty().add(A, "a").add(A, "b").add(A, "c");
    assertEquals(one, s, "addAll equals the same adds one by one");
  }

  @Test
  void elements_haveOneOrderWhateverTheInsertionOrder() {
    List<String> items = new ArrayList<>(ELEMENTS);
    ORSet<String> forward = ORSet.<String>empty().addAll(A, items);
    java.util.Collections.reverse(items);
    ORSet<String> backward = ORSet.<String>empty();
    for (String x : items) {
      backward = backward.add(B, x);
    }
    assertEquals(List.copyOf(forward.elements()), List.copyOf(backward.elements()));
    assertEquals(List.copyOf(forward.merge(backward).elements()), List.copyOf(backward.merge(forward).elements()));
  }

  @Test
  void badInput_isRejected_andTheSetIsUnchanged() {
    ORSet<String> s = ORSet.<String>empty().add(A, "x");
    assertThrows(NullPointerException.class, () -> s.add(null, "y"));
    assertThrows(NullPointerException.class, () -> s.add(A, null));
    assertThrows(NullPointerException.class, () -> s.remove(null));
    assertThrows(NullPointerException.class, () -> s.addAll(A, java.util.Arrays.asList("y", null)));
    assertThrows(NullPointerException.class, () -> s.removeAll(null));
    assertThrows(NullPointerException.class, () -> s.merge(null));
    assertThrows(UnsupportedOperationException.class, () -> s.elements().add("y"));
    assertEquals(Set.of("x"), s.elements());
    assertEquals("ORSet{[x], context={a=1}}", s.toString());
  }

  /**
   * Specification: membership equals the add-wins rule over the causal history. Every add and
   * remove of an element overwrites the adds of it that its replica had observed; an element is
   * present iff some add of it in the replica's history is overwritten by no operation in that
   * history.
   */
  @Test
  void membership_matchesAddWinsRuleOverCausalHistory() {
    int runs = Property.forAll("ORSet membership spec", 500, r -> r.nextLong(), x -> List.of(), seed -> {
      SplittableRandom random = new SplittableRandom(seed);
      int n = 2 + random.nextInt(4);
      List<ORSet<String>> sets = new ArrayList<>();
      List<Set<Integer>> histories = new ArrayList<>(); // op ids each replica has seen
      for (int i = 0; i < n; i++) {
        sets.add(ORSet.empty());
        histories.add(new HashSet<>());
      }
      List<String> opElement = new ArrayList<>();
      List<Boolean> opIsAdd = new ArrayList<>();
      List<Set<Integer>> opOverwrites = new ArrayList<>(); // add ids an op observed
      for (int step = 0; step < 40; step++) {
        int r = random.nextInt(n);
        int kind = random.nextInt(3);
        if (kind == 2) {
          int from = random.nextInt(n);
          sets.set(r, sets.get(r).merge(sets.get(from)));
          histories.get(r).addAll(histories.get(from));
          continue;
        }
        String e = ELEMENTS.get(random.nextInt(4));
        Set<Integer> observed = liveAdds(e, histories.get(r), opElement, opIsAdd, opOverwrites);
        int id = opElement.size();
        opElement.add(e);
        opIsAdd.add(kind == 0);
        opOverwrites.add(observed);
        histories.get(r).add(id);
        sets.set(r, kind == 0 ? sets.get(r).add(replicaId(r), e) : sets.get(r).remove(e));
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < 4; k++) {
            String x = ELEMENTS.get(k);
            boolean expected = !liveAdds(x, histories.get(i), opElement, opIsAdd, opOverwrites).isEmpty();
            assertEquals(expected, sets.get(i).contains(x), "replica r" + i + " element " + x + " after step " + step);
          }
        }
      }
    });
    assertTrue(runs >= 1);
  }

  private static ReplicaId replicaId(int r) {
    return dev.converge.laws.History.IDS.get(r);
  }

  /** The adds of {@code e} in {@code history} that no operation in {@code history} overwrote. */
  private static Set<Integer> liveAdds(String e, Set<Integer> history, List<String> element, List<Boolean> isAdd,
      List<Set<Integer>> overwrites) {
    Set<Integer> live = new HashSet<>();
    for (int id : history) {
      if (isAdd.get(id) && element.get(id).equals(e)) {
        live.add(id);
      }
    }
    for (int id : history) {
      if (element.get(id).equals(e)) {
        live.removeAll(overwrites.get(id));
      }
    }
    return live;
  }

  @Test
  void dots_mapsElementsToTheirAdds() {
    Map<String, List<Dot>> expected = new HashMap<>();
    expected.put("x", List.of(new Dot(A, 1), new Dot(B, 1)));
    ORSet<String> both = ORSet.<String>empty().add(A, "x").merge(ORSet.<String>empty().add(B, "x"));
    assertEquals(expected.get("x"), both.dots("x"));
    assertFalse(both.dots("nope").iterator().hasNext());
  }
}
