package dev.converge.bench;

import dev.converge.ReplicaId;
import dev.converge.causal.VersionVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.UniqueAddress;
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
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Version-vector compare, merge and increment: Converge beside Apache Pekko ddata's
 * {@code VersionVector} and a raw-array lower bound ({@link RawVersionVector}), at 1 to 256
 * replicas, in one run so the ratios hold on a noisy machine.
 *
 * <p>Every operand is built separately, with its own replica-id objects of equal value (as if just
 * received from the network), so no identity shortcut fires. Counters come from a fixed seed per
 * size, the same for every peer. {@link #setUp} checks that each scenario gives the expected answer
 * before anything is measured.
 *
 * <ul>
 *   <li>{@code compareEqual}: equal vectors;
 *   <li>{@code compareDominating}: the second vector is higher at every entry, so the walk cannot
 *       exit early ({@code BEFORE});
 *   <li>{@code compareConcurrent}: the first is higher at the first entry, the second at the last,
 *       so the walk runs to the end (size 1: two different single replicas);
 *   <li>{@code mergeDominating}: merge with a dominating vector (Converge and raw return it);
 *   <li>{@code mergeConcurrent}: merge of the concurrent pair (a new vector);
 *   <li>{@code increment}: one more event of the replica in the middle.
 * </ul>
 *
 * <p>Pekko's {@code increment} does not add one: it stores the next value of a JVM-wide
 * {@code AtomicLong} timestamp ({@code VersionVector.Timestamp.counter}); the cost measured is its
 * tree update plus that uncontended {@code getAndIncrement}.
 *
 * <p>Run it, from the repository root (quick profile with {@code -prof gc}; results in
 * {@code crdt-bench/target/jmh-result.json}, a comparison table on stdout):
 *
 * <pre>
 * mvn -o -B -q -DskipTests package &amp;&amp; java -jar crdt-bench/target/benchmarks.jar VersionVectorBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class VersionVectorBenchmark {

  /** Seed of the counters; the size is mixed in, the peer is not. */
  private static final long SEED = 0x5EED_C0DEL;

  /** The peer under measurement. */
  @Param({"CONVERGE", "PEKKO", "RAW"})
  public Impl impl;

  /** Number of replicas in each vector. */
  @Param({"1", "4", "16", "64", "256"})
  public int size;

  private VectorPeer peer;
  private Object equalA;
  private Object equalB;
  private Object dominatedA;
  private Object dominatingB;
  private Object concurrentA;
  private Object concurrentB;
  private Object incremented;
  private Object incrementReplica;

  /** Builds every operand from the seed, then checks each scenario's answer. */
  @Setup
  public void setUp() {
    peer = impl.peer;
    Random random = new Random(SEED ^ size);
    int[] ids = new int[size];
    long[] base = new long[size];
    long[] higher = new long[size];
    for (int i = 0; i < size; i++) {
      ids[i] = i;
      base[i] = 1 + random.nextInt(1000);
      higher[i] = base[i] + 1 + random.nextInt(10);
    }

    equalA = peer.vector(ids, base);
    equalB = peer.vector(ids, base);

    dominatedA = peer.vector(ids, base);
    dominatingB = peer.vector(ids, higher);

    SortedMap<Integer, Long> concurrentMerged;
    if (size == 1) {
      concurrentA = peer.vector(new int[] {0}, base);
      concurrentB = peer.vector(new int[] {1}, higher);
      concurrentMerged = new TreeMap<>(Map.of(0, base[0], 1, higher[0]));
    } else {
      long[] firstUp = base.clone();
      firstUp[0]++;
      long[] lastUp = base.clone();
      lastUp[size - 1]++;
      concurrentA = peer.vector(ids, firstUp);
      concurrentB = peer.vector(ids, lastUp);
      firstUp[size - 1]++;
      concurrentMerged = entries(ids, firstUp);
    }

    int middle = size / 2;
    incremented = peer.vector(ids, base);
    incrementReplica = peer.replica(middle);

    check("compareEqual", compareEqual(), RawVersionVector.EQUAL);
    check("equal operands are distinct objects", equalA != equalB, true);
    check("compareDominating", compareDominating(), RawVersionVector.BEFORE);
    check("compareConcurrent", compareConcurrent(), RawVersionVector.CONCURRENT);
    check("mergeDominating", peer.entries(mergeDominating()), entries(ids, higher));
    check("mergeConcurrent", peer.entries(mergeConcurrent()), concurrentMerged);
    // Pekko's increment writes a global timestamp, so only the other entries are predictable.
    SortedMap<Integer, Long> next = new TreeMap<>(peer.entries(increment()));
    SortedMap<Integer, Long> expected = entries(ids, base);
    check("increment keeps the replicas", next.keySet(), expected.keySet());
    next.remove(middle);
    expected.remove(middle);
    check("increment changes only its replica", next, expected);
  }

  private static SortedMap<Integer, Long> entries(int[] ids, long[] counters) {
    SortedMap<Integer, Long> map = new TreeMap<>();
    for (int i = 0; i < ids.length; i++) {
      map.put(ids[i], counters[i]);
    }
    return map;
  }

  private void check(String what, Object actual, Object expected) {
    if (!expected.equals(actual)) {
      throw new IllegalStateException(
          impl + " size " + size + ": " + what + " gave " + actual + ", expected " + expected);
    }
  }

  /**
   * Compare of two equal vectors.
   *
   * @return the result, numbered like {@code Causality}
   */
  @Benchmark
  public int compareEqual() {
    return peer.compare(equalA, equalB);
  }

  /**
   * Compare with a vector higher at every entry.
   *
   * @return the result, numbered like {@code Causality}
   */
  @Benchmark
  public int compareDominating() {
    return peer.compare(dominatedA, dominatingB);
  }

  /**
   * Compare of vectors that differ at their first and last entries.
   *
   * @return the result, numbered like {@code Causality}
   */
  @Benchmark
  public int compareConcurrent() {
    return peer.compare(concurrentA, concurrentB);
  }

  /**
   * Merge with a dominating vector.
   *
   * @return the merged vector
   */
  @Benchmark
  public Object mergeDominating() {
    return peer.merge(dominatedA, dominatingB);
  }

  /**
   * Merge of two concurrent vectors.
   *
   * @return the merged vector
   */
  @Benchmark
  public Object mergeConcurrent() {
    return peer.merge(concurrentA, concurrentB);
  }

  /**
   * Increment of the replica in the middle.
   *
   * @return the new vector
   */
  @Benchmark
  public Object increment() {
    return peer.increment(incremented, incrementReplica);
  }

  /** The peers, each behind the {@link VectorPeer} facade. */
  public enum Impl {
    /** {@code dev.converge.causal.VersionVector}. */
    CONVERGE(new ConvergePeer()),
    /** {@code org.apache.pekko.cluster.ddata.VersionVector}. */
    PEKKO(new PekkoPeer()),
    /** {@link RawVersionVector}, the lower bound. */
    RAW(new RawPeer());

    final VectorPeer peer;

    Impl(VectorPeer peer) {
      this.peer = peer;
    }
  }

  /**
   * One implementation's version vector, behind the operations measured. Replicas are numbered
   * from 0; each call to {@link #vector} or {@link #replica} builds new replica-id objects.
   */
  interface VectorPeer {

    /** The vector {@code replicas[i]=counters[i]} ({@code replicas} ascending, counters >= 1). */
    Object vector(int[] replicas, long[] counters);

    /** The id with which replica number {@code replica} increments its own entry. */
    Object replica(int replica);

    /** The order of {@code a} relative to {@code b}, numbered like {@code dev.converge.Causality}. */
    int compare(Object a, Object b);

    Object merge(Object a, Object b);

    Object increment(Object vector, Object replica);

    /** The entries as replica number to counter, for checks outside the measurement. */
    SortedMap<Integer, Long> entries(Object vector);
  }

  /** Converge: replicas named {@code replica-000} to {@code replica-255}. */
  static final class ConvergePeer implements VectorPeer {
    private static final String PREFIX = "replica-";

    private static ReplicaId id(int replica) {
      return ReplicaId.of(String.format("%s%03d", PREFIX, replica));
    }

    @Override
    public Object vector(int[] replicas, long[] counters) {
      Map<ReplicaId, Long> entries = new HashMap<>();
      for (int i = 0; i < replicas.length; i++) {
        entries.put(id(replicas[i]), counters[i]);
      }
      return VersionVector.of(entries);
    }

    @Override
    public Object replica(int replica) {
      return id(replica);
    }

    @Override
    public int compare(Object a, Object b) {
      return ((VersionVector) a).compare((VersionVector) b).ordinal();
    }

    @Override
    public Object merge(Object a, Object b) {
      return ((VersionVector) a).merge((VersionVector) b);
    }

    @Override
    public Object increment(Object vector, Object replica) {
      return ((VersionVector) vector).increment((ReplicaId) replica);
    }

    @Override
    public SortedMap<Integer, Long> entries(Object vector) {
      SortedMap<Integer, Long> map = new TreeMap<>();
      ((VersionVector) vector)
          .forEach((id, counter) -> map.put(Integer.valueOf(id.id().substring(PREFIX.length())), counter));
      return map;
    }
  }

  /**
   * Pekko ddata: replica {@code i} is {@code UniqueAddress(pekko://bench@host-00i:2552, i + 1)}; the
   * host is zero-padded so Pekko's address order matches Converge's replica order.
   */
  static final class PekkoPeer implements VectorPeer {
    private static final String HOST_PREFIX = "host-";

    private static UniqueAddress address(int replica) {
      Address address = new Address("pekko", "bench", String.format("%s%03d", HOST_PREFIX, replica), 2552);
      return new UniqueAddress(address, replica + 1L);
    }

    @Override
    public Object vector(int[] replicas, long[] counters) {
      List<Tuple2<UniqueAddress, Object>> entries = new ArrayList<>();
      for (int i = 0; i < replicas.length; i++) {
        entries.add(new Tuple2<>(address(replicas[i]), counters[i]));
      }
      // One entry gives a OneVersionVector, more a ManyVersionVector over a TreeMap.
      return org.apache.pekko.cluster.ddata.VersionVector$.MODULE$.apply(
          CollectionConverters.asScala(entries).toList());
    }

    @Override
    public Object replica(int replica) {
      return new SelfUniqueAddress(address(replica));
    }

    @Override
    public int compare(Object a, Object b) {
      Object order =
          ((org.apache.pekko.cluster.ddata.VersionVector) a)
              .compareTo((org.apache.pekko.cluster.ddata.VersionVector) b);
      if (order == org.apache.pekko.cluster.ddata.VersionVector.BeforeInstance()) {
        return RawVersionVector.BEFORE;
      } else if (order == org.apache.pekko.cluster.ddata.VersionVector.AfterInstance()) {
        return RawVersionVector.AFTER;
      } else if (order == org.apache.pekko.cluster.ddata.VersionVector.SameInstance()) {
        return RawVersionVector.EQUAL;
      }
      return RawVersionVector.CONCURRENT;
    }

    @Override
    public Object merge(Object a, Object b) {
      return ((org.apache.pekko.cluster.ddata.VersionVector) a)
          .merge((org.apache.pekko.cluster.ddata.VersionVector) b);
    }

    @Override
    public Object increment(Object vector, Object replica) {
      return ((org.apache.pekko.cluster.ddata.VersionVector) vector).$colon$plus((SelfUniqueAddress) replica);
    }

    @Override
    public SortedMap<Integer, Long> entries(Object vector) {
      SortedMap<Integer, Long> map = new TreeMap<>();
      scala.collection.Iterator<Tuple2<UniqueAddress, Object>> it =
          ((org.apache.pekko.cluster.ddata.VersionVector) vector).versionsIterator();
      while (it.hasNext()) {
        Tuple2<UniqueAddress, Object> entry = it.next();
        String host = entry._1().address().getHost().orElseThrow();
        map.put(Integer.valueOf(host.substring(HOST_PREFIX.length())), (Long) entry._2());
      }
      return map;
    }
  }

  /** Raw arrays: replica {@code i} is the int {@code i}. */
  static final class RawPeer implements VectorPeer {
    @Override
    public Object vector(int[] replicas, long[] counters) {
      return RawVersionVector.of(replicas, counters);
    }

    @Override
    public Object replica(int replica) {
      return replica;
    }

    @Override
    public int compare(Object a, Object b) {
      return ((RawVersionVector) a).compare((RawVersionVector) b);
    }

    @Override
    public Object merge(Object a, Object b) {
      return ((RawVersionVector) a).merge((RawVersionVector) b);
    }

    @Override
    public Object increment(Object vector, Object replica) {
      return ((RawVersionVector) vector).increment((Integer) replica);
    }

    @Override
    public SortedMap<Integer, Long> entries(Object vector) {
      RawVersionVector raw = (RawVersionVector) vector;
      SortedMap<Integer, Long> map = new TreeMap<>();
      for (int i = 0; i < raw.ids.length; i++) {
        map.put(raw.ids[i], raw.counters[i]);
      }
      return map;
    }
  }
}
