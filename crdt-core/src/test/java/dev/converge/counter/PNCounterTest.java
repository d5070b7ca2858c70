package dev.converge.counter;

import static dev.converge.counter.GCounterTest.A;
import static dev.converge.counter.GCounterTest.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.converge.Causality;
import dev.converge.laws.LatticeLaws;
import dev.converge.laws.Model;
import dev.converge.laws.Operation;
import dev.converge.laws.Ops;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class PNCounterTest extends LatticeLaws<PNCounter> {

  @Override
  protected PNCounter rebuild(PNCounter c) {
    return PNCounter.of(GCounter.of(c.increments().counts()), GCounter.of(c.decrements().counts()));
  }

  @Override
  protected Model<PNCounter> model() {
    return new Model<>() {
      @Override
      public PNCounter empty() {
        return PNCounter.empty();
      }

      @Override
      public Operation<PNCounter> randomOperation(SplittableRandom random, int replicaCount) {
        long amount = random.nextInt(4);
        boolean up = random.nextBoolean();
        return Ops.op((up ? "increment " : "decrement ") + amount,
            (r, w) -> up ? w.state(r).increment(w.id(r), amount) : w.state(r).decrement(w.id(r), amount),
            (r, w) -> up ? w.state(r).incrementDelta(w.id(r), amount) : w.state(r).decrementDelta(w.id(r), amount));
      }
    };
  }

  @Override
  protected boolean hasDeltas() {
    return true;
  }

  @Test
  void merge_concurrentDecrementsBothCount() {
    PNCounter stock = PNCounter.empty().increment(A, 10);
    PNCounter soldOnA = stock.decrement(A, 3);
    PNCounter soldOnB = stock.decrement(B, 2);
    assertEquals(5, soldOnA.merge(soldOnB).value());
    assertEquals(Causality.CONCURRENT, soldOnA.compare(soldOnB));
    assertEquals("PNCounter{value=5, p={a=10}, n={a=3, b=2}}", soldOnA.merge(soldOnB).toString());
  }

  @Test
  void compare_isTheProductOrder() {
    PNCounter up = PNCounter.empty().increment(A);
    PNCounter down = PNCounter.empty().decrement(A);
    assertEquals(Causality.CONCURRENT, up.compare(down));
    assertEquals(Causality.BEFORE, up.compare(up.merge(down)));
    assertSame(up, up.merge(PNCounter.empty()));
  }

  @Test
  void value_canGoNegative_andOverflowThrows() {
    assertEquals(-3, PNCounter.empty().decrement(A, 3).value());
    PNCounter low = PNCounter.empty().decrement(A, Long.MAX_VALUE).decrement(B, 2);
    assertThrows(ArithmeticException.class, low::value);
    assertThrows(IllegalArgumentException.class, () -> PNCounter.empty().increment(A, -1));
    assertThrows(IllegalArgumentException.class, () -> PNCounter.empty().decrement(A, -1));
    assertThrows(NullPointerException.class, () -> PNCounter.empty().decrement(null, 1));
  }
}
