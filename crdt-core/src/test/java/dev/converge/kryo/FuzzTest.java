package dev.converge.kryo;

import static dev.converge.kryo.Fixtures.concat;
import static dev.converge.kryo.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.Causality;
import dev.converge.Lattice;
import dev.converge.ReplicaId;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.causal.DottedVersionVector;
import dev.converge.causal.Siblings;
import dev.converge.causal.VersionVector;
import dev.converge.counter.GCounter;
import dev.converge.counter.PNCounter;
import dev.converge.laws.Property;
import dev.converge.map.ORMap;
import dev.converge.register.LWWRegister;
import dev.converge.register.MVRegister;
import dev.converge.register.Timestamp;
import dev.converge.set.ORSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile bytes: every input either decodes to a valid value that re-encodes stably, or throws a
 * {@link KryoException} ({@link ConvergeKryoException} is one), in bounded time and memory.
 *
 * <p>For every registered type, {@value #INPUTS_PER_TYPE} inputs are made from valid encodings of
 * golden values, {@link RoundTripTest#samples()} and states of random operation histories
 * ({@link Models}), written plain and deflated (every collection, however small, with
 * {@link Fixtures#DEFLATE_ALL}, so the inflate path is fuzzed too), by truncating, flipping bits,
 * setting bytes to boundary values, splicing two encodings (of any types), inserting, deleting and
 * repeating bytes, randomizing the tail, nudging a varint by one, and replacing a varint by a huge
 * one ({@code FF FF FF FF 07} and friends). The class-id varint Kryo writes first is kept, so each
 * input reaches the type's serializer. One reader ({@link Settings#DEFAULT}) decodes them all:
 * only the writer's settings differ.
 *
 * <p>An input passes when it
 *
 * <ul>
 *   <li>throws a {@link KryoException}; or
 *   <li>decodes to a value of the type that passes the type's validation ({@link ORSet#validate()},
 *       and for every type: rebuilding it through its public validating factory gives an equal
 *       value), merges with an equal copy to itself, and is stable: its encoding decodes to an
 *       equal value with the same hash code and re-encodes to identical bytes, also deflated.
 * </ul>
 *
 * <p>Any other exception or error fails, as does a decode taking over {@value #MAX_DECODE_MILLIS}
 * ms or allocating over 64 MiB (measured with {@code com.sun.management.ThreadMXBean}). A failure
 * prints the input in hex (shrunk by deleting bytes where the failure is not about time or
 * memory) and the exception; failures are grouped by kind, exception and where it was thrown, and
 * a type's run stops after {@value #MAX_FAILURES} of them. Runs are seeded: the seed is printed,
 * and {@code -Dconverge.seed=N} re-runs one exactly ({@code -Dconverge.fuzz.inputs=N} runs more
 * inputs per type). Each type's run prints its outcome counts.
 *
 * <p>Dedicated inputs check what random mutation finds rarely or slowly: a ten-byte input
 * claiming 2^31 entries for every collection type, a deflated body claiming {@code maxBytes},
 * Kryo strings and class names claiming gigabytes inside values, and valid values whose decoding
 * could be quadratic (many colliding writes, many initial siblings).
 */
final class FuzzTest {

  static final int INPUTS_PER_TYPE = 10_000;
  /** Inputs per type of this run: {@value #INPUTS_PER_TYPE}, or {@code -Dconverge.fuzz.inputs=N}. */
  static final int INPUTS = Integer.getInteger("converge.fuzz.inputs", INPUTS_PER_TYPE);
  static final long MAX_DECODE_MILLIS = 1_000;
  static final long MAX_DECODE_BYTES = 64L << 20;
  /** A few hostile bytes never justify more than this. */
  static final long SMALL_INPUT_MAX_BYTES = 1L << 20;
  /** Stop a type's run after this many failures (some failures allocate hundreds of megabytes). */
  static final int MAX_FAILURES = 20;
  static final int MAX_FAILURES_PER_TYPE = Integer.getInteger("converge.fuzz.maxFailures", MAX_FAILURES);

  static final long SEED = seed();

  /** Huge counts and lengths: int and long limits, and {@link Settings#DEFAULT}'s own limits. */
  static final byte[][] HUGE_VARINTS = {
    bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x07), // 2^31 - 1
    bytes(0x80, 0x80, 0x80, 0x80, 0x08), // 2^31
    bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x0F), // 2^32 - 1
    bytes(0x80, 0x80, 0x80, 0x80, 0x01), // 2^28 = maxBytes
    bytes(0x80, 0x80, 0x80, 0x08), // 2^24 = maxElements
    bytes(0x81, 0x80, 0x80, 0x08), // 2^24 + 1
    bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F), // 2^63 - 1 as a varlong
    bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF), // -1 as a varlong
  };

  private static Pool pool;

  static long seed() {
    String fixed = System.getProperty(Property.SEED);
    long seed = fixed == null || fixed.isBlank() ? new SplittableRandom().nextLong() : Long.parseLong(fixed.trim());
    System.out.println("FuzzTest seed " + seed + " (re-run with -D" + Property.SEED + "=" + seed + ")");
    return seed;
  }

  static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  static Stream<String> typeNames() {
    return GoldenBytesTest.typeNames();
  }

  // ================================================================== the fuzz run

  @ParameterizedTest(name = "{0}")
  @MethodSource("typeNames")
  void decode_mutatedEncodings_giveValidStableValuesOrKryoException(String typeName) {
    Class<?> type = GoldenBytesTest.typeNamed(typeName);
    Pool seeds = pool();
    List<byte[]> valid = seeds.byType.get(type);
    SplittableRandom random = new SplittableRandom(SEED ^ (0x9E3779B97F4A7C15L * (1 + Fixtures.TYPES.indexOf(type))));
    Checker checker = new Checker(type);
    Map<String, List<String>> failures = new LinkedHashMap<>(); // by signature: descriptions
    int failed = 0;
    long start = System.nanoTime();
    int tried = 0;
    for (; tried < INPUTS && failed < MAX_FAILURES_PER_TYPE; tried++) {
      byte[] original = valid.get(random.nextInt(valid.size()));
      byte[] input = mutate(random, original, seeds.all);
      Failure f = checker.check(input);
      if (f == null) {
        continue;
      }
      failed++;
      List<String> same = failures.computeIfAbsent(f.signature(), k -> new ArrayList<>());
      if (same.isEmpty()) { // describe (and shrink) the first input of each kind of failure
        Checker scratch = new Checker(type); // shrinking does not count as inputs of the run
        byte[] shrunk = f.aboutResources() ? input : shrink(scratch, input, f);
        Failure g = shrunk == input ? f : scratch.check(shrunk);
        same.add(typeName + " input " + tried + ": " + (g == null ? f : g).describe(shrunk)
            + (shrunk == input ? "" : "\n    (shrunk from " + input.length + " bytes: " + hex(input) + ")"));
      } else {
        same.add(hex(input));
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("%s: %d inputs, %d decoded, %d rejected, %d failed (%d valid seeds; %d ms; most allocated "
            + "%d KB; slowest decode %.1f ms, %.2f ms when repeated)%n", typeName, tried, checker.decoded, checker.rejected,
        failed, valid.size(), millis, checker.maxAllocated / 1024, checker.maxNanos / 1e6, retime(checker.slowest) / 1e6);
    if (!failures.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      sb.append(failed).append(" hostile inputs of ").append(typeName).append(" were mishandled, ")
          .append(failures.size()).append(" kind(s) of failure (seed ").append(SEED).append(", re-run with -D")
          .append(Property.SEED).append('=').append(SEED).append("):");
      failures.forEach((signature, inputs) -> {
        sb.append("\n  [").append(inputs.size()).append("x ").append(signature).append("] ").append(inputs.get(0));
        if (inputs.size() > 1) {
          sb.append("\n    other inputs: ").append(String.join(" ", inputs.subList(1, Math.min(4, inputs.size()))));
        }
      });
      fail(sb.toString());
    }
  }

  /** The harness itself: every seed passes every check unmutated, and a wrong value is caught. */
  @Test
  void checker_passesEverySeed_andFlagsAValueOfTheWrongType() {
    Pool seeds = pool();
    for (Class<?> type : Fixtures.TYPES) {
      Checker checker = new Checker(type);
      for (byte[] valid : seeds.byType.get(type)) {
        Failure f = checker.check(valid);
        assertTrue(f == null, () -> type.getSimpleName() + ": a valid seed fails: " + f.describe(valid));
      }
      assertEquals(seeds.byType.get(type).size(), checker.decoded, type.getSimpleName());
    }
    Failure f = new Checker(ORSet.class).check(Fixtures.write(Fixtures.kryo(Settings.DEFAULT), GCounter.empty()));
    assertTrue(f != null && f.kind().equals("invalid value"), "a GCounter where an ORSet was expected: " + f);
  }

  /**
   * The fastest of five decodes of {@code input}: whether the slowest decode of a run was the input
   * or a pause (JIT, GC).
   */
  static long retime(byte[] input) {
    Kryo kryo = Fixtures.kryo(Settings.DEFAULT);
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      try {
        Fixtures.read(kryo, input);
      } catch (KryoException e) {
        // rejected: timed all the same
      }
      best = Math.min(best, System.nanoTime() - t0);
    }
    return best;
  }

  // ================================================================== dedicated hostile inputs

  static Stream<String> countedTypes() {
    return Stream.of(VersionVector.class, CausalContext.class, DottedVersionVector.class, Siblings.class,
        GCounter.class, PNCounter.class, LWWRegister.class, MVRegister.class, ORSet.class, ORMap.class)
        .map(Class::getSimpleName);
  }

  /**
   * Ten bytes: the class id, the version, the flags (for collections) and a first count of
   * 2^31, 2^31 - 1 or exactly {@code maxElements}, then zeros.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("countedTypes")
  void decode_tenBytesClaimingHugeCount_failsFastNamingTheCount(String typeName) {
    Class<?> type = GoldenBytesTest.typeNamed(typeName);
    byte[] header = concat(Fixtures.classPrefix(type), bytes(1),
        Fixtures.COMPRESSIBLE.contains(type) ? bytes(0) : new byte[0]);
    long[] claims = {1L << 31, (1L << 31) - 1, Settings.DEFAULT.maxElements()};
    assertAll(Arrays.stream(claims).mapToObj(claim -> (Executable) () -> {
      byte[] input = Arrays.copyOf(concat(header, Fixtures.varint(claim)), 10);
      Measured m = decodeMeasured(input);
      String where = typeName + " claiming " + claim + " entries in " + hex(input);
      assertInstanceOf(ConvergeKryoException.class, m.thrown(), where);
      assertTrue(m.thrown().getMessage().contains("count " + claim),
          where + ": the message names the count: " + m.thrown().getMessage());
      assertTrue(m.allocated() < SMALL_INPUT_MAX_BYTES, where + ": allocated " + m.allocated() + " bytes");
    }));
  }

  /**
   * A deflated body claiming {@code maxBytes} (256 MiB) uncompressed, with one compressed byte
   * that inflates to nothing: eleven bytes may not allocate the claimed size.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("compressibleTypes")
  void decode_deflatedBodyClaimingMaxBytes_failsWithoutAllocatingTheClaim(String typeName) {
    Class<?> type = GoldenBytesTest.typeNamed(typeName);
    byte[] input = concat(Fixtures.classPrefix(type), bytes(1, 1), Fixtures.varint(Settings.DEFAULT.maxBytes()), bytes(1, 0x03));
    Measured m = decodeMeasured(input);
    String where = typeName + " " + hex(input);
    assertInstanceOf(ConvergeKryoException.class, m.thrown(), where);
    assertTrue(m.allocated() < SMALL_INPUT_MAX_BYTES,
        where + ": a " + input.length + "-byte input allocated " + m.allocated() / 1024 + " KB");
  }

  static Stream<String> compressibleTypes() {
    return Fixtures.COMPRESSIBLE.stream().map(Class::getSimpleName);
  }

  /**
   * Values of mixed or one class go through the caller's Kryo, whose own string format sizes a
   * {@code char[]} from the claimed length, and whose class-by-name reader reads a string the same
   * way: a few bytes may not allocate gigabytes or throw {@link OutOfMemoryError}.
   */
  @Test
  void decode_kryoStringsClaimingHugeLengths_failWithoutAllocatingThem() {
    // Kryo's UTF-8 string length: flag bit 7, continuation bit 6, then 7-bit groups; chars = length - 1.
    byte[][] lengths = {bytes(0xC0, 0x80, 0x80, 0x80, 0x02), bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x0F)};
    List<byte[]> inputs = new ArrayList<>();
    for (byte[] length : lengths) {
      // LWWRegister: 1 value, stamp 0, writer "a", codec MIXED, class String (id 1, written 3), the string
      inputs.add(concat(Fixtures.classPrefix(LWWRegister.class), bytes(1, 1, 0, 1, 'a', Wire.MIXED, 3), length, bytes('x')));
      // ORSet: no replicas, empty context, codec ONE_CLASS, class by name (1), name id 1, the name
      inputs.add(concat(Fixtures.classPrefix(ORSet.class), bytes(1, 0, 0, 0, 0, Wire.ONE_CLASS, 1, 1), length, bytes('x')));
      // ORMap: no replicas, empty context, the zero value's class by name
      inputs.add(concat(Fixtures.classPrefix(ORMap.class), bytes(1, 0, 0, 0, 0, 1, 1), length, bytes('x')));
    }
    assertAll(inputs.stream().map(input -> (Executable) () -> {
      Measured m = decodeMeasured(input);
      String where = hex(input);
      assertInstanceOf(KryoException.class, m.thrown(), where);
      assertTrue(m.allocated() < SMALL_INPUT_MAX_BYTES,
          where + ": a " + input.length + "-byte input allocated " + m.allocated() / 1024 + " KB");
    }));
  }

  /**
   * 40,000 colliding writes of one LWW register, and 40,000 initial values of a sibling set
   * (110 KB each, valid values): decoding must stay near linear, within the budget of a decode.
   */
  @Test
  void decode_manyCollidingValues_staysWithinTheDecodeBudget() {
    int n = 40_000;
    Output lww = new Output(256, -1);
    lww.writeBytes(Fixtures.classPrefix(LWWRegister.class));
    lww.writeVarInt(1, true); // version
    lww.writeVarInt(n, true); // values
    lww.writeVarLong(Timestamp.of(1_700_000_000_000L, 0).asLong(), true);
    lww.writeVarInt(1, true); // writer "a"
    lww.writeByte('a');
    lww.writeVarInt(Wire.INTEGER, true);
    Output siblings = new Output(256, -1);
    siblings.writeBytes(Fixtures.classPrefix(Siblings.class));
    siblings.writeVarInt(1, true); // version
    siblings.writeVarInt(0, true); // flags
    siblings.writeVarInt(0, true); // no servers
    siblings.writeVarInt(Wire.INTEGER, true);
    siblings.writeVarInt(0, true); // empty context
    siblings.writeVarInt(n, true); // initial values
    for (int i = 0; i < n; i++) {
      lww.writeVarInt(i, false);
      siblings.writeVarInt(i, false);
    }
    assertAll(Stream.of(lww.toBytes(), siblings.toBytes()).map(input -> (Executable) () -> {
      Kryo kryo = Fixtures.kryo(Settings.DEFAULT);
      long t0 = System.nanoTime();
      long a0 = Fixtures.allocatedBytes();
      Object v = Fixtures.read(kryo, input);
      long millis = (System.nanoTime() - t0) / 1_000_000;
      long allocated = Fixtures.allocatedBytes() - a0;
      String what = v.getClass().getSimpleName() + " of " + n + " values (" + input.length + " bytes)";
      System.out.println(what + ": decoded in " + millis + " ms, allocating " + allocated / (1 << 20) + " MB");
      assertTrue(millis < MAX_DECODE_MILLIS, what + " took " + millis + " ms to decode");
      assertTrue(allocated < MAX_DECODE_BYTES, what + " allocated " + allocated / (1 << 20) + " MB to decode");
    }));
  }

  /** What one rejected decode threw, allocated and took. */
  record Measured(Throwable thrown, long allocated, long millis) {}

  /** Decodes {@code input} twice (the first warms up), returns how the second failed; fails if it decodes. */
  private static Measured decodeMeasured(byte[] input) {
    Measured m = null;
    for (int round = 0; round < 2; round++) {
      Kryo kryo = Fixtures.kryo(Settings.DEFAULT);
      Throwable thrown = null;
      Object v = null;
      long a0 = Fixtures.allocatedBytes();
      long t0 = System.nanoTime();
      try {
        v = Fixtures.read(kryo, input);
      } catch (Throwable t) {
        thrown = t;
      }
      long millis = (System.nanoTime() - t0) / 1_000_000;
      m = new Measured(thrown, Fixtures.allocatedBytes() - a0, millis);
      assertTrue(thrown != null, hex(input) + " decoded to " + v);
      assertTrue(millis < MAX_DECODE_MILLIS, hex(input) + " took " + millis + " ms to reject");
    }
    return m;
  }

  // ================================================================== seeds

  /** Valid encodings: by type, and all of them (for splicing). */
  static final class Pool {
    final Map<Class<?>, List<byte[]>> byType = new LinkedHashMap<>();
    final List<byte[]> all = new ArrayList<>();

    void add(Kryo kryo, Object value) {
      Class<?> type = Fixtures.TYPES.stream().filter(t -> t.isInstance(value)).findFirst().orElseThrow();
      byte[] b = Fixtures.write(kryo, value);
      byType.computeIfAbsent(type, t -> new ArrayList<>()).add(b);
      all.add(b);
    }
  }

  static synchronized Pool pool() {
    if (pool != null) {
      return pool;
    }
    Pool p = new Pool();
    Kryo plain = Fixtures.kryo(Settings.DEFAULT);
    Kryo deflating = Fixtures.kryo(Fixtures.DEFLATE_ALL);
    List<Object> values = new ArrayList<>();
    for (GoldenBytesTest.Golden g : GoldenBytesTest.values()) {
      values.add(g.value());
      if (g.deflated()) {
        p.add(Fixtures.kryo(g.settings()), g.value());
      }
    }
    values.addAll(RoundTripTest.samples());
    SplittableRandom random = new SplittableRandom(SEED);
    for (Class<?> type : Fixtures.TYPES) {
      values.addAll(Models.states(type, random, 60, 12));
    }
    for (Object v : values) {
      p.add(plain, v);
      if (Fixtures.COMPRESSIBLE.stream().anyMatch(t -> t.isInstance(v))) {
        p.add(deflating, v);
      }
    }
    pool = p;
    return p;
  }

  // ================================================================== mutations

  enum Mutation {
    TRUNCATE, FLIP_BITS, SET_BYTE, SPLICE, INSERT, DELETE, REPEAT, RANDOM_TAIL, NUDGE_VARINT, HUGE_VARINT
  }

  /** One to three mutations of {@code valid}, never touching its class-id varint. */
  static byte[] mutate(SplittableRandom r, byte[] valid, List<byte[]> all) {
    byte[] b = valid;
    int rounds = r.nextInt(4) == 0 ? 2 + r.nextInt(2) : 1;
    for (int i = 0; i < rounds; i++) {
      Mutation m = Mutation.values()[r.nextInt(Mutation.values().length)];
      b = mutate(r, m, b, all);
    }
    return b;
  }

  static byte[] mutate(SplittableRandom r, Mutation m, byte[] b, List<byte[]> all) {
    int prefix = Fixtures.varintLength(b, 0);
    int body = b.length - prefix;
    switch (m) {
      case TRUNCATE:
        return body == 0 ? b : Arrays.copyOf(b, prefix + r.nextInt(body));
      case FLIP_BITS: {
        if (body == 0) {
          return b;
        }
        byte[] out = b.clone();
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
          out[prefix + r.nextInt(body)] ^= (byte) (1 << r.nextInt(8));
        }
        return out;
      }
      case SET_BYTE: {
        if (body == 0) {
          return b;
        }
        byte[] out = b.clone();
        int[] boundary = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x7F, 0x80, 0xFF};
        out[prefix + r.nextInt(body)] = (byte) boundary[r.nextInt(boundary.length)];
        return out;
      }
      case SPLICE: {
        byte[] other = all.get(r.nextInt(all.size()));
        int cut = prefix + r.nextInt(body + 1);
        int from = r.nextInt(other.length + 1);
        return concat(Arrays.copyOf(b, cut), Arrays.copyOfRange(other, from, other.length));
      }
      case INSERT: {
        int at = prefix + r.nextInt(body + 1);
        byte[] extra = new byte[1 + r.nextInt(8)];
        for (int k = 0; k < extra.length; k++) {
          extra[k] = (byte) r.nextInt(256);
        }
        return concat(Arrays.copyOf(b, at), extra, Arrays.copyOfRange(b, at, b.length));
      }
      case DELETE: {
        if (body == 0) {
          return b;
        }
        int at = prefix + r.nextInt(body);
        int n = 1 + r.nextInt(Math.min(8, b.length - at));
        return concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + n, b.length));
      }
      case REPEAT: {
        if (body == 0) {
          return b;
        }
        int at = prefix + r.nextInt(body);
        int n = 1 + r.nextInt(Math.min(16, b.length - at));
        return concat(Arrays.copyOf(b, at + n), Arrays.copyOfRange(b, at, b.length));
      }
      case RANDOM_TAIL: {
        int at = prefix + r.nextInt(body + 1);
        byte[] tail = new byte[r.nextInt(48)];
        for (int k = 0; k < tail.length; k++) {
          tail[k] = (byte) r.nextInt(256);
        }
        return concat(Arrays.copyOf(b, at), tail);
      }
      case NUDGE_VARINT: {
        if (body == 0) {
          return b;
        }
        int at = prefix + r.nextInt(body);
        int len = Fixtures.varintLength(b, at);
        long v = 0;
        for (int k = 0; k < len; k++) {
          v |= (long) (b[at + k] & 0x7F) << (7 * k);
        }
        long nudged = r.nextInt(3) == 0 ? r.nextInt(4) : Math.max(0, v + (r.nextBoolean() ? 1 : -1));
        return concat(Arrays.copyOf(b, at), Fixtures.varint(nudged), Arrays.copyOfRange(b, at + len, b.length));
      }
      default: {
        int at = prefix + (body == 0 ? 0 : r.nextInt(body));
        int len = body == 0 ? 0 : Fixtures.varintLength(b, at);
        byte[] huge = HUGE_VARINTS[r.nextInt(HUGE_VARINTS.length)];
        return concat(Arrays.copyOf(b, at), huge, Arrays.copyOfRange(b, at + len, b.length));
      }
    }
  }

  // ================================================================== checking one input

  /** What went wrong with one input. */
  record Failure(String kind, String detail, Throwable cause) {
    boolean aboutResources() {
      return kind.equals("slow") || kind.equals("allocation");
    }

    /** The kind, the exception and where it was thrown: failures with one signature are one bug. */
    String signature() {
      StringBuilder sb = new StringBuilder(kind);
      if (kind.equals("invalid value") && cause != null && cause.getMessage() != null) {
        String m = cause.getMessage();
        return sb.append(": ").append(m, 0, Math.min(m.length(), Math.max(0, m.indexOf(" ==>")) > 0 ? m.indexOf(" ==>") : Math.min(m.length(), 60))).toString();
      }
      if (cause != null) {
        sb.append(", ").append(cause.getClass().getSimpleName());
        StackTraceElement[] trace = cause.getStackTrace();
        int shown = 0;
        for (int i = 0; i < trace.length && shown < 2; i++) {
          String m = trace[i].getMethodName();
          if (!m.equals("fail") && !m.equals("decoding") && !m.startsWith("assert")) {
            String c = trace[i].getClassName();
            sb.append(shown == 0 ? " in " : " < ").append(c.substring(c.lastIndexOf('.') + 1)).append('.').append(m);
            shown++;
          }
        }
      }
      return sb.toString();
    }

    String describe(byte[] input) {
      StringBuilder sb = new StringBuilder();
      sb.append(kind).append(": ").append(detail).append("\n    input (").append(input.length).append(" bytes): ")
          .append(hex(input));
      if (cause != null) {
        sb.append("\n    ").append(cause);
        StackTraceElement[] trace = cause.getStackTrace();
        for (int i = 0; i < Math.min(8, trace.length); i++) {
          sb.append("\n      at ").append(trace[i]);
        }
      }
      return sb.toString();
    }
  }

  /** Decodes inputs of one type and checks the outcome; counts outcomes. */
  static final class Checker {
    final Class<?> type;
    Kryo reader = Fixtures.kryo(Settings.DEFAULT);
    final Kryo verifier = Fixtures.kryo(Settings.DEFAULT);
    final Kryo writer = Fixtures.kryo(Settings.DEFAULT);
    final Kryo deflater = Fixtures.kryo(Fixtures.DEFLATE_ALL);
    int decoded;
    int rejected;
    long maxNanos;
    long maxAllocated;
    byte[] slowest = new byte[0];

    Checker(Class<?> type) {
      this.type = type;
    }

    Failure check(byte[] input) {
      Object value = null;
      Throwable thrown = null;
      long a0 = Fixtures.allocatedBytes();
      long t0 = System.nanoTime();
      try {
        value = Fixtures.read(reader, input);
      } catch (Throwable t) {
        thrown = t;
      }
      long nanos = System.nanoTime() - t0;
      long allocated = Fixtures.allocatedBytes() - a0;
      if (nanos > maxNanos) {
        maxNanos = nanos;
        slowest = input;
      }
      maxAllocated = Math.max(maxAllocated, allocated);
      if (nanos > MAX_DECODE_MILLIS * 1_000_000) {
        return new Failure("slow", "decoding took " + nanos / 1_000_000 + " ms", thrown);
      }
      if (allocated > MAX_DECODE_BYTES) {
        return new Failure("allocation", "decoding a " + input.length + "-byte input allocated "
            + allocated / (1 << 20) + " MB", thrown);
      }
      if (thrown instanceof KryoException) {
        rejected++;
        return null;
      }
      if (thrown != null) {
        reader = Fixtures.kryo(Settings.DEFAULT); // its state is unknown after a non-Kryo failure
        return new Failure("exception", "decoding threw " + thrown.getClass().getName() + ", not a KryoException", thrown);
      }
      decoded++;
      try {
        checkDecoded(value);
      } catch (Throwable t) {
        String shown;
        try {
          shown = String.valueOf(value);
        } catch (RuntimeException e) {
          shown = value.getClass().getName() + " whose toString throws " + e;
        }
        return new Failure("invalid value", "decoded to " + shown + ", which fails: " + t.getMessage(), t);
      }
      return null;
    }

    @SuppressWarnings("unchecked")
    void checkDecoded(Object value) {
      assertInstanceOf(type, value, "the decoded value's type");
      assertFalse(value.toString().isEmpty(), "toString");
      Validation.check(value);
      byte[] encoded = Fixtures.write(writer, value);
      Object again = Fixtures.read(verifier, encoded);
      assertEquals(value, again, "its encoding " + hex(encoded) + " decodes to an equal value");
      assertEquals(value.hashCode(), again.hashCode(), "hash code after a round trip");
      assertEquals(hex(encoded), hex(Fixtures.write(writer, again)), "re-encoding is stable");
      assertEquals(value, Fixtures.read(verifier, Fixtures.write(deflater, value)), "deflated round trip");
      if (value instanceof Lattice) {
        @SuppressWarnings("rawtypes")
        Lattice l = (Lattice) value;
        assertEquals(value, l.merge((Lattice) again), "merge with an equal copy");
        assertEquals(Causality.EQUAL, l.compare((Lattice) again), "compare with an equal copy");
      }
    }
  }

  /** Smaller inputs with the same failure: deletes runs of bytes, halving the run length. */
  static byte[] shrink(Checker checker, byte[] input, Failure failure) {
    String signature = failure.signature();
    int prefix = Fixtures.varintLength(input, 0);
    byte[] best = input;
    int attempts = 0;
    boolean progress = true;
    while (progress && attempts < 3_000) {
      progress = false;
      for (int size = Math.max(1, (best.length - prefix) / 2); size >= 1 && !progress; size /= 2) {
        for (int at = prefix; at + size <= best.length && attempts < 3_000; at++) {
          byte[] candidate = concat(Arrays.copyOf(best, at), Arrays.copyOfRange(best, at + size, best.length));
          attempts++;
          Failure f = checker.check(candidate);
          if (f != null && !f.aboutResources() && f.signature().equals(signature)) {
            best = candidate;
            progress = true;
            break;
          }
        }
      }
    }
    return best;
  }

  // ================================================================== validation by type

  /** The type's validation, and a rebuild through its public validating factory, recursively. */
  static final class Validation {
    private Validation() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void check(Object v) {
      if (v instanceof ORSet) {
        ORSet<Object> s = (ORSet<Object>) v;
        s.validate();
        Map<Object, List<Dot>> parts = new HashMap<>();
        for (Object e : s.elements()) {
          parts.put(e, s.dots(e));
          check(e);
        }
        assertEquals(s, ORSet.of(s.context(), parts), "ORSet.of rebuilds it");
      } else if (v instanceof ORMap) {
        ORMap m = (ORMap) v;
        Map<Object, Map<Dot, Object>> parts = new HashMap<>();
        for (Object k : m.keySet()) {
          Map<Dot, Object> byDot = m.valuesByDot(k);
          assertFalse(byDot.isEmpty(), "key " + k + " has values");
          parts.put(k, byDot);
          check(k);
          byDot.values().forEach(Validation::check);
        }
        check(m.zero());
        assertEquals(m, ORMap.of(m.zero(), m.context(), (Map) parts), "ORMap.of rebuilds it");
      } else if (v instanceof MVRegister) {
        MVRegister<Object> r = (MVRegister<Object>) v;
        r.values().forEach(Validation::check);
        assertEquals(r, MVRegister.of(r.context(), r.valuesByDot()), "MVRegister.of rebuilds it");
      } else if (v instanceof Siblings) {
        Siblings<Object> s = (Siblings<Object>) v;
        Map<Dot, Object> byDot = s.valuesByDot();
        Siblings<Object> rebuilt = Siblings.of(s.context(), byDot);
        List<Object> values = s.values();
        for (Object initial : values.subList(byDot.size(), values.size())) {
          rebuilt = rebuilt.merge(Siblings.of(initial));
        }
        values.forEach(Validation::check);
        assertEquals(s, rebuilt, "Siblings.of rebuilds it");
      } else if (v instanceof LWWRegister) {
        LWWRegister<Object> r = (LWWRegister<Object>) v;
        LWWRegister<Object> rebuilt = LWWRegister.empty();
        for (Object x : r.values()) {
          check(x);
          rebuilt = rebuilt.merge(LWWRegister.of(x, r.timestamp().orElseThrow(), r.writer().orElseThrow()));
        }
        assertEquals(r, rebuilt, "LWWRegister.of rebuilds it");
      } else if (v instanceof CausalContext) {
        CausalContext c = (CausalContext) v;
        for (Dot d : c.cloud()) {
          assertFalse(c.versionVector().contains(d), "cloud dot " + d + " is not in the vector");
        }
        assertEquals(c, CausalContext.of(c.versionVector(), c.cloud()), "CausalContext.of rebuilds it");
      } else if (v instanceof VersionVector) {
        VersionVector vv = (VersionVector) v;
        assertEquals(vv, VersionVector.of(vv.toMap()), "VersionVector.of rebuilds it");
      } else if (v instanceof GCounter) {
        GCounter g = (GCounter) v;
        assertEquals(g, GCounter.of(VersionVector.of(g.counts().toMap())), "GCounter.of rebuilds it");
      } else if (v instanceof PNCounter) {
        PNCounter p = (PNCounter) v;
        assertEquals(p, PNCounter.of(GCounter.of(VersionVector.of(p.increments().counts().toMap())),
            GCounter.of(VersionVector.of(p.decrements().counts().toMap()))), "PNCounter.of rebuilds it");
      } else if (v instanceof DottedVersionVector) {
        DottedVersionVector d = (DottedVersionVector) v;
        assertEquals(d, DottedVersionVector.of(d.dot(), d.past()), "DottedVersionVector.of rebuilds it");
      } else if (v instanceof Timestamp) {
        Timestamp t = (Timestamp) v;
        assertEquals(t, Timestamp.fromLong(t.asLong()), "Timestamp.fromLong rebuilds it");
      } else if (v instanceof Dot) {
        Dot d = (Dot) v;
        assertEquals(d, new Dot(ReplicaId.of(d.replica().id()), d.counter()), "new Dot rebuilds it");
      } else if (v instanceof ReplicaId) {
        assertEquals(v, ReplicaId.of(((ReplicaId) v).id()), "ReplicaId.of rebuilds it");
      }
    }
  }
}
