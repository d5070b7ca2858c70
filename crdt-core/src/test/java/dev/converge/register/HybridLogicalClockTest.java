package dev.converge.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.laws.Property;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

final class HybridLogicalClockTest {

  static final long T0 = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();

  /** A wall clock the test sets by hand. */
  static final class ManualWallClock {
    final AtomicLong millis;

    ManualWallClock(long millis) {
      this.millis = new AtomicLong(millis);
    }

    void set(long value) {
      millis.set(value);
    }

    HybridLogicalClock clock() {
      return HybridLogicalClock.create(millis::get);
    }
  }

  static Timestamp ts(long millis, int logical) {
    return Timestamp.of(millis, logical);
  }

  @Test
  void now_wallClockAdvances_followsItWithLogicalZero() {
    ManualWallClock wall = new ManualWallClock(T0);
    HybridLogicalClock clock = wall.clock();
    assertEquals(ts(T0, 0), clock.now());
    wall.set(T0 + 5);
    assertEquals(ts(T0 + 5, 0), clock.now());
    assertEquals(ts(T0 + 5, 0), clock.last());
  }

  @Test
  void now_sameMillisecond_incrementsLogical() {
    HybridLogicalClock clock = new ManualWallClock(T0).clock();
    assertEquals(ts(T0, 0), clock.now());
    assertEquals(ts(T0, 1), clock.now());
    assertEquals(ts(T0, 2), clock.now());
  }

  @Test
  void now_wallClockStepsBack_staysStrictlyIncreasing() {
    ManualWallClock wall = new ManualWallClock(T0);
    HybridLogicalClock clock = wall.clock();
    Timestamp before = clock.now(); // T0#0
    wall.set(T0 - 3_000); // NTP steps the clock back 3 s
    Timestamp a = clock.now();
    Timestamp b = clock.now();
    assertEquals(ts(T0, 1), a, "the physical part holds at the greatest time seen; the counter ticks");
    assertEquals(ts(T0, 2), b);
    assertTrue(before.isBefore(a) && a.isBefore(b));
    wall.set(T0 + 1); // the wall clock catches up: back to logical 0
    assertEquals(ts(T0 + 1, 0), clock.now());
  }

  @Test
  void now_logicalCounterFull_carriesIntoThePhysicalPart() {
    ManualWallClock wall = new ManualWallClock(T0);
    HybridLogicalClock clock = wall.clock();
    clock.observe(ts(T0, Timestamp.MAX_LOGICAL - 1)); // T0#65535
    assertEquals(ts(T0, Timestamp.MAX_LOGICAL), clock.last());
    Timestamp carried = clock.now();
    assertEquals(ts(T0 + 1, 0), carried, "a full counter advances the physical part by 1 ms");
    assertEquals(ts(T0 + 1, 1), clock.now());
    wall.set(T0 + 1);
    assertEquals(ts(T0 + 1, 2), clock.now(), "the wall clock reached the carried stamp: counter keeps ticking");
  }

  @Test
  void now_atTimestampMax_throwsAndKeepsTheClock() {
    ManualWallClock wall = new ManualWallClock(Timestamp.MAX_MILLIS);
    HybridLogicalClock clock = wall.clock();
    assertEquals(Timestamp.MAX, clock.observe(ts(Timestamp.MAX_MILLIS, Timestamp.MAX_LOGICAL - 1)));
    IllegalStateException e = assertThrows(IllegalStateException.class, clock::now);
    assertTrue(e.getMessage().contains("exhausted"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> clock.observe(Timestamp.MIN));
    assertEquals(Timestamp.MAX, clock.last());
    HybridLogicalClock fresh = wall.clock();
    assertThrows(IllegalStateException.class, () -> fresh.observe(Timestamp.MAX), "no stamp follows MAX");
    assertEquals(Timestamp.MIN, fresh.last());
  }

  @Test
  void observe_remoteAheadWithinTheBound_advancesPastIt() {
    HybridLogicalClock clock = new ManualWallClock(T0).clock();
    clock.now(); // T0#0
    Timestamp remote = ts(T0 + 300, 4); // a peer whose clock runs 300 ms ahead
    Timestamp received = clock.observe(remote);
    assertEquals(ts(T0 + 300, 5), received);
    assertEquals(ts(T0 + 300, 6), clock.now(), "later local stamps stay after the remote one");
  }

  @Test
  void observe_remoteExactlyAtTheBound_isAccepted() {
    HybridLogicalClock clock = new ManualWallClock(T0).clock();
    assertEquals(ts(T0 + 500, 1), clock.observe(ts(T0 + 500, 0)));
  }

  @Test
  void observe_remoteBehind_ticksTheLocalStamp() {
    ManualWallClock wall = new ManualWallClock(T0);
    HybridLogicalClock clock = wall.clock();
    clock.now(); // T0#0
    assertEquals(ts(T0, 1), clock.observe(ts(T0 - 10, 9)));
    wall.set(T0 + 2);
    assertEquals(ts(T0 + 2, 0), clock.observe(ts(T0 - 10, 9)), "the wall clock moved past both: logical 0");
  }

  @Test
  void observe_samePhysicalPart_takesTheGreaterCounterPlusOne() {
    HybridLogicalClock clock = new ManualWallClock(T0).clock();
    clock.now();
    clock.now(); // T0#1
    assertEquals(ts(T0, 8), clock.observe(ts(T0, 7)));
    assertEquals(ts(T0, 9), clock.observe(ts(T0, 2)));
  }

  @Test
  void observe_remoteBeyondTheBound_throwsNamingRemoteLocalAndBound_andLeavesTheClockUnchanged() {
    ManualWallClock wall = new ManualWallClock(T0);
    HybridLogicalClock clock = wall.clock();
    clock.now();
    clock.now(); // T0#1
    Timestamp before = clock.last();
    Timestamp remote = ts(T0 + 501, 0);
    HybridLogicalClock.ClockDriftException e =
        assertThrows(HybridLogicalClock.ClockDriftException.class, () -> clock.observe(remote));
    String message = e.getMessage();
    assertTrue(message.contains(remote.toString()), message);
    assertTrue(message.contains(Instant.ofEpochMilli(T0).toString()), message);
    assertTrue(message.contains("501 ms ahead"), message);
    assertTrue(message.contains("500 ms"), message);
    assertEquals(remote, e.remote());
    assertEquals(T0, e.localWallMillis());
    assertEquals(Duration.ofMillis(500), e.maxDrift());
    assertEquals(Duration.ofMillis(501), e.drift());
    assertTrue(e instanceof IllegalArgumentException);
    assertEquals(before, clock.last(), "the rejected stamp was not observed");
    assertEquals(ts(T0, 2), clock.now(), "the clock goes on as if the stamp never came");
  }

  @Test
  void observe_farFutureRemote_isRejected() {
    HybridLogicalClock clock = new ManualWallClock(T0).clock();
    assertThrows(HybridLogicalClock.ClockDriftException.class, () -> clock.observe(ts(Timestamp.MAX_MILLIS, 0)));
    assertEquals(Timestamp.MIN, clock.last());
  }

  @Test
  void create_configurableDrift_zeroAcceptsOnlyStampsNotAhead() {
    AtomicLong wall = new AtomicLong(T0);
    HybridLogicalClock strict = HybridLogicalClock.create(wall::get, Duration.ZERO);
    assertEquals(Duration.ZERO, strict.maxDrift());
    assertEquals(ts(T0, 4), strict.observe(ts(T0, 3)));
    assertThrows(HybridLogicalClock.ClockDriftException.class, () -> strict.observe(ts(T0 + 1, 0)));
    HybridLogicalClock loose = HybridLogicalClock.create(wall::get, Duration.ofSeconds(10));
    assertEquals(ts(T0 + 9_000, 1), loose.observe(ts(T0 + 9_000, 0)));
    assertEquals(Duration.ofMillis(500), HybridLogicalClock.DEFAULT_MAX_DRIFT);
    assertEquals(HybridLogicalClock.DEFAULT_MAX_DRIFT, HybridLogicalClock.create(wall::get).maxDrift());
  }

  @Test
  void create_default_followsTheSystemClock() {
    HybridLogicalClock clock = HybridLogicalClock.create();
    long before = System.currentTimeMillis();
    Timestamp t = clock.now();
    assertTrue(t.physicalMillis() >= before, t + " is not before the wall clock reading " + before);
    assertEquals(HybridLogicalClock.DEFAULT_MAX_DRIFT, clock.maxDrift());
  }

  @Test
  void create_badInput_isRejected() {
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> HybridLogicalClock.create(() -> T0, Duration.ofMillis(-1)));
    assertTrue(negative.getMessage().contains("PT-0.001S"), negative.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> HybridLogicalClock.create(() -> T0, Duration.ofMillis(Timestamp.MAX_MILLIS + 1)));
    assertThrows(NullPointerException.class, () -> HybridLogicalClock.create(null));
    assertThrows(NullPointerException.class, () -> HybridLogicalClock.create(null, Duration.ZERO));
    assertThrows(NullPointerException.class, () -> HybridLogicalClock.create(() -> T0, null));
    assertThrows(NullPointerException.class, () -> HybridLogicalClock.create(() -> T0).observe(null));
  }

  @Test
  void now_wallClockOutOfRange_throwsWithTheReading() {
    AtomicLong wall = new AtomicLong(-7);
    HybridLogicalClock clock = HybridLogicalClock.create(wall::get);
    IllegalStateException negative = assertThrows(IllegalStateException.class, clock::now);
    assertTrue(negative.getMessage().contains("-7"), negative.getMessage());
    wall.set(Timestamp.MAX_MILLIS + 1);
    IllegalStateException farFuture = assertThrows(IllegalStateException.class, () -> clock.observe(Timestamp.MIN));
    assertTrue(farFuture.getMessage().contains(String.valueOf(Timestamp.MAX_MILLIS + 1)), farFuture.getMessage());
    assertEquals(Timestamp.MIN, clock.last());
  }

  @Test
  void toString_showsLastStampAndBound() {
    HybridLogicalClock clock = new ManualWallClock(0).clock();
    clock.now();
    assertEquals("HybridLogicalClock{last=1970-01-01T00:00:00Z#1, maxDrift=500 ms}", clock.toString());
  }

  // ---------------------------------------------------------------------------------------------
  // The HLC algorithm of Kulkarni et al. (2014), figure 5, as a reference model.

  /** The paper's (l, c) state, with the counter's overflow carried into l as the packed form does. */
  static final class PaperClock {
    long l;
    long c;

    void send(long pt) {
      long lOld = l;
      l = Math.max(lOld, pt);
      c = l == lOld ? c + 1 : 0;
      carry();
    }

    void receive(long pt, long lm, long cm) {
      long lOld = l;
      l = Math.max(Math.max(lOld, lm), pt);
      if (l == lOld && l == lm) {
        c = Math.max(c, cm) + 1;
      } else if (l == lOld) {
        c = c + 1;
      } else if (l == lm) {
        c = cm + 1;
      } else {
        c = 0;
      }
      carry();
    }

    private void carry() {
      if (c > Timestamp.MAX_LOGICAL) {
        l += 1;
        c = 0;
      }
    }

    Timestamp stamp() {
      return Timestamp.of(l, (int) c);
    }
  }

  /** One step of a random run: the wall clock reads {@code wall}, then a local or a receive event. */
  record Event(long wall, Timestamp remote) {
    @Override
    public String toString() {
      return "wall=" + wall + (remote == null ? " now()" : " observe(" + remote.physicalMillis() + "#" + remote.logical() + ")");
    }
  }

  static List<Event> randomRun(SplittableRandom random) {
    List<Event> run = new ArrayList<>();
    long wall = 10_000;
    int length = random.nextInt(60);
    for (int i = 0; i < length; i++) {
      int move = random.nextInt(10);
      if (move < 4) {
        wall += random.nextInt(3); // ticks or holds
      } else if (move == 4) {
        wall -= random.nextInt(2_000); // steps back
      } else if (move == 5) {
        wall += random.nextInt(1_000); // jumps ahead
      }
      wall = Math.max(0, wall);
      Timestamp remote = null;
      if (random.nextBoolean()) {
        long physical = Math.max(0, wall + random.nextInt(1_300) - 700); // sometimes beyond the 500 ms bound
        int logical = random.nextInt(8) == 0 ? Timestamp.MAX_LOGICAL - random.nextInt(2) : random.nextInt(4);
        remote = Timestamp.of(physical, logical);
      }
      run.add(new Event(wall, remote));
    }
    return run;
  }

  static List<List<Event>> shrinkRun(List<Event> run) {
    List<List<Event>> out = new ArrayList<>();
    for (int i = run.size() - 1; i >= 0; i--) {
      List<Event> shorter = new ArrayList<>(run);
      shorter.remove(i);
      out.add(shorter);
    }
    return out;
  }

  @Test
  void nowAndObserve_matchThePaperAlgorithm_andStayMonotone() {
    Property.forAll("HybridLogicalClockTest.matchesPaper", 1_000, HybridLogicalClockTest::randomRun,
        HybridLogicalClockTest::shrinkRun, run -> {
          AtomicLong wall = new AtomicLong();
          HybridLogicalClock clock = HybridLogicalClock.create(wall::get);
          PaperClock paper = new PaperClock();
          Timestamp previous = clock.last();
          for (Event event : run) {
            wall.set(event.wall());
            Timestamp stamp;
            if (event.remote() == null) {
              stamp = clock.now();
              paper.send(event.wall());
            } else if (event.remote().physicalMillis() - event.wall() > 500) {
              assertThrows(HybridLogicalClock.ClockDriftException.class, () -> clock.observe(event.remote()),
                  "beyond the drift bound: " + event);
              assertEquals(previous, clock.last(), "a rejected stamp leaves the clock unchanged");
              continue;
            } else {
              stamp = clock.observe(event.remote());
              paper.receive(event.wall(), event.remote().physicalMillis(), event.remote().logical());
              assertTrue(stamp.isAfter(event.remote()), "after the observed stamp: " + event);
            }
            assertEquals(paper.stamp(), stamp, "the paper's algorithm at " + event);
            assertTrue(stamp.isAfter(previous), "strictly increasing at " + event);
            assertTrue(stamp.physicalMillis() >= event.wall(), "not before the wall clock at " + event);
            assertEquals(stamp, clock.last());
            previous = stamp;
          }
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Thread safety: no timing assertions, only uniqueness and per-thread order.

  @Test
  void now_concurrentCallers_getUniqueStampsIncreasingPerThread() throws InterruptedException {
    int threads = 4;
    int perThread = 50_000;
    AtomicLong calls = new AtomicLong();
    // A wall clock that ticks every 1,000 calls and steps back 3 ms every 3,000: contention and
    // regressions at once, and more than 65,536 stamps per millisecond (counter carries).
    HybridLogicalClock clock = HybridLogicalClock.create(() -> T0 + (calls.getAndIncrement() % 3_000) / 1_000);
    long[][] stamps = new long[threads][perThread];
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long[] mine = stamps[t];
      Thread worker = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < perThread; i++) {
            mine[i] = clock.now().asLong();
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "hlc-test-" + t);
      workers.add(worker);
      worker.start();
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    assertEquals(null, failure.get(), "no worker failed");
    Set<Long> all = new HashSet<>(threads * perThread * 2);
    long max = Long.MIN_VALUE;
    for (long[] mine : stamps) {
      for (int i = 0; i < perThread; i++) {
        if (i > 0) {
          assertTrue(mine[i] > mine[i - 1], "stamps of one thread increase: " + mine[i - 1] + " then " + mine[i]);
        }
        assertTrue(all.add(mine[i]), "stamp issued twice: " + Timestamp.fromLong(mine[i]));
        max = Math.max(max, mine[i]);
      }
    }
    assertEquals(threads * perThread, all.size());
    assertEquals(Timestamp.fromLong(max), clock.last(), "the clock holds the greatest stamp it issued");
    // 200,000 distinct stamps do not fit in the 3 x 65,536 stamps of [T0, T0 + 2]: some carried.
    assertTrue(Timestamp.fromLong(max).physicalMillis() > T0 + 2, "the counter carried into the physical part");
  }

  @Test
  void last_beforeAnyEvent_isMin() {
    HybridLogicalClock clock = new ManualWallClock(T0).clock();
    assertEquals(Timestamp.MIN, clock.last());
  }
}
