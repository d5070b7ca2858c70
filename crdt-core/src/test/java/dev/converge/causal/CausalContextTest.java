package dev.converge.causal;

import static dev.converge.Causality.BEFORE;
import static dev.converge.Causality.CONCURRENT;
import static dev.converge.causal.VersionVectorTest.A;
import static dev.converge.causal.VersionVectorTest.B;
import static dev.converge.causal.VersionVectorTest.vv;
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
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class CausalContextTest extends LatticeLaws<CausalContext> {

  @Override
  protected CausalContext rebuild(CausalContext c) {
    return CausalContext.of(c.versionVector(), c.cloud());
  }

  @Override
  protected Model<CausalContext> model() {
    return new Model<>() {
      @Override
      public CausalContext empty() {
        return CausalContext.empty();
      }

      @Override
      public Operation<CausalContext> randomOperation(SplittableRandom random, int replicaCount) {
        if (random.nextBoolean()) {
          return new Operation<>() {
            @Override
            public CausalContext apply(int replica, World<CausalContext> world) {
              return world.state(replica).add(world.state(replica).nextDot(world.id(replica)));
            }

            @Override
            public String toString() {
              return "add(nextDot)";
            }
          };
        }
        // Receive one event of another replica on its own, out of order: the source of clouds.
        int source = random.nextInt(replicaCount);
        int pick = random.nextInt(1 << 20);
        return new Operation<>() {
          @Override
          public CausalContext apply(int replica, World<CausalContext> world) {
            ReplicaId origin = world.id(source);
            long newest = world.state(source).nextDot(origin).counter() - 1;
            if (newest == 0) {
              return world.state(replica);
            }
            long counter = 1 + pick % newest;
            return world.state(replica).add(new Dot(origin, counter));
          }

          @Override
          public String toString() {
            return "receive one dot of r" + source + " (pick " + pick + ")";
          }
        };
      }
    };
  }

  @Test
  void add_outOfOrder_keepsCloudUntilGapFills() {
    CausalContext ctx = CausalContext.empty().add(new Dot(A, 1)).add(new Dot(A, 3)).add(new Dot(A, 5));
    assertEquals(vv(A, 1), ctx.versionVector());
    assertEquals(List.of(new Dot(A, 3), new Dot(A, 5)), ctx.cloud());
    assertEquals("CausalContext{a=1, cloud=[a:3, a:5]}", ctx.toString());
    assertFalse(ctx.contains(new Dot(A, 2)));
    assertTrue(ctx.contains(new Dot(A, 3)));

    CausalContext filled = ctx.add(new Dot(A, 2));
    assertEquals(vv(A, 3), filled.versionVector(), "a:2 fills the gap, a:3 folds in");
    assertEquals(List.of(new Dot(A, 5)), filled.cloud());
    assertEquals(CausalContext.of(vv(A, 5)), filled.add(new Dot(A, 4)), "fully compacted");
  }

  @Test
  void containsReplicaCounter_agreesWithContainsDot() {
    CausalContext ctx =
        CausalContext.of(vv(A, 2)).add(new Dot(A, 4)).add(new Dot(B, 2)).add(new Dot(B, 7));
    for (ReplicaId r : List.of(A, B, ReplicaId.of("zz-unknown"))) {
      for (long c = 1; c <= 9; c++) {
        assertEquals(ctx.contains(new Dot(r, c)), ctx.contains(r, c), r + ":" + c);
      }
    }
    assertTrue(ctx.contains(B, 7));
    assertFalse(ctx.contains(B, 3));
    assertThrows(NullPointerException.class, () -> ctx.contains(null, 1));
  }

  @Test
  void add_seenDot_returnsThis() {
    CausalContext ctx = CausalContext.of(vv(A, 2)).add(new Dot(B, 4));
    assertSame(ctx, ctx.add(new Dot(A, 1)));
    assertSame(ctx, ctx.add(new Dot(B, 4)));
  }

  @Test
  void nextDot_isAboveEveryDotOfTheReplica_includingTheCloud() {
    CausalContext ctx = CausalContext.of(vv(A, 2)).add(new Dot(A, 7)).add(new Dot(B, 3));
    assertEquals(new Dot(A, 8), ctx.nextDot(A));
    assertEquals(new Dot(B, 4), ctx.nextDot(B));
    assertEquals(new Dot(ReplicaId.of("c"), 1), ctx.nextDot(ReplicaId.of("c")));
  }

  @Test
  void merge_unionsDotsAndCompacts() {
    CausalContext left = CausalContext.of(vv(A, 1)).add(new Dot(A, 3));
    CausalContext right = CausalContext.of(vv(A, 2, B, 1));
    CausalContext merged = left.merge(right);
    assertEquals(CausalContext.of(vv(A, 3, B, 1)), merged);
    assertEquals(CONCURRENT, left.compare(right));
    assertEquals(BEFORE, left.compare(merged));
    assertEquals(BEFORE, right.compare(merged));
  }

  @Test
  void of_withDots_isCanonicalWhateverTheOrder() {
    CausalContext x = CausalContext.of(vv(A, 1), List.of(new Dot(A, 4), new Dot(A, 2), new Dot(A, 4), new Dot(B, 2)));
    CausalContext y = CausalContext.empty().add(new Dot(B, 2)).add(new Dot(A, 4)).add(new Dot(A, 1)).add(new Dot(A, 2));
    assertEquals(x, y);
    assertEquals(x.hashCode(), y.hashCode());
    assertEquals("CausalContext{a=2, cloud=[a:4, b:2]}", x.toString());
    assertEquals(2, x.cloudSize());
  }

  @Test
  void badInput_isRejected() {
    assertThrows(NullPointerException.class, () -> CausalContext.empty().add(null));
    assertThrows(NullPointerException.class, () -> CausalContext.empty().contains(null));
    assertThrows(NullPointerException.class, () -> CausalContext.of(null));
    assertThrows(NullPointerException.class, () -> CausalContext.of(VersionVector.empty(), java.util.Arrays.asList(new Dot(A, 1), null)));
    assertThrows(UnsupportedOperationException.class, () -> CausalContext.of(vv(A, 1)).add(new Dot(A, 5)).cloud().clear());
  }
}
