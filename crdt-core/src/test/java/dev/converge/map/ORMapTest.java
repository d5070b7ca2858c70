package dev.converge.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.ReplicaId;
import dev.converge.counter.GCounter;
import dev.converge.counter.PNCounter;
import dev.converge.laws.History;
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
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class ORMapTest extends LatticeLaws<ORMap<String, PNCounter>> {

  static final ReplicaId PHONE = ReplicaId.of("phone");
  static final ReplicaId LAPTOP = ReplicaId.of("laptop");
  static final List<String> KEYS = List.of("shoes", "shirt", "Aa", "BB");

  @Override
  protected ORMap<String, PNCounter> rebuild(ORMap<String, PNCounter> m) {
    Map<String, Map<dev.converge.causal.Dot, PNCounter>> parts = new HashMap<>();
    for (String k : m.keySet()) {
      parts.put(k, m.valuesByDot(k));
    }
    return ORMap.of(PNCounter.empty(), m.context(), parts);
  }

  @Override
  protected Model<ORMap<String, PNCounter>> model() {
    return new Model<>() {
      @Override
      public ORMap<String, PNCounter> empty() {
        return ORMap.empty(PNCounter.empty());
      }

      @Override
      public Operation<ORMap<String, PNCounter>> randomOperation(SplittableRandom random, int replicaCount) {
        String key = KEYS.get(random.nextInt(KEYS.size()));
        int amount = random.nextInt(5) - 2;
        boolean remove = random.nextInt(4) == 0;
        if (remove) {
          return Ops.op("remove " + key, (r, w) -> w.state(r).remove(key), (r, w) -> w.state(r).removeDelta(key));
        }
        return Ops.op("update " + key + " by " + amount,
            (r, w) -> w.state(r).update(w.id(r), key, q -> change(q, w.id(r), amount)),
            (r, w) -> w.state(r).updateDelta(w.id(r), key, q -> change(q, w.id(r), amount)));
      }
    };
  }

  static PNCounter change(PNCounter q, ReplicaId id, int amount) {
    return amount >= 0 ? q.increment(id, amount) : q.decrement(id, -amount);
  }

  @Override
  protected boolean hasDeltas() {
    return true;
  }

  static ORMap<String, PNCounter> cart() {
    return ORMap.empty(PNCounter.empty());
  }

  // The cart with quantities: concurrent additions of the same item add up.
  @Test
  void update_cartWithQuantities_concurrentAddsOfOneItemSum() {
    ORMap<String, PNCounter> onPhone = cart().update(PHONE, "shoes", q -> q.increment(PHONE, 1));
    ORMap<String, PNCounter> onLaptop = cart().update(LAPTOP, "shoes", q -> q.increment(LAPTOP, 2))
        .update(LAPTOP, "shirt", q -> q.increment(LAPTOP, 1));
    ORMap<String, PNCounter> merged = onPhone.merge(onLaptop);
    assertEquals(Optional.of(3L), merged.get("shoes").map(PNCounter::value));
    assertEquals(Optional.of(1L), merged.get("shirt").map(PNCounter::value));
    assertEquals(Set.of("shoes", "shirt"), merged.keySet());
    // The phone reads 3 shoes and takes one out.
    ORMap<String, PNCounter> fewer = merged.update(PHONE, "shoes", q -> q.decrement(PHONE, 1));
    assertEquals(Optional.of(2L), fewer.merge(onLaptop).get("shoes").map(PNCounter::value));
  }

  // A remove concurrent with an update: the update wins, with the value it wrote (documented).
  @Test
  void merge_removeConcurrentWithUpdate_updateWinsWithItsValue() {
    ORMap<String, PNCounter> base = cart().update(PHONE, "shoes", q -> q.increment(PHONE, 2));
    ORMap<String, PNCounter> removed = base.remove("shoes");
    ORMap<String, PNCounter> updated = base.update(LAPTOP, "shoes", q -> q.increment(LAPTOP, 1));
    ORMap<String, PNCounter> merged = removed.merge(updated);
    assertTrue(merged.containsKey("shoes"));
    assertEquals(Optional.of(3L), merged.get("shoes").map(PNCounter::value), "the updater had seen the 2 shoes");
    // An update that follows the remove starts from zero.
    ORMap<String, PNCounter> readded = removed.update(PHONE, "shoes", q -> q.increment(PHONE, 1));
    assertEquals(Optional.of(1L), readded.get("shoes").map(PNCounter::value));
    assertEquals(Optional.of(1L), readded.merge(base).get("shoes").map(PNCounter::value), "the old value stays removed");
  }

  @Test
  void badInput_isRejected() {
    ORMap<String, PNCounter> m = cart();
    assertThrows(NullPointerException.class, () -> m.update(null, "k", q -> q));
    assertThrows(NullPointerException.class, () -> m.update(PHONE, null, q -> q));
    assertThrows(NullPointerException.class, () -> m.update(PHONE, "k", null));
    NullPointerException e = assertThrows(NullPointerException.class, () -> m.update(PHONE, "k", q -> null));
    assertTrue(e.getMessage().contains("k"), e.getMessage());
    assertThrows(NullPointerException.class, () -> m.remove(null));
    assertThrows(NullPointerException.class, () -> ORMap.empty(null));
    assertFalse(m.containsKey("k"));
    assertThrows(UnsupportedOperationException.class, () -> m.keySet().add("k"));
  }

  // Both updates of "shoes" are kept after the merge: forEachValue gives each with its dot, as
  // valuesByDot does, key after key in the map's order.
  @Test
  void forEachValue_concurrentUpdates_visitsEveryValueByDotInMapOrder() {
    ORMap<String, PNCounter> onPhone = cart().update(PHONE, "shoes", q -> q.increment(PHONE, 1))
        .update(PHONE, "Aa", q -> q.increment(PHONE, 4));
    ORMap<String, PNCounter> onLaptop = cart().update(LAPTOP, "shoes", q -> q.increment(LAPTOP, 2))
        .update(LAPTOP, "BB", q -> q.decrement(LAPTOP, 1));
    for (ORMap<String, PNCounter> m : List.of(cart(), onPhone, onPhone.merge(onLaptop), onLaptop.merge(onPhone).remove("Aa"))) {
      List<Object> expected = new ArrayList<>();
      for (String key : m.keySet()) {
        for (Map.Entry<dev.converge.causal.Dot, PNCounter> e : m.valuesByDot(key).entrySet()) {
          expected.add(List.of(key, e.getKey(), e.getValue()));
        }
      }
      List<Object> visited = new ArrayList<>();
      m.forEachValue((key, dot, value) -> visited.add(List.of(key, dot, value)));
      assertEquals(expected, visited);
    }
    assertEquals(2, onPhone.merge(onLaptop).valuesByDot("shoes").size());
    assertThrows(NullPointerException.class, () -> cart().forEachValue(null));
  }

  /**
   * Specification: keys follow the add-wins rule over the causal history (every update or remove
   * of a key overwrites the updates of it its replica had seen), and a present key's value is the
   * merge of the values its live updates wrote.
   */
  @Test
  void keysAndValues_followTheAddWinsRuleOverCausalHistory() {
    int runs = Property.forAll("ORMap spec", 500, r -> r.nextLong(), x -> List.of(), seed -> {
      SplittableRandom random = new SplittableRandom(seed);
      int n = 2 + random.nextInt(4);
      List<ORMap<String, GCounter>> maps = new ArrayList<>();
      List<Set<Integer>> histories = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        maps.add(ORMap.empty(GCounter.empty()));
        histories.add(new HashSet<>());
      }
      List<String> opKey = new ArrayList<>();
      List<GCounter> written = new ArrayList<>(); // null for removes
      List<Set<Integer>> overwrites = new ArrayList<>();
      for (int step = 0; step < 40; step++) {
        int r = random.nextInt(n);
        int kind = random.nextInt(4);
        if (kind == 3) {
          int from = random.nextInt(n);
          maps.set(r, maps.get(r).merge(maps.get(from)));
          histories.get(r).addAll(histories.get(from));
          continue;
        }
        String key = KEYS.get(random.nextInt(KEYS.size()));
        ReplicaId id = History.IDS.get(r);
        overwrites.add(live(key, histories.get(r), opKey, written, overwrites));
        opKey.add(key);
        histories.get(r).add(opKey.size() - 1);
        if (kind == 2) {
          maps.set(r, maps.get(r).remove(key));
          written.add(null);
        } else {
          long amount = 1 + random.nextInt(3);
          maps.set(r, maps.get(r).update(id, key, g -> g.increment(id, amount)));
          written.add(maps.get(r).get(key).orElseThrow());
        }
        for (int i = 0; i < n; i++) {
          Map<String, GCounter> expected = new HashMap<>();
          for (String k : KEYS) {
            for (int op : live(k, histories.get(i), opKey, written, overwrites)) {
              expected.merge(k, written.get(op), GCounter::merge);
            }
          }
          assertEquals(expected, maps.get(i).toMap(), "replica r" + i + " after step " + step);
        }
      }
    });
    assertTrue(runs >= 1);
  }

  /** The updates of {@code key} in {@code history} that no operation in it overwrote. */
  private static Set<Integer> live(String key, Set<Integer> history, List<String> opKey, List<GCounter> written,
      List<Set<Integer>> overwrites) {
    Set<Integer> out = new HashSet<>();
    for (int id : history) {
      if (opKey.get(id).equals(key) && written.get(id) != null) {
        out.add(id);
      }
    }
    for (int id : history) {
      if (opKey.get(id).equals(key)) {
        out.removeAll(overwrites.get(id));
      }
    }
    return out;
  }
}
