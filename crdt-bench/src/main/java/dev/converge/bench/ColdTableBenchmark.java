package dev.converge.bench;

import dev.converge.ReplicaId;
import dev.converge.causal.VersionVector;
import dev.converge.counter.GCounter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.UniqueAddress;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Encode and decode of vectors and counters whose replica tables differ from one value to the
 * next: {@link SerializationBenchmark} encodes and decodes one value over and over, so Converge's
 * serializers find its replica table in their small cache of recent tables (8 entries) every time.
 * Here each operation takes the next of {@value #VALUES} values, each over its own random subset
 * of 128 replicas, so no table repeats within 8 operations and every table lookup misses: the cost
 * of a table seen for the first time. Its ids are those of one cluster of 128 nodes, as in a real
 * cluster, so the serializers' caches of single ids (1024 each) hold them after the first values.
 * Pekko encodes and decodes the same values.
 *
 * <pre>
 * java -jar crdt-bench/target/benchmarks.jar ColdTableBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ColdTableBenchmark {

  /** How many distinct values each operation cycles through. */
  static final int VALUES = 64;
  private static final int REPLICAS = 128;

  /** The peer under measurement. */
  @Param({"CONVERGE", "PEKKO"})
  public SerializationBenchmark.Impl impl;

  /**
   * The values: {@code VERSION_VECTOR_16} or {@code GCOUNTER_64}, each over its own replicas (not
   * named {@code payload}, so the quick profile's payload list does not apply here).
   */
  @Param({"VERSION_VECTOR_16", "GCOUNTER_64"})
  public Payload values;

  private Codec.PekkoSerializer pekko;
  private Codec codec;
  private Object[] states;
  private byte[][] encoded;
  private int next;

  /** Builds the values for both peers from one seed, and checks every round trip. */
  @Setup
  public void setUp() {
    int size = values == Payload.VERSION_VECTOR_16 ? 16 : 64;
    Random random = new Random(42);
    states = new Object[VALUES];
    for (int v = 0; v < VALUES; v++) {
      List<Integer> all = new ArrayList<>();
      for (int i = 0; i < REPLICAS; i++) {
        all.add(i);
      }
      java.util.Collections.shuffle(all, random);
      long[] counters = new long[size];
      for (int k = 0; k < size; k++) {
        counters[k] = 1 + random.nextInt(1_000_000);
      }
      states[v] = impl == SerializationBenchmark.Impl.CONVERGE
          ? converge(all.subList(0, size), counters) : pekkoValue(all.subList(0, size), counters);
    }
    if (impl == SerializationBenchmark.Impl.CONVERGE) {
      codec = Codec.converge(values);
    } else {
      pekko = new Codec.PekkoSerializer();
      codec = Codec.pekko(values, pekko);
    }
    encoded = new byte[VALUES][];
    for (int v = 0; v < VALUES; v++) {
      encoded[v] = codec.encode(states[v]);
    }
    for (int v = 0; v < VALUES; v++) {
      if (!codec.decode(encoded[v]).equals(states[v]) || !Arrays.equals(codec.encode(states[v]), encoded[v])) {
        throw new IllegalStateException(impl + " " + values + ": the round trip changed value " + v);
      }
    }
  }

  private Object converge(List<Integer> replicas, long[] counters) {
    Map<ReplicaId, Long> entries = new HashMap<>();
    for (int k = 0; k < replicas.size(); k++) {
      entries.put(Fixtures.replica(replicas.get(k)), counters[k]);
    }
    VersionVector vv = VersionVector.of(entries);
    if (values == Payload.VERSION_VECTOR_16) {
      return vv;
    }
    GCounter c = GCounter.empty();
    for (Map.Entry<ReplicaId, Long> e : entries.entrySet()) {
      c = c.increment(e.getKey(), e.getValue());
    }
    return c;
  }

  private Object pekkoValue(List<Integer> replicas, long[] counters) {
    if (values == Payload.VERSION_VECTOR_16) {
      List<Tuple2<UniqueAddress, Object>> entries = new ArrayList<>();
      for (int k = 0; k < replicas.size(); k++) {
        entries.add(new Tuple2<>(Fixtures.node(replicas.get(k)), counters[k]));
      }
      return org.apache.pekko.cluster.ddata.VersionVector$.MODULE$.apply(CollectionConverters.asScala(entries).toList());
    }
    org.apache.pekko.cluster.ddata.GCounter c = org.apache.pekko.cluster.ddata.GCounter.create();
    for (int k = 0; k < replicas.size(); k++) {
      c = c.increment(Fixtures.self(replicas.get(k)), counters[k]);
    }
    return Fixtures.detached(c);
  }

  /** Terminates Pekko's actor system, if this fork started one. */
  @TearDown
  public void tearDown() {
    if (pekko != null) {
      pekko.close();
      pekko = null;
    }
  }

  /**
   * Encodes the next value.
   *
   * @return the encoding
   */
  @Benchmark
  public byte[] encode() {
    int v = next;
    next = (v + 1) & (VALUES - 1);
    return codec.encode(states[v]);
  }

  /**
   * Decodes the next encoding.
   *
   * @return the value
   */
  @Benchmark
  public Object decode() {
    int v = next;
    next = (v + 1) & (VALUES - 1);
    return codec.decode(encoded[v]);
  }
}
