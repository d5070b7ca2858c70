package dev.converge.bench;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.kryo.Settings;
import dev.converge.register.LWWRegister;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
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
 * Payloads of {@link SerializationBenchmark} beside a floor: work that any serializer of the same
 * kind must do for them, measured in the same harness. {@code CONVERGE} and {@code PEKKO} run
 * exactly as in {@link SerializationBenchmark}; {@code RAW} is the floor:
 *
 * <ul>
 *   <li>{@code LWW_REGISTER}: a record holding only the register's stamp, written by a minimal Kryo
 *       serializer as one varint (no format version, no checks, no strings). It pays what every Kryo
 *       serializer pays at least here: a {@code writeObject} or {@code readObject} dispatch, a reused
 *       buffer, the bytes copied into a new array on encode, one object built on decode.
 *   <li>{@code _COMPRESSED} payloads: deflate alone, at Converge's default level, of the value's
 *       uncompressed Converge body into a new array (encode), and inflate alone of that stream into
 *       a new array (decode): no serializer, no value built.
 * </ul>
 *
 * <p>So {@code Pekko / Raw} bounds the speed-up over Pekko that a Kryo serializer of the register,
 * or a serializer that deflates Converge's body, can reach.
 *
 * <pre>
 * java -jar crdt-bench/target/benchmarks.jar FloorBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FloorBenchmark {

  /** The peer under measurement: {@code CONVERGE}, {@code PEKKO} or {@code RAW} (the floor). */
  @Param({"CONVERGE", "PEKKO", "RAW"})
  public String impl;

  /**
   * The payload (not named {@code payload}, so the quick profile's payload list does not apply
   * here).
   */
  @Param({"LWW_REGISTER", "ORMAP_COMPRESSED", "ORSET_1K_COMPRESSED", "ORSET_10K_COMPRESSED"})
  public Payload floor;

  private Codec.PekkoSerializer pekko;
  private Codec codec;
  private Object value;
  private byte[] encoded;

  /** Builds the value and the codec, and checks the round trip. */
  @Setup
  public void setUp() {
    switch (impl) {
      case "CONVERGE":
        codec = Codec.converge(floor);
        value = floor.converge();
        break;
      case "PEKKO":
        pekko = new Codec.PekkoSerializer();
        codec = Codec.pekko(floor, pekko);
        value = floor.pekko();
        break;
      case "RAW":
        if (floor == Payload.LWW_REGISTER) {
          codec = RawStamp.codec();
          value = new RawStamp(((LWWRegister<?>) floor.converge()).timestamp().orElseThrow().asLong());
        } else if (floor.compressed) {
          codec = new RawDeflate(Settings.DEFAULT.compressionLevel());
          value = convergeBody(floor.plain());
        } else {
          throw new IllegalArgumentException("no floor for " + floor);
        }
        break;
      default:
        throw new IllegalArgumentException("unknown impl " + impl);
    }
    encoded = encode();
    Object decoded = decode();
    boolean same = value instanceof byte[] ? Arrays.equals((byte[]) value, (byte[]) decoded) : decoded.equals(value);
    if (!same || !Arrays.equals(encode(), encoded)) {
      throw new IllegalStateException(impl + " " + floor + ": the round trip changed the value");
    }
    System.out.println(impl + " " + floor + ": " + encoded.length + " bytes");
  }

  /** The uncompressed Converge body of a collection payload: its encoding after version and flags. */
  private static byte[] convergeBody(Payload plain) {
    byte[] bytes = Codec.converge(plain).encode(plain.converge());
    Input in = new Input(bytes);
    in.readVarInt(true); // the format version
    if (in.readVarInt(true) != 0) {
      throw new IllegalStateException(plain + " is compressed with default settings");
    }
    return Arrays.copyOfRange(bytes, in.position(), bytes.length);
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

    /** A codec over a Kryo with registration required and only this record registered. */
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
      return Codec.kryo(kryo, RawStamp.class);
    }
  }

  /**
   * Raw deflate (no zlib header, as Converge writes it) of a byte array at one level, and inflate
   * back; the decoder knows the body's length, as Converge's does from its header.
   */
  static final class RawDeflate implements Codec {
    private final Deflater deflater;
    private final Inflater inflater = new Inflater(true);
    private byte[] scratch = new byte[1024];
    private int bodyLength;

    RawDeflate(int level) {
      deflater = new Deflater(level, true);
    }

    @Override
    public byte[] encode(Object value) {
      byte[] body = (byte[]) value;
      bodyLength = body.length;
      deflater.reset();
      deflater.setInput(body);
      deflater.finish();
      int n = 0;
      while (!deflater.finished()) {
        if (n == scratch.length) {
          scratch = Arrays.copyOf(scratch, 2 * n);
        }
        n += deflater.deflate(scratch, n, scratch.length - n);
      }
      return Arrays.copyOf(scratch, n);
    }

    @Override
    public Object decode(byte[] bytes) {
      inflater.reset();
      inflater.setInput(bytes);
      byte[] body = new byte[bodyLength];
      try {
        if (inflater.inflate(body) != bodyLength || !inflater.finished()) {
          throw new IllegalStateException("the stream does not inflate to " + bodyLength + " bytes");
        }
      } catch (DataFormatException e) {
        throw new IllegalStateException(e);
      }
      return body;
    }
  }
}
