package dev.converge.causal;

import static dev.converge.Causality.AFTER;
import static dev.converge.Causality.BEFORE;
import static dev.converge.Causality.CONCURRENT;
import static dev.converge.Causality.EQUAL;
import static dev.converge.causal.VersionVectorTest.A;
import static dev.converge.causal.VersionVectorTest.B;
import static dev.converge.causal.VersionVectorTest.vv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.ReplicaId;
import org.junit.jupiter.api.Test;

final class DottedVersionVectorTest {

  static final ReplicaId S = ReplicaId.of("s");

  /**
   * The case of the DVV paper: one server S coordinates writes for clients that read, then write.
   * Client A and client B both read the initial value v0 (stamped {s=1}), then write concurrently.
   * Finally client A, having read only its own write, overwrites it.
   *
   * <p>With plain per-server version vectors the server has to stamp the writes with vectors, and
   * either policy goes wrong; dotted version vectors get every comparison right.
   */
  @Test
  void compare_paperCase_perServerVectorsLoseOrConfuse_dottedVectorsAreExact() {
    VersionVector read = vv(S, 1); // both clients read v0

    // Policy 1: stamp with the server's clock incremented. A's write gets {s=2}, B's {s=3}.
    VersionVector a1 = vv(S, 2);
    VersionVector b1 = vv(S, 3);
    assertEquals(BEFORE, a1.compare(b1), "per-server VV: B's write looks like it saw A's: A's write would be lost");

    // Policy 2: stamp with the client's context incremented. Both writes get {s=2}.
    VersionVector a2 = read.increment(S);
    VersionVector b2 = read.increment(S);
    assertEquals(EQUAL, a2.compare(b2), "per-server VV: two different writes get the same clock");
    VersionVector aRewrite = a2.increment(S); // A re-reads only its own write, {s=2}, and writes {s=3}
    assertEquals(BEFORE, b2.compare(aRewrite),
        "per-server VV: A's rewrite appears to have seen B's write: B's write would be lost, or, if a "
            + "store refuses to trust equal clocks, every later write is reported concurrent (false concurrency)");

    // Dotted version vectors: each write names its own dot and keeps the client's context as its past.
    DottedVersionVector a = DottedVersionVector.event(S, read, vv(S, 1));
    DottedVersionVector b = DottedVersionVector.event(S, read, vv(S, 2)); // server has since issued s:2
    assertEquals(new Dot(S, 2), a.dot());
    assertEquals(new Dot(S, 3), b.dot());
    assertEquals(CONCURRENT, a.compare(b), "DVV: same past, different dots: concurrent, nothing lost");
    DottedVersionVector rewrite = DottedVersionVector.event(S, a.history().versionVector(), vv(S, 3));
    assertEquals(BEFORE, a.compare(rewrite), "DVV: A's rewrite follows A's write");
    assertEquals(CONCURRENT, b.compare(rewrite), "DVV: A's rewrite never saw B's write");
    assertEquals(AFTER, rewrite.compare(a));
  }

  @Test
  void compare_sameEvent_isEqual_andDescendantsAreOrdered() {
    DottedVersionVector x = DottedVersionVector.of(new Dot(A, 1), VersionVector.empty());
    DottedVersionVector y = DottedVersionVector.of(new Dot(B, 1), vv(A, 1));
    assertEquals(EQUAL, x.compare(DottedVersionVector.of(new Dot(A, 1), VersionVector.empty())));
    assertEquals(BEFORE, x.compare(y));
    assertEquals(AFTER, y.compare(x));
    assertTrue(y.contains(new Dot(A, 1)));
    assertTrue(y.contains(new Dot(B, 1)));
    assertEquals(CausalContext.of(vv(A, 1, B, 1)), y.history());
    assertEquals("DottedVersionVector{b:1, past={a=1}}", y.toString());
    assertNotEquals(x, y);
  }

  @Test
  void history_keepsAGapBetweenPastAndDot() {
    DottedVersionVector e = DottedVersionVector.of(new Dot(S, 5), vv(S, 2));
    assertEquals(CausalContext.of(vv(S, 2)).add(new Dot(S, 5)), e.history());
  }

  @Test
  void badInput_isRejected() {
    IllegalArgumentException own = assertThrows(IllegalArgumentException.class,
        () -> DottedVersionVector.of(new Dot(A, 2), vv(A, 2)));
    assertTrue(own.getMessage().contains("a:2"), own.getMessage());
    IllegalArgumentException reused = assertThrows(IllegalArgumentException.class,
        () -> DottedVersionVector.of(new Dot(A, 3), vv(B, 1)).compare(DottedVersionVector.of(new Dot(A, 3), vv(B, 2))));
    assertTrue(reused.getMessage().contains("reused"), reused.getMessage());
    assertThrows(NullPointerException.class, () -> DottedVersionVector.of(null, VersionVector.empty()));
    assertThrows(NullPointerException.class, () -> DottedVersionVector.of(new Dot(A, 1), null));
  }
}
