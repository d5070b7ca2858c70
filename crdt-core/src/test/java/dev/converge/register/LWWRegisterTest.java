package dev.converge.register;

import static dev.converge.Causality.AFTER;
import static dev.converge.Causality.BEFORE;
import static dev.converge.Causality.CONCURRENT;
import static dev.converge.Causality.EQUAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Causality;
import dev.converge.ReplicaId;
import dev.converge.laws.LatticeLaws;
import dev.converge.laws.Model;
import dev.converge.laws.Operation;
import dev.converge.laws.Ops;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class LWWRegisterTest extends LatticeLaws<LWWRegister<String>> {

  static final ReplicaId A = ReplicaId.of("a");
  static final ReplicaId B = ReplicaId.of("b");
  static final ReplicaId C = ReplicaId.of("c");
  static final long T0 = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();

  static Timestamp ts(long millis, int logical) {
    return Timestamp.of(millis, logical);
  }

  // ---------------------------------------------------------------------------------------------
  // The law suite. Stamps come from the world, never from clocks kept outside the states: each
  // operation fixes a "wall clock" reading when generated and builds a fresh HybridLogicalClock on
  // it inside apply(), so replaying a history (as shrinking does) gives the same states. Readings
  // span a few milliseconds and few values exist, so equal stamps across replicas, stale writes
  // that lose, and colliding writes (same stamp and writer, another value) are all frequent.

  @Override
  protected Model<LWWRegister<String>> model() {
    return new Model<>() {
      @Override
      public LWWRegister<String> empty() {
        return LWWRegister.empty();
      }

      @Override
      public Operation<LWWRegister<String>> randomOperation(SplittableRandom random, int replicaCount) {
        String value = "v" + random.nextInt(4);
        long wall = 1_000 + random.nextInt(4);
        int logical = random.nextInt(2);
        int other = random.nextInt(replicaCount);
        int kind = random.nextInt(11);
        if (kind < 3) {
          // A write stamped by this replica's HLC after observing the stamp it holds: always wins here.
          // With a clock, assign returns a register holding only the new write: its own delta.
          return Ops.op("hlc write " + value + " at wall " + wall,
              (r, w) -> w.state(r).assign(value, clock(wall), w.id(r)),
              (r, w) -> w.state(r).assign(value, clock(wall), w.id(r)));
        }
        if (kind < 5) {
          // A client read from replica `other`, then writes through this replica; its HLC observed both.
          return Ops.op("hlc write " + value + " at wall " + wall + " after reading r" + other, (r, w) -> {
            HybridLogicalClock clock = clock(wall);
            w.state(other).timestamp().ifPresent(clock::observe);
            return w.state(r).assign(value, clock, w.id(r));
          });
        }
        if (kind < 7) {
          // Wall-clock LWW: a stamp straight from a (skewed) wall clock; may lose, tie or collide.
          Timestamp stamp = ts(wall, logical);
          return Ops.op("wall write " + value + " at " + wall + "#" + logical,
              (r, w) -> w.state(r).assign(value, stamp, w.id(r)),
              (r, w) -> w.state(r).assignDelta(value, stamp, w.id(r)));
        }
        if (kind == 7) {
          // A misbehaving replica sends a write under r<other>'s name: may collide with a real one.
          Timestamp stamp = ts(wall, logical);
          return Ops.op("receive " + value + " at " + wall + "#" + logical + " by r" + other,
              (r, w) -> w.state(r).merge(LWWRegister.of(value, stamp, w.id(other))));
        }
        if (kind == 8) {
          // Reuse the current stamp and writer for a (possibly) different value: a colliding write.
          return Ops.op("collide " + value + " with the current write", (r, w) -> {
            LWWRegister<String> s = w.state(r);
            return s.isEmpty() ? s : s.assign(value, s.timestamp().orElseThrow(), s.writer().orElseThrow());
          });
        }
        if (kind == 9) {
          // A misbehaving replica sends another value under the identity of r<other>'s current write:
          // colliding writes that spread, so replicas hold different value sets at one identity.
          return Ops.op("receive " + value + " under the identity of r" + other + "'s write", (r, w) -> {
            LWWRegister<String> s = w.state(other);
            return s.isEmpty()
                ? w.state(r)
                : w.state(r).merge(LWWRegister.of(value, s.timestamp().orElseThrow(), s.writer().orElseThrow()));
          });
        }
        // The stamp of replica `other`'s current write, under this replica's name: a cross-replica tie.
        return Ops.op("write " + value + " with the stamp of r" + other, (r, w) -> {
          Timestamp stamp = w.state(other).timestamp().orElse(ts(wall, logical));
          return w.state(r).assign(value, stamp, w.id(r));
        });
      }
    };
  }

  @Override
  protected boolean hasDeltas() {
    return true;
  }

  static HybridLogicalClock clock(long wall) {
    return HybridLogicalClock.create(() -> wall);
  }

  // ---------------------------------------------------------------------------------------------
  // S2 Clock skew.

  @Test
  void merge_scenarioS2_wallClockStampsKeepTheStaleWrite_andResolveReportsTheLoss() {
    // Client 1's clock runs 500 ms fast. At real time T0 it writes "stale", stamped T0+500.
    LWWRegister<String> stale = LWWRegister.of("stale", Timestamp.ofMillis(T0 + 500), A);
    // At real time T0+200 (later), client 2, whose clock is right, writes "fresh", stamped T0+200.
    LWWRegister<String> fresh = LWWRegister.of("fresh", Timestamp.ofMillis(T0 + 200), B);

    // Replicas receive the writes in either order; all keep the same winner: the stale write.
    LWWRegister<String> replica1 = stale.merge(fresh);
    LWWRegister<String> replica2 = fresh.merge(stale);
    assertEquals(replica1, replica2);
    assertEquals(Optional.of("stale"), replica1.value(), "wall-clock LWW keeps the write that came first");
    assertSame(stale, replica1);
    assertEquals(AFTER, stale.compare(fresh));

    // ... but the loss is not silent: resolve names the discarded write, whichever side asks.
    LWWRegister.Resolution<String> seenBy2 = fresh.resolve(stale);
    assertSame(stale, seenBy2.winner());
    assertEquals(Optional.of(new LWWRegister.Write<>("fresh", Timestamp.ofMillis(T0 + 200), B)), seenBy2.discarded());
    assertEquals(seenBy2.discarded(), stale.resolve(fresh).discarded());
  }

  @Test
  void assign_scenarioS2_hybridClockStamps_theWriteThatObservedTheOtherWins() {
    AtomicLong realTime = new AtomicLong(T0);
    HybridLogicalClock client1 = HybridLogicalClock.create(() -> realTime.get() + 500); // 500 ms fast
    HybridLogicalClock client2 = HybridLogicalClock.create(realTime::get); // right
    HybridLogicalClock client3 = HybridLogicalClock.create(realTime::get); // right, reads nothing

    // Real time T0: client 1 writes "stale"; its HLC stamps T0+500#0.
    LWWRegister<String> stale = LWWRegister.<String>empty().assign("stale", client1, A);
    assertEquals(Optional.of(ts(T0 + 500, 0)), stale.timestamp());

    // Real time T0+200: client 2 reads the register (its HLC observes T0+500#0), then writes "fresh".
    realTime.set(T0 + 200);
    LWWRegister<String> fresh = stale.assign("fresh", client2, B);
    assertEquals(Optional.of(ts(T0 + 500, 1)), fresh.timestamp(), "after the observed stamp, though the wall clock reads T0+200");

    // Every replica, whatever the order of delivery, keeps "fresh".
    assertEquals(Optional.of("fresh"), stale.merge(fresh).value());
    assertEquals(Optional.of("fresh"), fresh.merge(stale).value());
    assertEquals(BEFORE, stale.compare(fresh));

    // A client that did not read the register still writes concurrently, and still loses to the fast
    // clock; LWW cannot order what nobody observed, but resolve reports the loss.
    LWWRegister<String> blind = LWWRegister.<String>empty().assign("blind", client3, C);
    LWWRegister.Resolution<String> r = blind.resolve(fresh);
    assertEquals(Optional.of("fresh"), r.winner().value());
    assertEquals(Optional.of(new LWWRegister.Write<>("blind", ts(T0 + 200, 0), C)), r.discarded());
  }

  // ---------------------------------------------------------------------------------------------
  // Winner by (timestamp, writer).

  @Test
  void merge_greaterTimestampWins_whateverTheWriter() {
    LWWRegister<String> early = LWWRegister.of("early", ts(T0, 5), C);
    LWWRegister<String> late = LWWRegister.of("late", ts(T0, 6), A);
    assertSame(late, early.merge(late));
    assertSame(late, late.merge(early));
    assertEquals(BEFORE, early.compare(late));
    assertEquals(AFTER, late.compare(early));
  }

  @Test
  void merge_sameTimestamp_greaterReplicaWins_inEitherOrder() {
    Timestamp t = ts(T0, 0);
    LWWRegister<String> byA = LWWRegister.of("from a", t, A);
    LWWRegister<String> byB = LWWRegister.of("from b", t, B);
    assertSame(byB, byA.merge(byB));
    assertSame(byB, byB.merge(byA));
    assertEquals(BEFORE, byA.compare(byB), "different writes are ordered, never concurrent");
    assertEquals(Optional.of(new LWWRegister.Write<>("from a", t, A)), byA.resolve(byB).discarded());
  }

  @Test
  void assign_olderStamp_losesAndReturnsThis() {
    LWWRegister<String> r = LWWRegister.of("now", ts(T0, 3), B);
    assertSame(r, r.assign("older", ts(T0, 2), B));
    assertSame(r, r.assign("same stamp, smaller writer", ts(T0, 3), A));
    assertSame(r, r.assign("now", ts(T0, 3), B), "the same write again changes nothing");
    LWWRegister<String> newer = r.assign("newer", ts(T0, 3), C);
    assertEquals(LWWRegister.of("newer", ts(T0, 3), C), newer);
    assertEquals(BEFORE, r.compare(newer));
  }

  @Test
  void assign_isMergeWithTheWrite() {
    LWWRegister<String> r = LWWRegister.of("x", ts(T0, 3), B);
    for (Timestamp t : List.of(ts(T0, 2), ts(T0, 3), ts(T0, 4))) {
      for (ReplicaId w : List.of(A, B, C)) {
        for (String v : List.of("x", "w", "z")) {
          assertEquals(r.merge(LWWRegister.of(v, t, w)), r.assign(v, t, w), v + " at " + t + " by " + w);
        }
      }
    }
  }

  @Test
  void assign_withClock_winsOverAWriterWhoseClockIsAhead() {
    LWWRegister<String> ahead = LWWRegister.of("ahead", ts(T0 + 400, 7), A);
    LWWRegister<String> mine = ahead.assign("mine", clock(T0), B);
    assertEquals(Optional.of("mine"), mine.value());
    assertEquals(Optional.of(ts(T0 + 400, 8)), mine.timestamp());
    assertEquals(Optional.of(B), mine.writer());
    assertEquals(BEFORE, ahead.compare(mine));
    LWWRegister<String> first = LWWRegister.<String>empty().assign("first", clock(T0), A);
    assertEquals(Optional.of(ts(T0, 0)), first.timestamp(), "on the empty register the clock just ticks");
  }

  @Test
  void assign_withClock_registerTooFarAhead_throwsDriftAndWritesNothing() {
    LWWRegister<String> broken = LWWRegister.of("from the future", ts(T0 + 60_000, 0), A);
    HybridLogicalClock clock = clock(T0);
    HybridLogicalClock.ClockDriftException e =
        assertThrows(HybridLogicalClock.ClockDriftException.class, () -> broken.assign("mine", clock, B));
    assertTrue(e.getMessage().contains("60000 ms ahead"), e.getMessage());
    assertEquals(Timestamp.MIN, clock.last());
  }

  // ---------------------------------------------------------------------------------------------
  // Colliding writes: same timestamp and writer, different values.

  @Test
  void merge_collidingWrites_keepsBothValues_andShowsTheCanonicalGreatest() {
    Timestamp t = ts(T0, 0);
    LWWRegister<String> x = LWWRegister.of("x", t, A);
    LWWRegister<String> y = LWWRegister.of("y", t, A);
    LWWRegister<String> xy = x.merge(y);
    assertEquals(xy, y.merge(x));
    assertEquals(xy.hashCode(), y.merge(x).hashCode());
    assertEquals(xy.toString(), y.merge(x).toString());
    assertEquals(Optional.of("y"), xy.value(), "natural order of strings: y > x");
    assertEquals(List.of("x", "y"), xy.values());
    assertEquals(CONCURRENT, x.compare(y), "neither colliding write contains the other");
    assertEquals(BEFORE, x.compare(xy));
    assertEquals(AFTER, xy.compare(y));
    assertSame(xy, xy.merge(x));
    assertSame(xy, y.merge(xy));
    assertEquals("LWWRegister{value=y, at=2024-05-01T12:00:00Z#0, by=a, collided=[x]}", xy.toString());
    assertEquals(Optional.of(new LWWRegister.Write<>("x", t, A)), x.resolve(y).discarded());
    assertEquals(Optional.of(new LWWRegister.Write<>("x", t, A)), xy.resolve(x).discarded(), "x no longer shows");
    assertEquals(Optional.empty(), xy.resolve(y).discarded(), "y still shows");
    // A later write replaces the whole collided set.
    LWWRegister<String> later = LWWRegister.of("z", ts(T0, 1), A);
    assertSame(later, xy.merge(later));
    assertEquals(List.of("z"), later.values());
  }

  @Test
  void merge_threeCollidingWrites_isAssociative() {
    Timestamp t = ts(T0, 9);
    LWWRegister<String> a = LWWRegister.of("a", t, B);
    LWWRegister<String> b = LWWRegister.of("b", t, B);
    LWWRegister<String> c = LWWRegister.of("c", t, B);
    LWWRegister<String> abc = a.merge(b).merge(c);
    assertEquals(abc, a.merge(b.merge(c)));
    assertEquals(abc, c.merge(a).merge(b));
    assertEquals(List.of("a", "b", "c"), abc.values());
    assertEquals(CONCURRENT, a.merge(b).compare(b.merge(c)));
  }

  /** Values that tie on every key of the canonical order, yet are not equal. */
  record Twin(String tag) {
    @Override
    public int hashCode() {
      return 1;
    }

    @Override
    public String toString() {
      return "twin";
    }
  }

  @Test
  void laws_holdForEveryCombinationOfCollidingWrites_evenIndistinguishableValues() {
    Timestamp t = ts(T0, 0);
    List<Object> values = List.of(
        "x", "y", 1, 1L, "1", new BigDecimal("1.0"), new BigDecimal("1.00"), new Twin("p"), new Twin("q"));
    List<LWWRegister<Object>> singles = new ArrayList<>();
    for (Object v : values) {
      singles.add(LWWRegister.of(v, t, A));
      singles.add(LWWRegister.of(v, t, B)); // a cross-replica tie on the stamp
    }
    singles.add(LWWRegister.of("y", ts(T0, 1), A));
    List<LWWRegister<Object>> states = new ArrayList<>(singles);
    states.add(LWWRegister.empty());
    SplittableRandom random = new SplittableRandom(2024);
    for (int i = 0; i < 40; i++) { // states holding 2-4 colliding values
      LWWRegister<Object> s = singles.get(random.nextInt(singles.size()));
      for (int k = random.nextInt(3); k >= 0; k--) {
        s = s.merge(singles.get(random.nextInt(singles.size())));
      }
      states.add(s);
    }
    for (LWWRegister<Object> a : states) {
      assertEquals(a, a.merge(a));
      assertEquals(EQUAL, a.compare(a));
      for (LWWRegister<Object> b : states) {
        LWWRegister<Object> ab = a.merge(b);
        assertEquals(ab, b.merge(a), a + " merge " + b);
        assertEquals(ab.hashCode(), b.merge(a).hashCode());
        Causality order = a.compare(b);
        assertEquals(order.reverse(), b.compare(a));
        assertEquals(order == EQUAL, a.equals(b));
        assertEquals(order == BEFORE, ab.equals(b) && !a.equals(b), a + " compare " + b + " = " + order);
        assertEquals(order == AFTER, ab.equals(a) && !a.equals(b), a + " compare " + b + " = " + order);
        assertTrue(a.compare(ab).isBeforeOrEqual());
        for (LWWRegister<Object> c : states) {
          assertEquals(ab.merge(c), a.merge(b.merge(c)), "(" + a + " + " + b + ") + " + c);
        }
      }
    }
  }

  @Test
  void value_collidingValuesOfOneClass_usesNaturalOrder_thenHashAndString() {
    Timestamp t = ts(T0, 0);
    // BigDecimal 1.0 and 1.00 compare as equal but are not equal: the hash code decides, the same in
    // either order.
    LWWRegister<BigDecimal> one = LWWRegister.of(new BigDecimal("1.0"), t, A);
    LWWRegister<BigDecimal> oneHundredths = LWWRegister.of(new BigDecimal("1.00"), t, A);
    assertEquals(one.merge(oneHundredths).value(), oneHundredths.merge(one).value());
    assertEquals(one.merge(oneHundredths).toString(), oneHundredths.merge(one).toString());
    LWWRegister<Integer> small = LWWRegister.of(2, t, A);
    LWWRegister<Integer> big = LWWRegister.of(10, t, A);
    assertEquals(Optional.of(10), small.merge(big).value());
    assertEquals(Optional.of(10), big.merge(small).value());
  }

  // ---------------------------------------------------------------------------------------------
  // Empty register, accessors, resolve, toString.

  @Test
  void empty_hasNoWrite_andIsTheIdentity() {
    LWWRegister<String> empty = LWWRegister.empty();
    assertSame(empty, LWWRegister.<Integer>empty(), "one singleton");
    assertTrue(empty.isEmpty());
    assertEquals(Optional.empty(), empty.value());
    assertEquals(Optional.empty(), empty.timestamp());
    assertEquals(Optional.empty(), empty.writer());
    assertEquals(Optional.empty(), empty.write());
    assertEquals(List.of(), empty.values());
    assertEquals("LWWRegister{}", empty.toString());
    LWWRegister<String> r = LWWRegister.of("x", ts(T0, 0), A);
    assertSame(r, empty.merge(r));
    assertSame(r, r.merge(empty));
    assertEquals(BEFORE, empty.compare(r));
    assertEquals(AFTER, r.compare(empty));
    assertEquals(EQUAL, empty.compare(LWWRegister.empty()));
    assertEquals(Optional.empty(), r.resolve(empty).discarded(), "nothing lost against the empty register");
    assertEquals(Optional.empty(), empty.resolve(r).discarded());
    assertFalse(r.isEmpty());
  }

  @Test
  void accessors_andToString_showTheWinningWrite() {
    Timestamp t = ts(T0 + 123, 2);
    LWWRegister<String> r = LWWRegister.of("Alice", t, A);
    assertEquals(Optional.of("Alice"), r.value());
    assertEquals(Optional.of(t), r.timestamp());
    assertEquals(Optional.of(A), r.writer());
    assertEquals(Optional.of(new LWWRegister.Write<>("Alice", t, A)), r.write());
    assertEquals(List.of("Alice"), r.values());
    assertThrows(UnsupportedOperationException.class, () -> r.values().clear());
    assertEquals("LWWRegister{value=Alice, at=2024-05-01T12:00:00.123Z#2, by=a}", r.toString());
    assertEquals("Alice@2024-05-01T12:00:00.123Z#2 by a", r.write().orElseThrow().toString());
    assertEquals(LWWRegister.of("Alice", t, A), r);
    assertEquals(LWWRegister.of("Alice", t, A).hashCode(), r.hashCode());
    assertNotEquals(LWWRegister.of("Alice", t, B), r);
    assertNotEquals(LWWRegister.of("Bob", t, A), r);
    assertNotEquals(LWWRegister.of("Alice", ts(T0 + 123, 3), A), r);
    assertNotEquals(LWWRegister.empty(), r);
  }

  @Test
  void resolve_sameWrite_discardsNothing_andWinnerIsTheMerge() {
    LWWRegister<String> r = LWWRegister.of("x", ts(T0, 0), A);
    LWWRegister<String> copy = LWWRegister.of("x", ts(T0, 0), A);
    LWWRegister.Resolution<String> same = r.resolve(copy);
    assertSame(r, same.winner());
    assertEquals(Optional.empty(), same.discarded());
    LWWRegister<String> later = r.assign("y", ts(T0, 1), A);
    LWWRegister.Resolution<String> res = later.resolve(r);
    assertSame(later.merge(r), res.winner());
    assertEquals(r.write(), res.discarded());
  }

  @Test
  void badInput_isRejected() {
    LWWRegister<String> r = LWWRegister.of("x", ts(T0, 0), A);
    Timestamp t = ts(T0, 1);
    assertThrows(NullPointerException.class, () -> LWWRegister.of(null, t, A));
    assertThrows(NullPointerException.class, () -> LWWRegister.of("x", null, A));
    assertThrows(NullPointerException.class, () -> LWWRegister.of("x", t, null));
    assertThrows(NullPointerException.class, () -> r.assign(null, t, A));
    assertThrows(NullPointerException.class, () -> r.assign("y", (Timestamp) null, A));
    assertThrows(NullPointerException.class, () -> r.assign("y", t, null));
    assertThrows(NullPointerException.class, () -> r.assign("y", (HybridLogicalClock) null, A));
    assertThrows(NullPointerException.class, () -> r.assign(null, clock(T0), A));
    assertThrows(NullPointerException.class, () -> r.assign("y", clock(T0), null));
    assertThrows(NullPointerException.class, () -> LWWRegister.<String>empty().assign(null, t, A));
    assertThrows(NullPointerException.class, () -> r.merge(null));
    assertThrows(NullPointerException.class, () -> LWWRegister.<String>empty().merge(null));
    assertThrows(NullPointerException.class, () -> r.compare(null));
    assertThrows(NullPointerException.class, () -> r.resolve(null));
    assertThrows(NullPointerException.class, () -> new LWWRegister.Write<>(null, t, A));
    assertThrows(NullPointerException.class, () -> new LWWRegister.Write<>("x", null, A));
    assertThrows(NullPointerException.class, () -> new LWWRegister.Write<>("x", t, null));
    assertThrows(NullPointerException.class, () -> new LWWRegister.Resolution<>(null, Optional.empty()));
    assertThrows(NullPointerException.class, () -> new LWWRegister.Resolution<>(r, null));
    assertThrows(IllegalArgumentException.class, () -> LWWRegister.of("x", Timestamp.of(-1, 0), A));
    HybridLogicalClock farFuture = HybridLogicalClock.create(() -> Timestamp.MAX_MILLIS + 1, Duration.ZERO);
    assertThrows(IllegalStateException.class, () -> r.assign("y", farFuture, A), "a broken wall clock");
  }
}
