package dev.converge.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.ReplicaId;
import dev.converge.causal.Dot;
import dev.converge.causal.Siblings;
import dev.converge.causal.VersionVector;
import dev.converge.counter.PNCounter;
import dev.converge.map.ORMap;
import dev.converge.register.MVRegister;
import dev.converge.set.ORSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pruning protocol of the README, told as stories on the dot-based types. */
final class PruningStoriesTest {

  static final ReplicaId OLD = ReplicaId.of("laptop-2019");
  static final ReplicaId HEIR = ReplicaId.of("server-1");
  static final ReplicaId OTHER = ReplicaId.of("server-2");

  @Test
  void cart_retiredDevice_isFoldedIntoTheHeir_keysAndQuantitiesUnchanged() {
    ORMap<String, PNCounter> cart = ORMap.empty(PNCounter.empty());
    ORMap<String, PNCounter> onOld = cart.update(OLD, "shoes", q -> q.increment(OLD, 2))
        .update(OLD, "socks", q -> q.increment(OLD, 5));
    ORMap<String, PNCounter> onHeir = onOld.update(HEIR, "shoes", q -> q.increment(HEIR, 1));
    ORMap<String, PNCounter> onOther = onOld.update(OTHER, "hat", q -> q.increment(OTHER, 1)).merge(onHeir);
    onHeir = onHeir.merge(onOther);
    assertEquals(3, onHeir.stats().replicas());

    ORMap<String, PNCounter> pruned = onHeir.prune(OLD, HEIR);
    ORMap<String, PNCounter> cleaned = onOther.pruneCleanup(OLD, HEIR).merge(pruned);
    for (ORMap<String, PNCounter> m : List.of(pruned, cleaned)) {
      assertEquals(Map.of("shoes", 3L, "socks", 5L, "hat", 1L), quantities(m));
      assertEquals(2, m.stats().replicas(), "the retired device is gone: " + m);
      assertFalse(m.context().mentions(OLD));
      for (String k : m.keySet()) {
        assertEquals(0, m.get(k).orElseThrow().increments().get(OLD), "the quantity of " + k + " names the device");
      }
    }
    assertEquals(pruned, cleaned);
    // Life goes on after the pruning.
    ORMap<String, PNCounter> later = cleaned.update(OTHER, "socks", q -> q.decrement(OTHER, 1)).merge(pruned);
    assertEquals(4L, later.get("socks").orElseThrow().value());
  }

  @Test
  void cart_mergeTheHeirsStateBeforeCleaningUp_elseAWriteInBetweenLosesIncrements() {
    ORMap<String, PNCounter> onOther = ORMap.<String, PNCounter>empty(PNCounter.empty())
        .update(OTHER, "shoes", q -> q.increment(OTHER, 1));
    // The old replica saw it and added one more: the key's value is now tagged with its dot.
    ORMap<String, PNCounter> onOld = onOther.update(OLD, "shoes", q -> q.increment(OLD, 1));
    onOther = onOther.merge(onOld);
    ORMap<String, PNCounter> pruned = onOther.prune(OLD, HEIR); // the heir holds the same state
    assertEquals(2, pruned.get("shoes").orElseThrow().value());

    // Wrong order: cleaned up first, the key is hidden, and an update starts from zero.
    ORMap<String, PNCounter> early = onOther.pruneCleanup(OLD, HEIR);
    assertFalse(early.containsKey("shoes"));
    ORMap<String, PNCounter> lost = early.update(OTHER, "shoes", q -> q.increment(OTHER, 1)).merge(pruned);
    assertEquals(2, lost.get("shoes").orElseThrow().value(), "3 shoes added, 2 counted: one increment lost");

    // Right order: merge the heir's pruned state, then clean up, then write.
    ORMap<String, PNCounter> right = onOther.merge(pruned).pruneCleanup(OLD, HEIR)
        .update(OTHER, "shoes", q -> q.increment(OTHER, 1));
    assertEquals(3, right.merge(pruned).get("shoes").orElseThrow().value());
    assertEquals(onOther.pruneCleanup(OLD, HEIR).merge(pruned), onOther.merge(pruned).pruneCleanup(OLD, HEIR),
        "without a write in between, both orders give the same state");
  }

  @Test
  void set_oldStateMergedLater_mustBeCleanedUpFirst() {
    ORSet<String> old = ORSet.<String>empty().add(OLD, "milk").add(OLD, "eggs");
    ORSet<String> heir = old.add(HEIR, "bread");
    ORSet<String> pruned = heir.prune(OLD, HEIR).remove("milk");
    assertEquals(Set.of("eggs", "bread"), pruned.elements());
    assertFalse(pruned.context().mentions(OLD));

    // Merged as it is, the old state brings the retired replica back, and with it the removed milk:
    // the pruned state no longer knows it has seen the retired replica's add of milk.
    ORSet<String> wrong = pruned.merge(old);
    assertTrue(wrong.contains("milk"), "the pitfall the protocol avoids");
    assertTrue(wrong.context().mentions(OLD));
    // Cleaned up on arrival, as the protocol says, it merges correctly.
    ORSet<String> right = pruned.merge(old.pruneCleanup(OLD, HEIR));
    assertEquals(Set.of("eggs", "bread"), right.elements());
    assertSame(pruned, right, "the cleaned old state adds nothing");
  }

  @Test
  void set_removeConcurrentWithThePruning_isUndone_asAReAddByTheHeir() {
    ORSet<String> both = ORSet.<String>empty().add(OLD, "milk");
    ORSet<String> pruned = both.prune(OLD, HEIR);
    assertEquals(List.of(new Dot(HEIR, 1)), pruned.dots("milk"), "the heir added milk again under its own dot");
    // Concurrently, another replica removes milk, having seen only the retired replica's add.
    ORSet<String> removed = both.remove("milk");
    ORSet<String> merged = removed.pruneCleanup(OLD, HEIR).merge(pruned);
    assertTrue(merged.contains("milk"), "add wins over a remove that did not see the heir's add");
    // A remove after merging the heir's pruned state removes for good.
    assertFalse(merged.remove("milk").merge(pruned).contains("milk"));
  }

  @Test
  void set_cleanupBeforeTheHeirsStateArrives_hidesTheRetiredReplicasElementsUntilItDoes() {
    ORSet<String> s = ORSet.<String>empty().add(OLD, "milk").add(OTHER, "eggs");
    ORSet<String> early = s.pruneCleanup(OLD, HEIR);
    assertEquals(Set.of("eggs"), early.elements());
    assertEquals(Set.of("milk", "eggs"), early.merge(s.prune(OLD, HEIR)).elements());
  }

  @Test
  void register_retiredWriter_valueKept_underTheHeirsDot() {
    MVRegister<String> a = MVRegister.<String>empty().write(OLD, "draft");
    MVRegister<String> both = a.merge(MVRegister.<String>empty().write(OTHER, "other draft"));
    MVRegister<String> pruned = both.prune(OLD, HEIR);
    assertEquals(Set.of("draft", "other draft"), Set.copyOf(pruned.values()));
    assertTrue(pruned.valuesByDot().containsKey(new Dot(HEIR, 1)));
    assertFalse(pruned.context().mentions(OLD));
    assertEquals(pruned, both.pruneCleanup(OLD, HEIR).merge(pruned));
    // A write that saw the pruned state overwrites both.
    assertEquals(List.of("final"), pruned.write(OTHER, "final").values());
  }

  @Test
  void siblings_retiredServer_valuesBecomeTheHeirsNewestWrites() {
    Siblings<String> onOld = Siblings.<String>empty().update(VersionVector.empty(), "v1", OLD);
    Siblings<String> s = onOld.update(VersionVector.empty(), "v2", HEIR);
    Siblings<String> pruned = s.prune(OLD, HEIR);
    assertEquals(Set.of("v1", "v2"), Set.copyOf(pruned.values()));
    assertEquals(VersionVector.of(HEIR, 2), pruned.context());
    assertEquals(pruned, s.pruneCleanup(OLD, HEIR).merge(pruned));
    // A client that read after the pruning overwrites both values.
    assertEquals(List.of("v3"), pruned.update(pruned.context(), "v3", HEIR).values());
    // A client that read before the pruning: its context names the retired server and misses the
    // heir's re-issued dots, so its write is a sibling; cleaned up, the context does not bring the
    // retired server back.
    VersionVector stale = s.context();
    Siblings<String> written = pruned.update(stale.pruneCleanup(OLD, HEIR), "v3", HEIR);
    assertEquals(Set.of("v1", "v3"), Set.copyOf(written.values()),
        "v2 (read) is overwritten; v1, re-issued under a dot the client never saw, stays a sibling");
    assertEquals(0, written.context().get(OLD));
    assertTrue(pruned.update(stale, "v3", HEIR).context().get(OLD) > 0, "uncleaned, it would");
  }

  @Test
  void prune_badArguments_andNothingToPrune() {
    ORSet<String> s = ORSet.<String>empty().add(HEIR, "x");
    assertSame(s, s.prune(OLD, HEIR), "nothing of the retired replica");
    assertSame(s, s.pruneCleanup(OLD, HEIR));
    assertThrows(IllegalArgumentException.class, () -> s.prune(HEIR, HEIR));
    assertThrows(NullPointerException.class, () -> s.prune(null, HEIR));
    assertThrows(NullPointerException.class, () -> s.pruneCleanup(OLD, null));
    MVRegister<String> r = MVRegister.<String>empty().write(HEIR, "x");
    assertSame(r, r.prune(OLD, HEIR));
    assertThrows(IllegalArgumentException.class, () -> r.pruneCleanup(OLD, OLD));
    Siblings<String> sib = Siblings.<String>empty().update(VersionVector.empty(), "x", HEIR);
    assertSame(sib, sib.prune(OLD, HEIR));
    ORMap<String, PNCounter> m = ORMap.<String, PNCounter>empty(PNCounter.empty()).update(HEIR, "k", q -> q.increment(HEIR, 1));
    assertSame(m, m.pruneCleanup(OLD, HEIR));
    assertThrows(IllegalArgumentException.class, () -> m.prune(OLD, OLD));
  }

  static Map<String, Long> quantities(ORMap<String, PNCounter> m) {
    return m.toMap().entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().value()));
  }
}
