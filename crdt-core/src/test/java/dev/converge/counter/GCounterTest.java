package dev.converge.counter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Causality;
import dev.converge.ReplicaId;
import dev.converge.laws.LatticeLaws;
import dev.converge.laws.Model;
import dev.converge.laws.Operation;
import dev.converge.laws.Ops;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class GCounterTest extends LatticeLaws<GCounter> {

  static final ReplicaId A = ReplicaId.of("a");
  static final ReplicaId B = ReplicaId.of("b");

  @Override
  protected GCounter rebuild(GCounter c) {
    return GCounter.of(c.counts());
  }

  @Override
  protected Model<GCounter> model() {
    return new Model<>() {
      @Override
      public GCounter empty() {
        return GCounter.empty();
      }

      @Override
      public Operation<GCounter> randomOperation(SplittableRandom random, int replicaCount) {
        long amount = random.nextInt(4); // 0 included: a no-op returns this
        return Ops.op("increment " + amount,
            (r, w) -> w.state(r).increment(w.id(r), amount),
            (r, w) -> w.state(r).incrementDelta(w.id(r), amount));
      }
    };
  }

  @Override
  protected boolean hasDeltas() {
    return true;
  }

  @Test
  void merge_takesPointwiseMaximum_notTheLargerTotal() {
    GCounter x = GCounter.empty().increment(A, 4).increment(B, 10);
    GCounter y = GCounter.empty().increment(A, 7).increment(B, 6);
    assertEquals(17, x.merge(y).value());
    assertEquals(Causality.CONCURRENT, x.compare(y));
  }

  // S6 Counters: concurrent increments on different replicas all count, whatever the merge order.
  @Test
  void merge_scenarioS6_concurrentIncrementsAllCount() {
    GCounter base = GCounter.empty().increment(A, 2);
    GCounter onA = base.increment(A, 3);
    GCounter onB = base.increment(B, 5);
    GCounter onC = base.increment(ReplicaId.of("c"), 1);
    assertEquals(11, onA.merge(onB).merge(onC).value());
    assertEquals(11, onC.merge(onA.merge(onB)).value());
    assertEquals(11, onB.merge(onC).merge(onA).merge(base).value());
  }

  @Test
  void increment_rejectsNegativeAndNull_andZeroReturnsThis() {
    GCounter c = GCounter.empty().increment(A);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.increment(A, -2));
    assertTrue(e.getMessage().contains("-2"), e.getMessage());
    assertThrows(NullPointerException.class, () -> c.increment(null, 1));
    assertThrows(NullPointerException.class, () -> c.merge(null));
    assertSame(c, c.increment(B, 0));
    assertEquals(1, c.value());
  }

  @Test
  void overflow_throwsNeverWraps() {
    GCounter full = GCounter.empty().increment(A, Long.MAX_VALUE);
    ArithmeticException e = assertThrows(ArithmeticException.class, () -> full.increment(A, 1));
    assertTrue(e.getMessage().contains("a"), e.getMessage());
    GCounter two = full.increment(B, 1);
    assertThrows(ArithmeticException.class, two::value);
    assertEquals(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE), two.bigValue());
  }

  @Test
  void value_equalsTheSumOfIncrements_onGeneratedHistories() {
    // Specification: after a final full exchange, the value is the sum of every increment made.
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 200; trial++) {
      GCounter[] replicas = {GCounter.empty(), GCounter.empty(), GCounter.empty()};
      ReplicaId[] ids = {A, B, ReplicaId.of("c")};
      long sum = 0;
      for (int step = 0; step < 40; step++) {
        int r = random.nextInt(3);
        if (random.nextBoolean()) {
          long amount = random.nextInt(100);
          replicas[r] = replicas[r].increment(ids[r], amount);
          sum += amount;
        } else {
          replicas[r] = replicas[r].merge(replicas[random.nextInt(3)]);
        }
      }
      GCounter all = replicas[0].merge(replicas[1]).merge(replicas[2]);
      assertEquals(sum, all.value());
    }
  }

  @Test
  void toString_showsValueAndCounts() {
    assertEquals("GCounter{value=14, a=4, b=10}", GCounter.empty().increment(B, 10).increment(A, 4).toString());
    assertEquals("GCounter{value=0}", GCounter.empty().toString());
  }
}
