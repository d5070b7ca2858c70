package dev.converge.causal;

import static dev.converge.Causality.AFTER;
import static dev.converge.Causality.BEFORE;
import static dev.converge.Causality.CONCURRENT;
import static dev.converge.Causality.EQUAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.ReplicaId;
import dev.converge.laws.LatticeLaws;
import dev.converge.laws.Model;
import dev.converge.laws.Operation;
import dev.converge.laws.World;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class VersionVectorTest extends LatticeLaws<VersionVector> {

  static final ReplicaId A = ReplicaId.of("a");
  static final ReplicaId B = ReplicaId.of("b");
  static final ReplicaId C = ReplicaId.of("c");

  static VersionVector vv(Object... entries) {
    Map<ReplicaId, Long> map = new HashMap<>();
    for (int i = 0; i < entries.length; i += 2) {
      map.put((ReplicaId) entries[i], ((Number) entries[i + 1]).longValue());
    }
    return VersionVector.of(map);
  }

  @Override
  protected VersionVector rebuild(VersionVector v) {
    ReplicaId[] ids = v.replicas().toArray(new ReplicaId[0]);
    long[] counters = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      counters[i] = v.counterAt(i);
    }
    return VersionVector.ofSorted(ids, counters);
  }

  @Override
  protected Model<VersionVector> model() {
    return new Model<>() {
      @Override
      public VersionVector empty() {
        return VersionVector.empty();
      }

      @Override
      public Operation<VersionVector> randomOperation(SplittableRandom random, int replicaCount) {
        return new Operation<>() {
          @Override
          public VersionVector apply(int replica, World<VersionVector> world) {
            return world.state(replica).increment(world.id(replica));
          }

          @Override
          public String toString() {
            return "increment";
          }
        };
      }
    };
  }

  // S5 Detection: {A:2} vs {A:1, B:1, C:1} is CONCURRENT; {A:1} vs {B:1} CONCURRENT; {A:1} vs {A:2, B:1} BEFORE.
  @Test
  void compare_scenarioS5_detectsConcurrency() {
    assertEquals(CONCURRENT, vv(A, 2).compare(vv(A, 1, B, 1, C, 1)));
    assertEquals(CONCURRENT, vv(A, 1).compare(vv(B, 1)));
    assertEquals(BEFORE, vv(A, 1).compare(vv(A, 2, B, 1)));
    assertEquals(AFTER, vv(A, 2, B, 1).compare(vv(A, 1)));
    assertEquals(EQUAL, vv(A, 2, B, 1).compare(vv(B, 1, A, 2)));
  }

  // S7 Partition: replica 1 misses a write during an outage; any later merge brings it back in step.
  @Test
  void merge_scenarioS7_partitionedReplicaConvergesAfterAntiEntropy() {
    VersionVector r1 = VersionVector.empty().increment(A); // {a=1}, seen by everyone
    VersionVector r2 = r1;
    VersionVector r3 = r1;
    r2 = r2.increment(B); // {a=1, b=1}: written during the outage, reaches r3 but not r1
    r3 = r3.merge(r2);
    assertEquals(BEFORE, r1.compare(r3), "r1 is behind while partitioned");
    r1 = r1.merge(r3); // anti-entropy after the partition heals
    assertEquals(r2, r1);
    assertEquals(r3, r1);
    assertEquals(EQUAL, r1.compare(r2));
  }

  @Test
  void of_zeroEntries_areNotStored() {
    assertEquals(VersionVector.empty(), vv(A, 0));
    assertEquals(vv(B, 1), vv(A, 0, B, 1));
    assertEquals(1, vv(A, 0, B, 1).size());
    assertSame(VersionVector.empty(), VersionVector.of(A, 0));
    assertEquals(EQUAL, VersionVector.empty().compare(vv(A, 0)));
  }

  @Test
  void toString_isSortedAndDeterministic() {
    assertEquals("VersionVector{a=3, b=1}", vv(B, 1, A, 3).toString());
    assertEquals("VersionVector{}", VersionVector.empty().toString());
  }

  @Test
  void get_andContains_readTheEntries() {
    VersionVector v = vv(A, 3, C, 1);
    assertEquals(3, v.get(A));
    assertEquals(0, v.get(B));
    assertTrue(v.contains(new Dot(A, 3)));
    assertFalse(v.contains(new Dot(A, 4)));
    assertFalse(v.contains(new Dot(B, 1)));
    assertEquals(List.of(A, C), List.copyOf(v.replicas()));
    assertTrue(v.replicas().contains(C));
    assertFalse(v.replicas().contains(B));
    assertEquals(Map.of(A, 3L, C, 1L), v.toMap());
    assertEquals(new Dot(B, 1), v.nextDot(B));
    assertEquals(new Dot(A, 4), v.nextDot(A));
  }

  @Test
  void increment_returnsNewVectorAndLeavesThisUnchanged() {
    VersionVector v = vv(A, 1);
    VersionVector w = v.increment(A).increment(B);
    assertEquals(vv(A, 1), v);
    assertEquals(vv(A, 2, B, 1), w);
    assertEquals(BEFORE, v.compare(w));
  }

  @Test
  void merge_returnsTheDominatingOperandItself() {
    VersionVector small = vv(A, 1);
    VersionVector big = vv(A, 2, B, 1);
    assertSame(big, small.merge(big));
    assertSame(big, big.merge(small));
    VersionVector copy = vv(A, 2, B, 1);
    assertSame(big, big.merge(copy), "equal vectors: merge returns this");
  }

  @Test
  void merge_concurrent_takesPointwiseMaximum() {
    assertEquals(vv(A, 4, B, 10, C, 1), vv(A, 4, B, 2).merge(vv(B, 10, C, 1)));
    assertEquals(vv(A, 7, B, 10), vv(A, 4, B, 10).merge(vv(A, 7, B, 6)));
  }

  @Test
  void compare_withSharedReplicaArray_usesCounterLoop() {
    VersionVector base = vv(A, 1, B, 1, C, 1);
    VersionVector left = base.increment(A);
    VersionVector right = base.increment(C);
    assertEquals(CONCURRENT, left.compare(right));
    assertEquals(BEFORE, base.compare(left));
    assertEquals(vv(A, 2, B, 1, C, 2), left.merge(right));
  }

  @Test
  void of_rejectsBadInput_withTheValueInTheMessage() {
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> vv(A, 2, B, -1));
    assertTrue(negative.getMessage().contains("b") && negative.getMessage().contains("-1"), negative.getMessage());
    assertThrows(IllegalArgumentException.class, () -> VersionVector.of(A, -5));
    NullPointerException nullKey = assertThrows(NullPointerException.class, () -> {
      Map<ReplicaId, Long> m = new HashMap<>();
      m.put(null, 1L);
      VersionVector.of(m);
    });
    assertTrue(nullKey.getMessage().contains("null replica"), nullKey.getMessage());
    NullPointerException nullValue = assertThrows(NullPointerException.class, () -> {
      Map<ReplicaId, Long> m = new HashMap<>();
      m.put(A, null);
      VersionVector.of(m);
    });
    assertTrue(nullValue.getMessage().contains("a"), nullValue.getMessage());
    assertThrows(NullPointerException.class, () -> VersionVector.of(null));
    assertThrows(NullPointerException.class, () -> VersionVector.empty().merge(null));
    assertThrows(NullPointerException.class, () -> VersionVector.empty().compare(null));
    assertThrows(NullPointerException.class, () -> VersionVector.empty().increment(null));
    assertThrows(NullPointerException.class, () -> VersionVector.empty().get(null));
  }

  @Test
  void increment_atMaxValue_throwsInsteadOfWrapping() {
    VersionVector full = VersionVector.of(A, Long.MAX_VALUE);
    ArithmeticException e = assertThrows(ArithmeticException.class, () -> full.increment(A));
    assertTrue(e.getMessage().contains("a"), e.getMessage());
    assertEquals(Long.MAX_VALUE, full.get(A), "unchanged");
  }

  @Test
  void replicas_isUnmodifiable() {
    assertThrows(UnsupportedOperationException.class, () -> vv(A, 1).replicas().add(B));
    assertThrows(UnsupportedOperationException.class, () -> vv(A, 1).toMap().put(B, 1L));
  }
}
