package dev.converge.bench;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.register.LWWRegister;
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
 * The {@code LWW_REGISTER} payload of {@link SerializationBenchmark} beside the floor of any Kryo
 * serializer. {@code RAW} is a record holding only the register's stamp, written by a minimal Kryo
 * serializer as one varint: no format version, no checks, no strings. It costs what every Kryo
 * serializer pays at least in this harness (a {@code writeObject} or {@code readObject} dispatch,
 * a reused buffer, the bytes copied into a new array on encode, one object built on decode), so
 * {@code Pekko/Raw} bounds the ratio against Pekko that any Kryo serializer of the register can
 * reach, before it writes the writer's id and the value. {@code CONVERGE} and {@code PEKKO} run
 * exactly as in {@link SerializationBenchmark}.
 *
 * <pre>
 * java -jar crdt-bench/target/benchmarks.jar RegisterFloorBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RegisterFloorBenchmark {

  /** The peer under measurement: {@code CONVERGE}, {@code PEKKO} or {@code RAW}. */
  @Param({"CONVERGE", "PEKKO", "RAW"})
  public String impl;

  private Codec.PekkoSerializer pekko;
  private Codec codec;
  private Object value;
  private byte[] encoded;

  /** Builds the value and the codec, and checks the round trip. */
  @Setup
  public void setUp() {
    Payload payload = Payload.LWW_REGISTER;
    switch (impl) {
      case "CONVERGE":
        codec = Codec.converge(payload);
        value = payload.converge();
        break;
      case "PEKKO":
        pekko = new Codec.PekkoSerializer();
        codec = Codec.pekko(payload, pekko);
        value = payload.pekko();
        break;
      case "RAW":
        codec = RawStamp.codec();
        LWWRegister<?> r = (LWWRegister<?>) payload.converge();
        value = new RawStamp(r.timestamp().orElseThrow().asLong());
        break;
      default:
        throw new IllegalArgumentException("unknown impl " + impl);
    }
    encoded = encode();
    if (!decode().equals(value) || !Arrays.equals(encode(), encoded)) {
      throw new IllegalStateException(impl + ": the round trip changed the value");
    }
    System.out.println(impl + " LWW_REGISTER: " + encoded.length + " bytes");
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

  /**
   * The register's stamp alone: what the floor serializer writes.
   *
   * @param stamp the packed timestamp
   */
  record RawStamp(long stamp) {

    /** A Kryo with registration required and only this record registered, used as {@link Codec} uses its Kryo. */
    static Codec codec() {
      Kryo kryo = new Kryo();
      kryo.setRegistrationRequired(true);
      kryo.register(RawStamp.class, new Serializer<RawStamp>(false, true) {
        @Override
        public void write(Kryo k, Output out, RawStamp r) {
          out.writeVarLong(r.stamp, true);
        }

        @Override
        public RawStamp read(Kryo k, Input in, Class<? extends RawStamp> type) {
          return new RawStamp(in.readVarLong(true));
        }
      }, 1000);
      Output out = new Output(4096, -1);
      Input in = new Input();
      return new Codec() {
        @Override
        public byte[] encode(Object v) {
          out.reset();
          kryo.writeObject(out, v);
          return out.toBytes();
        }

        @Override
        public Object decode(byte[] bytes) {
          in.setBuffer(bytes);
          return kryo.readObject(in, RawStamp.class);
        }
      };
    }
  }
}
