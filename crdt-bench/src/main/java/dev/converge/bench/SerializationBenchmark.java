package dev.converge.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
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

/**
 * Encode and decode time per type: Converge's Kryo serializers (a Kryo instance with registration
 * required and {@code ConvergeKryo.register}) beside Apache Pekko ddata's
 * {@code ReplicatedDataSerializer}, in one run. The encoded sizes are not timings: {@link SizeReport}
 * computes them in-process, and {@link BenchMain} prints them as a "Serialized sizes" table after
 * any run that includes this class (or alone with {@code --sizes}).
 *
 * <p>The payloads ({@link Payload}) are built for both peers from one seed, with the same replica
 * identities (Pekko's {@code UniqueAddress} of {@code pekko://bench@host-0i:2552}, Converge's replica
 * id of that string; see {@link Fixtures}). Pekko always runs its serializer as Pekko uses it
 * ({@code toBinary}/{@code fromBinary}, which gzips every {@code ORSet} and {@code ORMap}); plain
 * payloads run Converge with default settings (no compression), {@code _COMPRESSED} payloads with
 * Converge's deflate.
 *
 * <p>Pekko's serializer needs an {@code ExtendedActorSystem}: the Pekko forks start one with the
 * local provider in {@link #setUp} (no remoting or cluster) and terminate it in {@link #tearDown}.
 * {@link #setUp} checks that both peers' values hold the same content and that the measured peer's
 * decoding of its encoding equals the value.
 *
 * <p>Run it, from the repository root:
 *
 * <pre>
 * mvn -o -B -q -DskipTests package &amp;&amp; java -jar crdt-bench/target/benchmarks.jar SerializationBenchmark
 * java -jar crdt-bench/target/benchmarks.jar --sizes    # only the size table, no JMH run
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SerializationBenchmark {

  /** The peer under measurement. */
  @Param({"CONVERGE", "PEKKO"})
  public Impl impl;

  /** The value encoded and decoded. */
  @Param({
    "VERSION_VECTOR_16", "GCOUNTER_64", "PNCOUNTER", "LWW_REGISTER", "ORMAP", "ORMAP_COMPRESSED",
    "ORSET_1K", "ORSET_1K_COMPRESSED", "ORSET_10K", "ORSET_10K_COMPRESSED"
  })
  public Payload payload;

  private Codec.PekkoSerializer pekko;
  private Codec codec;
  private Object value;
  private byte[] encoded;

  /** Builds the value, the codec and the encoding, and checks the round trip. */
  @Setup
  public void setUp() {
    Object convergeValue = payload.converge();
    Object pekkoValue = payload.pekko();
    Object convergeContent = payload.convergeContent(convergeValue);
    if (!convergeContent.equals(payload.pekkoContent(pekkoValue))) {
      throw new IllegalStateException(payload + ": Converge's and Pekko's values differ");
    }
    if (impl == Impl.CONVERGE) {
      codec = Codec.converge(payload);
      value = convergeValue;
    } else {
      pekko = new Codec.PekkoSerializer();
      codec = Codec.pekko(payload, pekko);
      value = pekkoValue;
    }
    encoded = encode();
    Object decoded = decode();
    if (!decoded.equals(value) || !Arrays.equals(encode(), encoded)) {
      throw new IllegalStateException(impl + " " + payload + ": the round trip changed the value");
    }
    System.out.println(impl + " " + payload + ": " + encoded.length + " bytes");
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
   * Encodes the value.
   *
   * @return the encoding
   */
  @Benchmark
  public byte[] encode() {
    return codec.encode(value);
  }

  /**
   * Decodes the encoding.
   *
   * @return the value
   */
  @Benchmark
  public Object decode() {
    return codec.decode(encoded);
  }

  /** The peers. */
  public enum Impl {
    /** Converge's Kryo serializers. */
    CONVERGE,
    /** Pekko ddata's {@code ReplicatedDataSerializer}. */
    PEKKO
  }
}
