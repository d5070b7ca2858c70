package dev.converge.bench;

import dev.converge.counter.GCounter;
import dev.converge.counter.PNCounter;
import java.math.BigInteger;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.ddata.FastMerge;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Grow-only and positive-negative counter merge at 4 and 64 replicas: Converge's {@code GCounter}
 * and {@code PNCounter} beside Apache Pekko ddata's, in one run.
 *
 * <p>The two operands are concurrent: every replica has counted, and of each pair one operand is
 * ahead at the even replicas and the other at the odd ones (for decrements, at replicas {@code 0}
 * and {@code 1 mod 3}), so the merge takes entries from both sides and returns a new counter.
 * Counts come from a fixed seed per size, the same for both peers. Each operand is built by its own
 * increments on replica objects of its own ({@link Fixtures}); Pekko's {@code delta} and
 * {@code FastMerge} ancestor are cleared ({@link Fixtures#detached}) so its merge cannot return an
 * operand at once. {@link #setUp} checks both peers' merged values against the sum of the maxima.
 *
 * <p>Run it, from the repository root:
 *
 * <pre>
 * mvn -o -B -q -DskipTests package &amp;&amp; java -jar crdt-bench/target/benchmarks.jar CounterBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CounterBenchmark {

  /** Seed of the counts; the number of replicas is mixed in, the peer is not. */
  private static final long SEED = 0xC0_C0_47E2L;

  /** The peer under measurement. */
  @Param({"CONVERGE", "PEKKO"})
  public Impl impl;

  /** Replicas in each counter. */
  @Param({"4", "64"})
  public int replicas;

  private CounterPeer peer;
  private Object gA;
  private Object gB;
  private Object pnA;
  private Object pnB;

  /** Builds the operands of both counter types, then checks both peers' merges. */
  @Setup
  public void setUp() {
    Random random = new Random(SEED ^ replicas);
    long[] incA = new long[replicas];
    long[] incB = new long[replicas];
    long[] decA = new long[replicas];
    long[] decB = new long[replicas];
    BigInteger gExpected = BigInteger.ZERO;
    BigInteger pnExpected = BigInteger.ZERO;
    for (int i = 0; i < replicas; i++) {
      long inc = 1 + random.nextInt(1_000_000);
      long dec = 1 + random.nextInt(1_000);
      incA[i] = inc + (i % 2 == 0 ? 1 + random.nextInt(100) : 0);
      incB[i] = inc + (i % 2 == 1 ? 1 + random.nextInt(100) : 0);
      decA[i] = dec + (i % 3 == 0 ? 1 + random.nextInt(100) : 0);
      decB[i] = dec + (i % 3 == 1 ? 1 + random.nextInt(100) : 0);
      BigInteger maxInc = BigInteger.valueOf(Math.max(incA[i], incB[i]));
      gExpected = gExpected.add(maxInc);
      pnExpected = pnExpected.add(maxInc).subtract(BigInteger.valueOf(Math.max(decA[i], decB[i])));
    }
    for (Impl candidate : Impl.values()) {
      CounterPeer p = candidate.peer;
      Object ga = p.gCounter(incA);
      Object gb = p.gCounter(incB);
      Object pa = p.pnCounter(incA, decA);
      Object pb = p.pnCounter(incB, decB);
      check(candidate, "GCounter operands", p.shortcutPossible(ga, gb), false);
      check(candidate, "PNCounter operands", p.shortcutPossible(pa, pb), false);
      check(candidate, "GCounter merge", p.value(p.mergeG(ga, gb)), gExpected);
      check(candidate, "PNCounter merge", p.value(p.mergePN(pa, pb)), pnExpected);
      if (candidate == impl) {
        gA = ga;
        gB = gb;
        pnA = pa;
        pnB = pb;
      }
    }
    peer = impl.peer;
  }

  private void check(Impl candidate, String what, Object actual, Object expected) {
    if (!expected.equals(actual)) {
      throw new IllegalStateException(
          candidate + " " + replicas + " replicas: " + what + " gave " + actual + ", expected " + expected);
    }
  }

  /**
   * Merge of two concurrent grow-only counters.
   *
   * @return the merged counter
   */
  @Benchmark
  public Object mergeGCounter() {
    return peer.mergeG(gA, gB);
  }

  /**
   * Merge of two concurrent positive-negative counters.
   *
   * @return the merged counter
   */
  @Benchmark
  public Object mergePNCounter() {
    return peer.mergePN(pnA, pnB);
  }

  /** The peers, each behind the {@link CounterPeer} facade. */
  public enum Impl {
    /** {@code dev.converge.counter}. */
    CONVERGE(new ConvergePeer()),
    /** {@code org.apache.pekko.cluster.ddata.GCounter} and {@code PNCounter}. */
    PEKKO(new PekkoPeer());

    final CounterPeer peer;

    Impl(CounterPeer peer) {
      this.peer = peer;
    }
  }

  /** One implementation's counters; replica {@code i} counted {@code counts[i]}. */
  interface CounterPeer {

    Object gCounter(long[] counts);

    Object pnCounter(long[] increments, long[] decrements);

    Object mergeG(Object a, Object b);

    Object mergePN(Object a, Object b);

    /** The value, for checks outside the measurement. */
    BigInteger value(Object counter);

    /** Whether the peer could skip the merge work for these operands. */
    boolean shortcutPossible(Object a, Object b);
  }

  /** Converge. */
  static final class ConvergePeer implements CounterPeer {
    @Override
    public Object gCounter(long[] counts) {
      GCounter c = GCounter.empty();
      for (int i = 0; i < counts.length; i++) {
        c = c.increment(Fixtures.replica(i), counts[i]);
      }
      return c;
    }

    @Override
    public Object pnCounter(long[] increments, long[] decrements) {
      PNCounter c = PNCounter.empty();
      for (int i = 0; i < increments.length; i++) {
        c = c.increment(Fixtures.replica(i), increments[i]).decrement(Fixtures.replica(i), decrements[i]);
      }
      return c;
    }

    @Override
    public Object mergeG(Object a, Object b) {
      return ((GCounter) a).merge((GCounter) b);
    }

    @Override
    public Object mergePN(Object a, Object b) {
      return ((PNCounter) a).merge((PNCounter) b);
    }

    @Override
    public BigInteger value(Object counter) {
      return counter instanceof GCounter ? ((GCounter) counter).bigValue() : ((PNCounter) counter).bigValue();
    }

    @Override
    public boolean shortcutPossible(Object a, Object b) {
      return a == b;
    }
  }

  /** Pekko ddata: increments per replica, then the delta and ancestor dropped. */
  static final class PekkoPeer implements CounterPeer {
    @Override
    public Object gCounter(long[] counts) {
      org.apache.pekko.cluster.ddata.GCounter c = org.apache.pekko.cluster.ddata.GCounter.create();
      for (int i = 0; i < counts.length; i++) {
        c = c.increment(Fixtures.self(i), counts[i]);
      }
      return Fixtures.detached(c);
    }

    @Override
    public Object pnCounter(long[] increments, long[] decrements) {
      org.apache.pekko.cluster.ddata.PNCounter c = org.apache.pekko.cluster.ddata.PNCounter.create();
      for (int i = 0; i < increments.length; i++) {
        c = c.increment(Fixtures.self(i), increments[i]).decrement(Fixtures.self(i), decrements[i]);
      }
      return Fixtures.detached(c);
    }

    @Override
    public Object mergeG(Object a, Object b) {
      return ((org.apache.pekko.cluster.ddata.GCounter) a).merge((org.apache.pekko.cluster.ddata.GCounter) b);
    }

    @Override
    public Object mergePN(Object a, Object b) {
      return ((org.apache.pekko.cluster.ddata.PNCounter) a).merge((org.apache.pekko.cluster.ddata.PNCounter) b);
    }

    @Override
    public BigInteger value(Object counter) {
      return counter instanceof org.apache.pekko.cluster.ddata.GCounter
          ? ((org.apache.pekko.cluster.ddata.GCounter) counter).getValue()
          : ((org.apache.pekko.cluster.ddata.PNCounter) counter).getValue();
    }

    @Override
    public boolean shortcutPossible(Object a, Object b) {
      if (a instanceof org.apache.pekko.cluster.ddata.PNCounter) {
        org.apache.pekko.cluster.ddata.PNCounter x = (org.apache.pekko.cluster.ddata.PNCounter) a;
        org.apache.pekko.cluster.ddata.PNCounter y = (org.apache.pekko.cluster.ddata.PNCounter) b;
        return x == y
            || Fixtures.pekkoShortcut(x.increments(), y.increments())
            || Fixtures.pekkoShortcut(x.decrements(), y.decrements());
      }
      return Fixtures.pekkoShortcut((FastMerge) a, (FastMerge) b);
    }
  }
}
