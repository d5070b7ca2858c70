package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.causal.Siblings;
import dev.converge.causal.VersionVector;
import dev.converge.counter.GCounter;
import dev.converge.counter.PNCounter;
import dev.converge.map.ORMap;
import dev.converge.register.MVRegister;
import dev.converge.set.ORSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The factories that rebuild states from parts reject states no replica can reach, naming the problem. */
final class FactoryValidationTest {

  static final ReplicaId A = ReplicaId.of("a");
  static final ReplicaId B = ReplicaId.of("b");
  static final CausalContext A2 = CausalContext.of(VersionVector.of(A, 2));

  static void rejects(String fragment, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(fragment), "message names the problem: " + e.getMessage());
  }

  @Test
  void versionVector_ofSorted_rejectsNonCanonicalArrays() {
    rejects("strictly ascending", () -> VersionVector.ofSorted(new ReplicaId[] {B, A}, new long[] {1, 1}));
    rejects("strictly ascending", () -> VersionVector.ofSorted(new ReplicaId[] {A, A}, new long[] {1, 1}));
    rejects(">= 1, got 0", () -> VersionVector.ofSorted(new ReplicaId[] {A}, new long[] {0}));
    rejects("differ in length", () -> VersionVector.ofSorted(new ReplicaId[] {A}, new long[] {1, 2}));
    assertThrows(NullPointerException.class, () -> VersionVector.ofSorted(new ReplicaId[] {null}, new long[] {1}));
    ReplicaId[] ids = {A, B};
    long[] counters = {3, 4};
    VersionVector v = VersionVector.ofSorted(ids, counters);
    ids[0] = B;
    counters[0] = 99;
    assertEquals(3, v.get(A), "the arrays are copied");
  }

  @Test
  void orSet_of_rejectsDotsOutsideTheContextAndReusedDots() {
    rejects("not in the context", () -> ORSet.of(A2, Map.of("x", List.of(new Dot(A, 3)))));
    rejects("reused a dot", () -> ORSet.of(A2, Map.of("x", List.of(new Dot(A, 1)), "y", List.of(new Dot(A, 1)))));
    rejects("has no dot", () -> ORSet.of(A2, Map.of("x", List.of())));
    assertEquals(ORSet.<String>empty().add(A, "x").add(A, "y"),
        ORSet.of(A2, Map.of("x", List.of(new Dot(A, 1)), "y", List.of(new Dot(A, 2)))));
  }

  @Test
  void mvRegister_and_orMap_of_rejectDotsOutsideTheContext() {
    rejects("not in the context", () -> MVRegister.of(A2, Map.of(new Dot(B, 1), "v")));
    rejects("reused a dot", () -> ORMap.of(PNCounter.empty(), A2,
        Map.of("k", Map.of(new Dot(A, 1), PNCounter.empty()), "l", Map.of(new Dot(A, 1), PNCounter.empty()))));
    rejects("has no values", () -> ORMap.of(PNCounter.empty(), A2, Map.of("k", Map.of())));
  }

  @Test
  void siblings_of_requiresEachServersNewestConsecutiveDots() {
    VersionVector ctx = VersionVector.of(A, 3);
    rejects("newest consecutive", () -> Siblings.of(ctx, Map.of(new Dot(A, 1), "old")));
    rejects("newest consecutive", () -> Siblings.of(ctx, Map.of(new Dot(A, 1), "x", new Dot(A, 3), "y")));
    rejects("missing from the context", () -> Siblings.of(ctx, Map.of(new Dot(B, 1), "x")));
    Siblings<String> ok = Siblings.of(ctx, Map.of(new Dot(A, 2), "x", new Dot(A, 3), "y"));
    assertEquals(List.of("x", "y"), ok.values());
  }

  @Test
  void counters_of_rejectNull() {
    assertThrows(NullPointerException.class, () -> GCounter.of(null));
    assertThrows(NullPointerException.class, () -> PNCounter.of(GCounter.empty(), null));
    assertEquals(5, GCounter.of(VersionVector.of(A, 5)).value());
  }
}
