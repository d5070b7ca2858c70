package dev.converge.causal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.ReplicaId;
import org.junit.jupiter.api.Test;

final class ReplicaIdAndDotTest {

  @Test
  void replicaId_isEqualByValue_andOrderedByString() {
    String dynamic = new StringBuilder("node-").append(1).toString();
    assertEquals(ReplicaId.of("node-1"), ReplicaId.of(dynamic));
    assertEquals(ReplicaId.of("node-1").hashCode(), ReplicaId.of(dynamic).hashCode());
    assertNotEquals(ReplicaId.of("node-1"), ReplicaId.of("node-2"));
    assertTrue(ReplicaId.of("a").compareTo(ReplicaId.of("b")) < 0);
    assertEquals("node-1", ReplicaId.of("node-1").toString());
  }

  @Test
  void replicaId_isCanonical_theSameInstanceForEqualNames() throws Exception {
    String dynamic = new StringBuilder("canon-").append(42).toString();
    assertSame(ReplicaId.of("canon-42"), ReplicaId.of(dynamic));
    // Concurrent first uses of one name agree on one instance.
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<ReplicaId>> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 64; i++) {
        String name = new StringBuilder("race-").append(i % 8).toString();
        ids.add(pool.submit(() -> ReplicaId.of(name)));
      }
      for (java.util.concurrent.Future<ReplicaId> f : ids) {
        assertSame(ReplicaId.of(f.get().id()), f.get());
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void replicaId_rejectsNullAndEmpty() {
    assertThrows(NullPointerException.class, () -> ReplicaId.of(null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplicaId.of(""));
    assertTrue(e.getMessage().contains("non-empty"), e.getMessage());
  }

  @Test
  void dot_rejectsCounterBelowOne_withTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dot(ReplicaId.of("a"), 0));
    assertTrue(e.getMessage().contains("0") && e.getMessage().contains("counter"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Dot.of(ReplicaId.of("a"), -3));
    assertThrows(NullPointerException.class, () -> new Dot(null, 1));
  }

  @Test
  void dot_ordersByReplicaThenCounter() {
    ReplicaId a = ReplicaId.of("a");
    ReplicaId b = ReplicaId.of("b");
    assertTrue(new Dot(a, 9).compareTo(new Dot(b, 1)) < 0);
    assertTrue(new Dot(a, 1).compareTo(new Dot(a, 2)) < 0);
    assertEquals("a:3", new Dot(a, 3).toString());
  }
}
