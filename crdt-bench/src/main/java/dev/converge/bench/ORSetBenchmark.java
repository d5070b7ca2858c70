package dev.converge.bench;

import dev.converge.ReplicaId;
import dev.converge.set.ORSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
 * OR-Set merge at 1k, 10k and 100k elements, and add into a set of 10k ({@link Add}): Converge's
 * {@code ORSet} beside Apache Pekko ddata's {@code ORSet}, in one run.
 *
 * <p>Every scenario is two operation histories, one per operand, replayed separately by each peer
 * (Converge with {@code addAll}/{@code removeAll}, which give the same state as one {@code add} or
 * {@code remove} per element; Pekko with one {@code add}/{@code remove} per element, its only API).
 * With {@code n} elements, {@code t = n/10} and {@code h = n/20}:
 *
 * <ul>
 *   <li>{@code sameNode}: A = replica 1 adds elements {@code [0, n)}; B = the same history, built
 *       again, then replica 1 adds {@code [n, n+t)}. B dominates A;
 *   <li>{@code otherNode}: A = replica 1 adds {@code [0, n)}; B = replica 2 adds {@code [n-t, 2n-t)}
 *       (t elements added concurrently on both);
 *   <li>{@code both}: a common base (replica 0 adds {@code [0, n/2)}), then A: replica 1 adds
 *       {@code [n/2, n)}; B: replica 2 adds {@code [n, 3n/2)};
 *   <li>{@code mixed}: base: replica 0 adds {@code [0, n)}; A: removes {@code [0, t)}, replica 1 adds
 *       {@code [n, n+t)} and re-adds {@code [t, t+h)}; B: removes {@code [h, h+t)}, replica 2 adds
 *       {@code [n+h, n+h+t)} and re-adds {@code [0, h)}. Removes on both sides, adds that win over
 *       concurrent removes, and h elements added concurrently by both replicas (two dots each).
 * </ul>
 *
 * <p>{@link #setUp} builds both peers' operands, merges them, checks that each result holds exactly
 * the expected elements (so both peers give the same element count), and checks that no shortcut
 * can fire: the operands are distinct objects, built by separate calls that share no element or
 * replica-address object, and Pekko's {@code delta} and {@code FastMerge} ancestor are cleared
 * ({@link Fixtures#detached}). Without that, Pekko's {@code merge} returns at once when one operand
 * was derived from the other in the same JVM.
 *
 * <p>Run it, from the repository root (quick profile: 1k and 10k elements; {@code --full} adds
 * 100k):
 *
 * <pre>
 * mvn -o -B -q -DskipTests package &amp;&amp; java -jar crdt-bench/target/benchmarks.jar ORSetBenchmark
 * java -jar crdt-bench/target/benchmarks.jar --full ORSetBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ORSetBenchmark {

  /** The peer under measurement. */
  @Param({"CONVERGE", "PEKKO"})
  public Impl impl;

  /** The scenario: the shape of the two operands' histories. */
  @Param({"sameNode", "otherNode", "both", "mixed"})
  public String history;

  /** Elements added by each operand's history ({@code n}). */
  @Param({"1000", "10000", "100000"})
  public int elements;

  private SetPeer peer;
  private Object a;
  private Object b;

  /** Builds both peers' operands, checks their merges, keeps the measured peer's operands. */
  @Setup
  public void setUp() {
    Scenario s = Scenario.of(history);
    Set<String> expected = s.expected(elements);
    int[] counts = new int[Impl.values().length];
    for (Impl candidate : Impl.values()) {
      SetPeer p = candidate.peer;
      Object left = p.replay(s.historyA(elements));
      Object right = p.replay(s.historyB(elements));
      if (p.shortcutPossible(left, right)) {
        throw new IllegalStateException(candidate + " " + history + ": the operands share identity or ancestry");
      }
      Set<String> merged = p.elements(p.merge(left, right));
      if (!merged.equals(expected)) {
        throw new IllegalStateException(String.format(Locale.ROOT, "%s %s %d: merge holds %d elements, expected %d",
            candidate, history, elements, merged.size(), expected.size()));
      }
      counts[candidate.ordinal()] = merged.size();
      if (candidate == impl) {
        a = left;
        b = right;
      }
    }
    for (int c : counts) {
      if (c != counts[0]) {
        throw new IllegalStateException(history + " " + elements + ": peers disagree on the element count");
      }
    }
    peer = impl.peer;
  }

  /**
   * Merge of the scenario's two operands.
   *
   * @return the merged set
   */
  @Benchmark
  public Object merge() {
    return peer.merge(a, b);
  }

  /**
   * One {@code add} of a new element, by a replica already in the set, into a set of
   * {@code setSize} elements. Converge's {@code add} copies its arrays ({@code O(n)}; batches go
   * through {@code addAll}); Pekko's updates a hash trie and records a delta, starting here from a
   * set whose delta was reset.
   *
   * <pre>
   * java -jar crdt-bench/target/benchmarks.jar 'ORSetBenchmark.Add'
   * </pre>
   */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
  public static class Add {

    /** The peer under measurement. */
    @Param({"CONVERGE", "PEKKO"})
    public Impl impl;

    /** Elements in the set before the add. */
    @Param({"10000"})
    public int setSize;

    private SetPeer peer;
    private Object set;
    private Object replica;
    private String element;

    /** Builds the set, then checks that the add gives one more element. */
    @Setup
    public void setUp() {
      peer = impl.peer;
      set = peer.replay(List.of(Op.add(1, 0, setSize)));
      replica = peer.replica(1);
      element = Fixtures.element(setSize);
      Set<String> after = peer.elements(add());
      if (after.size() != setSize + 1 || !after.contains(element)) {
        throw new IllegalStateException(impl + ": add gave " + after.size() + " elements, expected " + (setSize + 1));
      }
    }

    /**
     * Adds the new element.
     *
     * @return the new set
     */
    @Benchmark
    public Object add() {
      return peer.add(set, replica, element);
    }
  }

  /** One step of a history: replica {@code replica} adds, or removes, elements {@code [from, to)}. */
  record Op(boolean add, int replica, long from, long to) {
    static Op add(int replica, long from, long to) {
      return new Op(true, replica, from, to);
    }

    /** A remove; the replica only matters to Pekko's delta bookkeeping. */
    static Op remove(int replica, long from, long to) {
      return new Op(false, replica, from, to);
    }
  }

  /** The merge scenarios, as histories of {@link Op}s. */
  enum Scenario {
    SAME_NODE("sameNode") {
      @Override
      List<Op> historyA(int n) {
        return List.of(Op.add(1, 0, n));
      }

      @Override
      List<Op> historyB(int n) {
        return List.of(Op.add(1, 0, n), Op.add(1, n, n + n / 10));
      }

      @Override
      Set<String> expected(int n) {
        return range(0, n + n / 10);
      }
    },
    OTHER_NODE("otherNode") {
      @Override
      List<Op> historyA(int n) {
        return List.of(Op.add(1, 0, n));
      }

      @Override
      List<Op> historyB(int n) {
        return List.of(Op.add(2, n - n / 10, 2L * n - n / 10));
      }

      @Override
      Set<String> expected(int n) {
        return range(0, 2L * n - n / 10);
      }
    },
    BOTH("both") {
      @Override
      List<Op> historyA(int n) {
        return List.of(Op.add(0, 0, n / 2), Op.add(1, n / 2, n));
      }

      @Override
      List<Op> historyB(int n) {
        return List.of(Op.add(0, 0, n / 2), Op.add(2, n, n + n / 2));
      }

      @Override
      Set<String> expected(int n) {
        return range(0, n + n / 2);
      }
    },
    MIXED("mixed") {
      @Override
      List<Op> historyA(int n) {
        int t = n / 10;
        int h = n / 20;
        return List.of(Op.add(0, 0, n), Op.remove(1, 0, t), Op.add(1, n, n + t), Op.add(1, t, t + h));
      }

      @Override
      List<Op> historyB(int n) {
        int t = n / 10;
        int h = n / 20;
        return List.of(Op.add(0, 0, n), Op.remove(2, h, h + t), Op.add(2, n + h, n + h + t), Op.add(2, 0, h));
      }

      @Override
      Set<String> expected(int n) {
        int t = n / 10;
        int h = n / 20;
        Set<String> e = range(0, n + h + t);
        e.removeAll(range(h, t));
        return e;
      }
    };

    private final String label;

    Scenario(String label) {
      this.label = label;
    }

    static Scenario of(String label) {
      for (Scenario s : values()) {
        if (s.label.equals(label)) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown scenario " + label);
    }

    abstract List<Op> historyA(int n);

    abstract List<Op> historyB(int n);

    /** The elements of the merge, by add-wins semantics. */
    abstract Set<String> expected(int n);

    static Set<String> range(long from, long to) {
      return new HashSet<>(Fixtures.elements(from, to));
    }
  }

  /** The peers, each behind the {@link SetPeer} facade. */
  public enum Impl {
    /** {@code dev.converge.set.ORSet}. */
    CONVERGE(new ConvergePeer()),
    /** {@code org.apache.pekko.cluster.ddata.ORSet}. */
    PEKKO(new PekkoPeer());

    final SetPeer peer;

    Impl(SetPeer peer) {
      this.peer = peer;
    }
  }

  /** One implementation's OR-Set of strings, behind the operations measured. */
  interface SetPeer {

    /** A new set built by the history, with new element and replica objects. */
    Object replay(List<Op> history);

    /** The id with which replica {@code i} adds. */
    Object replica(int i);

    Object merge(Object a, Object b);

    Object add(Object set, Object replica, String element);

    /** The elements, for checks outside the measurement. */
    Set<String> elements(Object set);

    /** Whether the peer could skip the merge work for these operands. */
    boolean shortcutPossible(Object a, Object b);
  }

  /** Converge: batches through {@code addAll} and {@code removeAll}. */
  static final class ConvergePeer implements SetPeer {
    @Override
    public Object replay(List<Op> history) {
      ORSet<String> s = ORSet.empty();
      for (Op op : history) {
        List<String> batch = Fixtures.elements(op.from(), op.to());
        s = op.add() ? s.addAll(Fixtures.replica(op.replica()), batch) : s.removeAll(batch);
      }
      return s;
    }

    @Override
    public Object replica(int i) {
      return Fixtures.replica(i);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object merge(Object a, Object b) {
      return ((ORSet<String>) a).merge((ORSet<String>) b);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object add(Object set, Object replica, String element) {
      return ((ORSet<String>) set).add((ReplicaId) replica, element);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Set<String> elements(Object set) {
      return new HashSet<>(((ORSet<String>) set).elements());
    }

    @Override
    public boolean shortcutPossible(Object a, Object b) {
      return a == b;
    }
  }

  /** Pekko ddata: one operation at a time, then the delta and ancestor dropped. */
  static final class PekkoPeer implements SetPeer {
    @Override
    public Object replay(List<Op> history) {
      org.apache.pekko.cluster.ddata.ORSet<String> s = org.apache.pekko.cluster.ddata.ORSet.create();
      for (Op op : history) {
        List<String> batch = Fixtures.elements(op.from(), op.to());
        SelfUniqueAddress node = Fixtures.self(op.replica());
        s = op.add() ? Fixtures.addAll(s, node, batch) : Fixtures.removeAll(s, node, batch);
      }
      return Fixtures.detached(s);
    }

    @Override
    public Object replica(int i) {
      return Fixtures.self(i);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object merge(Object a, Object b) {
      return ((org.apache.pekko.cluster.ddata.ORSet<String>) a).merge((org.apache.pekko.cluster.ddata.ORSet<String>) b);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object add(Object set, Object replica, String element) {
      return ((org.apache.pekko.cluster.ddata.ORSet<String>) set).add((SelfUniqueAddress) replica, element);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Set<String> elements(Object set) {
      return new HashSet<>(((org.apache.pekko.cluster.ddata.ORSet<String>) set).getElements());
    }

    @Override
    public boolean shortcutPossible(Object a, Object b) {
      return Fixtures.pekkoShortcut(
          (org.apache.pekko.cluster.ddata.FastMerge) a, (org.apache.pekko.cluster.ddata.FastMerge) b);
    }
  }
}
