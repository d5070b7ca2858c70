package dev.converge.bench;

import dev.converge.ReplicaId;
import dev.converge.register.LWWRegister;
import dev.converge.register.MVRegister;
import dev.converge.register.Timestamp;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
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
 * Register merge: Converge's {@code LWWRegister} beside Apache Pekko ddata's {@code LWWRegister};
 * and Converge's {@code MVRegister} write and merge at 1 to 8 siblings ({@link MultiValue}; Pekko
 * has no multi-value register, so those rows are absolute figures).
 *
 * <p>{@code mergeLWW}: replica 1 wrote at time {@code T}, replica 2 concurrently at {@code T + 1 ms};
 * the merge keeps replica 2's write. Both operands are built separately, with values and replica
 * objects of their own; {@link #setUp} checks the winner for both peers. (Pekko's
 * {@code LWWRegister} has no delta or {@code FastMerge} ancestor.)
 *
 * <p>Run it, from the repository root:
 *
 * <pre>
 * mvn -o -B -q -DskipTests package &amp;&amp; java -jar crdt-bench/target/benchmarks.jar RegisterBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RegisterBenchmark {

  /** The wall-clock time of the first write, in milliseconds since the epoch. */
  static final long T = 1_700_000_000_000L;

  /** The peer under measurement. */
  @Param({"CONVERGE", "PEKKO"})
  public Impl impl;

  private RegisterPeer peer;
  private Object older;
  private Object newer;

  /** Builds the two writes, then checks that both peers keep the newer. */
  @Setup
  public void setUp() {
    for (Impl candidate : Impl.values()) {
      RegisterPeer p = candidate.peer;
      Object a = p.lww(1, T, value(1));
      Object b = p.lww(2, T + 1, value(2));
      Object winner = p.value(p.merge(a, b));
      if (a == b || !value(2).equals(winner)) {
        throw new IllegalStateException(candidate + ": LWW merge kept " + winner + ", expected " + value(2));
      }
      if (candidate == impl) {
        older = a;
        newer = b;
      }
    }
    peer = impl.peer;
  }

  /** The value replica {@code i} writes: a new string each call. */
  static String value(int i) {
    return "value written by replica " + i;
  }

  /**
   * Merge of two concurrent writes; the second is newer.
   *
   * @return the merged register
   */
  @Benchmark
  public Object mergeLWW() {
    return peer.merge(older, newer);
  }

  /**
   * {@code MVRegister} write and merge with {@code siblings} concurrent values (Converge only).
   *
   * <ul>
   *   <li>{@code writeMV}: a write into a register holding {@code siblings} values (it replaces
   *       them all);
   *   <li>{@code mergeMV}: merge of two concurrent registers of {@code siblings} values each, written
   *       on a common base by replicas {@code 1..siblings} and {@code 2..siblings+1}: they share
   *       {@code siblings - 1} values and the merge holds {@code siblings + 1}.
   * </ul>
   *
   * <pre>
   * java -jar crdt-bench/target/benchmarks.jar 'RegisterBenchmark.MultiValue'
   * </pre>
   */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
  public static class MultiValue {

    /** Concurrent values in each operand. */
    @Param({"1", "2", "4", "8"})
    public int siblings;

    private MVRegister<String> a;
    private MVRegister<String> b;
    private ReplicaId writer;
    private String written;

    /** Builds the operands (each sibling from its own base), then checks the value counts. */
    @Setup
    public void setUp() {
      a = siblings(1, siblings);
      b = siblings(2, siblings + 1);
      writer = Fixtures.replica(0);
      written = value(0);
      int merged = mergeMV().values().size();
      int afterWrite = writeMV().values().size();
      if (a.values().size() != siblings || b.values().size() != siblings || merged != siblings + 1
          || afterWrite != 1) {
        throw new IllegalStateException(siblings + " siblings: operands hold " + a.values().size() + " and "
            + b.values().size() + " values, their merge " + merged + ", a write " + afterWrite);
      }
    }

    /** Replicas {@code from..to} each write once on a base written by replica 0; all merged. */
    private static MVRegister<String> siblings(int from, int to) {
      MVRegister<String> r = MVRegister.empty();
      for (int i = from; i <= to; i++) {
        MVRegister<String> base = MVRegister.<String>empty().write(Fixtures.replica(0), value(0));
        r = r.merge(base.write(Fixtures.replica(i), value(i)));
      }
      return r;
    }

    /**
     * A write into a register of {@code siblings} values.
     *
     * @return the new register
     */
    @Benchmark
    public MVRegister<String> writeMV() {
      return a.write(writer, written);
    }

    /**
     * Merge of two concurrent registers of {@code siblings} values each.
     *
     * @return the merged register
     */
    @Benchmark
    public MVRegister<String> mergeMV() {
      return a.merge(b);
    }
  }

  /** The peers, each behind the {@link RegisterPeer} facade. */
  public enum Impl {
    /** {@code dev.converge.register.LWWRegister}. */
    CONVERGE(new ConvergePeer()),
    /** {@code org.apache.pekko.cluster.ddata.LWWRegister}. */
    PEKKO(new PekkoPeer());

    final RegisterPeer peer;

    Impl(RegisterPeer peer) {
      this.peer = peer;
    }
  }

  /** One implementation's last-writer-wins register of strings. */
  interface RegisterPeer {

    /** A new register holding {@code value}, written by replica {@code replica} at {@code millis}. */
    Object lww(int replica, long millis, String value);

    Object merge(Object a, Object b);

    /** The value, for checks outside the measurement. */
    String value(Object register);
  }

  /** Converge: hybrid-logical-clock timestamps with logical part 0. */
  static final class ConvergePeer implements RegisterPeer {
    @Override
    public Object lww(int replica, long millis, String value) {
      return LWWRegister.of(value, Timestamp.of(millis, 0), Fixtures.replica(replica));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object merge(Object a, Object b) {
      return ((LWWRegister<String>) a).merge((LWWRegister<String>) b);
    }

    @Override
    @SuppressWarnings("unchecked")
    public String value(Object register) {
      return ((LWWRegister<String>) register).value().orElseThrow();
    }
  }

  /** Pekko ddata: a clock that returns the given time. */
  static final class PekkoPeer implements RegisterPeer {
    @Override
    public Object lww(int replica, long millis, String value) {
      SelfUniqueAddress node = Fixtures.self(replica);
      return org.apache.pekko.cluster.ddata.LWWRegister.create(node, value, (current, v) -> millis);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object merge(Object a, Object b) {
      return ((org.apache.pekko.cluster.ddata.LWWRegister<String>) a)
          .merge((org.apache.pekko.cluster.ddata.LWWRegister<String>) b);
    }

    @Override
    @SuppressWarnings("unchecked")
    public String value(Object register) {
      return ((org.apache.pekko.cluster.ddata.LWWRegister<String>) register).getValue();
    }
  }
}
