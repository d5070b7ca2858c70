package dev.converge.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.ReplicaId;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.causal.VersionVector;
import dev.converge.set.ORSet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The fast paths of the ORSet codec ({@link ORSetCodec}) against its general path, which reads
 * and writes through Kryo's {@code Input} and {@code Output} methods: an anonymous subclass of
 * {@code Input}/{@code Output} is not a plain one, so it always takes the general path. Bytes,
 * decoded sets (with their iteration order) and the exceptions of damaged input must be the same.
 */
final class ORSetCodecTest {

  private static final ReplicaId[] REPLICAS = {
    ReplicaId.of("a"), ReplicaId.of("b"), ReplicaId.of("c"), ReplicaId.of("pekko://sys@host-07:2552")
  };

  /** Elements at the edges of the fast paths: lengths 0, 127, 128; every kind of non-ASCII. */
  private static final List<String> ODD = List.of(
      "", "\u007f", "\u0080", "caf\u00e9", "\u00ff\u00ff", "\u65e5\u672c", "\ud83d\ude00",
      "a".repeat(127), "b".repeat(128), "c".repeat(300), "\u00e9".repeat(64), "mixed \u00e9 ascii",
      "0123456789abcdef", "AaAa", "BBBB", "AaBB", "BBAa");

  private final Kryo plainKryo = Fixtures.kryo(Settings.DEFAULT);
  private final Kryo generalKryo = Fixtures.kryo(Settings.DEFAULT);

  // ---------------------------------------------------------------- encoding

  @Test
  void encode_randomSets_fastPathWritesTheGeneralPathsBytes() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int run = 0; run < 300; run++) {
      ORSet<String> set = randomSet(rnd, run);
      byte[] general = writeGeneral(set);
      assertArrayEquals(general, writePlain(set, 8), "run " + run);
      assertArrayEquals(general, writePlain(set, 4096), "run " + run);
      assertArrayEquals(general, writeStream(set, 16 + rnd.nextInt(64)), "run " + run);
      assertEquals(set, readPlain(general), "run " + run);
    }
  }

  @Test
  void encode_unpairedSurrogate_refusedOnEveryPath() {
    // UTF-8 cannot hold a lone surrogate: Java's encoder writes '?', so "x\ud800y" would come back
    // as "x?y", and a set holding both could not be read at all.
    ReplicaId a = ReplicaId.of("a");
    for (String bad : List.of("x\ud800y", "\udc00", "ab\ud83d", "\ude00\ud83d")) {
      ORSet<String> set = ORSet.<String>empty().addAll(a, List.of("x?y", "plain", bad));
      String expected = String.format("unpaired UTF-16 surrogate \\u%04X at index %d", (int) bad.charAt(Wire.unpairedSurrogate(bad)),
          Wire.unpairedSurrogate(bad));
      for (Executable write : List.<Executable>of(() -> writeGeneral(set), () -> writePlain(set, 8),
          () -> writePlain(set, 4096), () -> writeStream(set, 32))) {
        ConvergeKryoException e = assertThrows(ConvergeKryoException.class, write, bad);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
      }
    }
  }

  @Test
  void encode_sparseAndHugeCounters_sortedByCounter() {
    // Counters of one replica: dense (placed by offset), sparse (packed sort), spanning more than
    // 2^31 (compared), and deltas at the varint sizes 1, 2 and 3 bytes.
    long[][] shapes = {
      {1, 2, 3, 5, 8, 13, 21},
      {1, 128, 129, 16384, 16385, 16385 + 16384, 100_000, 5_000_000},
      {1, 1L << 31, (1L << 31) + 1, 1L << 40, (1L << 40) + 127, Long.MAX_VALUE - 1, Long.MAX_VALUE},
      {Long.MAX_VALUE - 5, Long.MAX_VALUE - 3, Long.MAX_VALUE},
    };
    for (long[] counters : shapes) {
      ReplicaId a = REPLICAS[0];
      ReplicaId b = REPLICAS[1];
      Map<String, List<Dot>> elements = new LinkedHashMap<>();
      List<Long> shuffled = new ArrayList<>();
      for (long c : counters) {
        shuffled.add(c);
      }
      java.util.Collections.shuffle(shuffled, new java.util.Random(3));
      for (long c : shuffled) {
        elements.put("e" + c, List.of(new Dot(a, c)));
        elements.put("f" + c, List.of(new Dot(b, c)));
      }
      elements.put("both", List.of(new Dot(a, 7), new Dot(b, 7)));
      elements.remove("e7");
      elements.remove("f7");
      long max = counters[counters.length - 1];
      CausalContext context = CausalContext.of(VersionVector.of(Map.of(a, max, b, max)));
      ORSet<String> set = ORSet.of(context, elements);
      byte[] general = writeGeneral(set);
      assertArrayEquals(general, writePlain(set, 8));
      ORSet<?> back = readPlain(general);
      assertEquals(set, back);
      // the wire lists a's dots by ascending counter: read them back in order
      List<Long> seen = new ArrayList<>();
      for (long c : counters) {
        if (c != 7) {
          seen.add(c);
        }
      }
      assertEquals(seen, countersOfFirstGroup(general, seen.size()), Arrays.toString(counters));
    }
  }

  // ---------------------------------------------------------------- decoding

  @Test
  void decode_randomSets_fastPathReadsWhatTheGeneralPathReads() {
    SplittableRandom rnd = new SplittableRandom(12);
    for (int run = 0; run < 300; run++) {
      ORSet<String> set = randomSet(rnd, run);
      byte[] bytes = writeGeneral(set);
      ORSet<?> general = readGeneral(bytes);
      assertEquals(set, general);
      for (ORSet<?> other : List.of(readPlain(bytes), readStream(bytes, 8), readStream(bytes, 16 + rnd.nextInt(100)))) {
        assertEquals(general, other, "run " + run);
        assertEquals(new ArrayList<>(general.elements()), new ArrayList<>(other.elements()), "run " + run);
        for (Object e : general.elements()) {
          assertEquals(e.hashCode(), other.elements().stream().filter(e::equals).findFirst().orElseThrow().hashCode());
        }
        other.validate();
      }
    }
  }

  @Test
  void decode_malformedUtf8_sameStringsAsTheGeneralPath() {
    // Each element's 8 bytes overwritten with malformed or unusual UTF-8: the decoded strings are
    // the JDK's decoding (replacement characters), whichever path reads them.
    byte[][] patterns = {
      {(byte) 0x80, 'a', 'b', 'c', 'd', 'e', 'f', 'g'},
      {'a', 'b', 'c', 'd', 'e', 'f', 'g', (byte) 0xC3},
      {(byte) 0xC3, '(', 'a', 'b', 'c', 'd', 'e', 'f'},
      {(byte) 0xFF, (byte) 0xFE, 'b', 'b', 'c', 'd', 'e', 'f'},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80, 'a', 'b', 'c', 'd', 'e'},
      {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80, 'a', 'b', 'c', 'd'},
      {(byte) 0xC0, (byte) 0xAF, 'c', 'b', 'c', 'd', 'e', 'f'},
      {(byte) 0xC3, (byte) 0xA9, 'a', 'b', 'c', 'd', 'e', 'f'},
      {'a', 'b', 'c', 'd', 'e', 'f', 'g', 0x7F},
    };
    List<String> names = new ArrayList<>();
    for (int i = 0; i < patterns.length; i++) {
      names.add(String.format("elem%04d", i));
    }
    ORSet<String> set = ORSet.<String>empty().addAll(REPLICAS[0], names);
    byte[] bytes = writeGeneral(set);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < patterns.length; i++) {
      int at = indexOf(bytes, names.get(i).getBytes(StandardCharsets.US_ASCII));
      System.arraycopy(patterns[i], 0, bytes, at, 8);
      expected.add(new String(patterns[i], StandardCharsets.UTF_8));
    }
    ORSet<?> general = readGeneral(bytes);
    ORSet<?> plain = readPlain(bytes);
    assertEquals(general, plain);
    assertEquals(new ArrayList<>(general.elements()), new ArrayList<>(plain.elements()));
    for (String e : expected) {
      assertTrue(plain.contains(e), e);
    }
    assertEquals(patterns.length, plain.size());

    // two malformed sequences that decode to one string: rejected alike on both paths
    System.arraycopy(patterns[3], 0, bytes, indexOf(bytes, patterns[6]), 8);
    String message = outcome(this::readPlain, bytes);
    assertTrue(message.contains("appears twice"), message);
    assertEquals(outcome(this::readGeneral, bytes), message);
  }

  @Test
  void decode_damagedBytes_sameOutcomeOnEveryPath() {
    SplittableRandom rnd = new SplittableRandom(13);
    int failures = 0;
    for (int run = 0; run < 400; run++) {
      byte[] bytes = writeGeneral(randomSet(rnd, run));
      byte[] damaged = bytes.clone();
      int kind = rnd.nextInt(3);
      if (kind == 0) {
        damaged[rnd.nextInt(damaged.length)] ^= (byte) (1 << rnd.nextInt(8));
      } else if (kind == 1) {
        damaged = Arrays.copyOf(damaged, rnd.nextInt(damaged.length));
      } else {
        damaged[rnd.nextInt(damaged.length)] = (byte) rnd.nextInt(256);
      }
      String general = outcome(this::readGeneral, damaged);
      assertEquals(general, outcome(this::readPlain, damaged), "run " + run);
      if (general.startsWith("exception")) {
        failures++;
      }
    }
    assertTrue(failures > 50, "damage was detected " + failures + " times");
  }

  @Test
  void decode_duplicateElementAndDotOutsideContext_sameMessagesOnBothPaths() {
    ORSet<String> set = ORSet.<String>empty().add(REPLICAS[0], "elemAAAA").add(REPLICAS[0], "elemBBBB");
    byte[] bytes = writeGeneral(set);
    byte[] twice = bytes.clone();
    System.arraycopy("elemAAAA".getBytes(StandardCharsets.US_ASCII), 0, twice,
        indexOf(twice, "elemBBBB".getBytes(StandardCharsets.US_ASCII)), 8);
    String message = outcome(this::readPlain, twice);
    assertTrue(message.contains("element 'elemAAAA' appears twice"), message);
    assertEquals(outcome(this::readGeneral, twice), message);

    byte[] outside = bytes.clone();
    int at = indexOf(outside, "elemBBBB".getBytes(StandardCharsets.US_ASCII));
    assertEquals(1, outside[at - 2]); // the delta of a:2
    outside[at - 2] = 9;
    message = outcome(this::readPlain, outside);
    assertTrue(message.contains("dot a:10 of 'elemBBBB' is not in the context"), message);
    assertEquals(outcome(this::readGeneral, outside), message);

    byte[] zero = bytes.clone();
    zero[at - 2] = 0;
    message = outcome(this::readPlain, zero);
    assertTrue(message.contains("must strictly increase"), message);
    assertEquals(outcome(this::readGeneral, zero), message);
  }

  // ---------------------------------------------------------------- Wire's string helpers

  @Test
  void holdsQuestionMark_findsTheByteAtEveryPosition() {
    SplittableRandom rnd = new SplittableRandom(17);
    for (int n = 0; n <= 40; n++) {
      byte[] b = new byte[n];
      for (int k = 0; k < n; k++) {
        int v;
        do {
          v = rnd.nextInt(256);
        } while (v == '?');
        b[k] = (byte) v; // every other byte value, including 0x3E, 0x3F ^ 0x80, 0xBF
      }
      assertFalse(Wire.holdsQuestionMark(b), "length " + n);
      for (int at = 0; at < n; at++) {
        byte[] c = b.clone();
        c[at] = '?';
        assertTrue(Wire.holdsQuestionMark(c), "length " + n + ", at " + at);
      }
    }
  }

  @Test
  void hashAscii_isStringHashCodeForAsciiAndMinusOneOtherwise() {
    SplittableRandom rnd = new SplittableRandom(14);
    for (int run = 0; run < 20_000; run++) {
      byte[] b = new byte[rnd.nextInt(48)];
      boolean ascii = rnd.nextInt(3) > 0;
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (ascii ? rnd.nextInt(128) : rnd.nextInt(256));
      }
      int from = b.length == 0 ? 0 : rnd.nextInt(b.length + 1);
      int n = b.length - from;
      String utf8 = new String(b, from, n, StandardCharsets.UTF_8);
      boolean isAscii = true;
      for (int i = from; i < from + n; i++) {
        isAscii &= b[i] >= 0;
      }
      long h = Wire.hashAscii(b, from, n);
      if (isAscii) {
        assertEquals(utf8.hashCode() & 0xFFFF_FFFFL, h);
        assertEquals(utf8, Wire.ascii(b, from, n));
      } else {
        assertEquals(-1, h);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /** A set from a random history: several replicas, removals, concurrent adds, odd elements. */
  private static ORSet<String> randomSet(SplittableRandom rnd, int run) {
    int size = run % 10 == 0 ? rnd.nextInt(500, 3000) : rnd.nextInt(0, 60);
    List<ORSet<String>> replicas = new ArrayList<>();
    for (int r = 0; r < 1 + rnd.nextInt(REPLICAS.length); r++) {
      List<String> adds = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        adds.add(element(rnd));
      }
      ORSet<String> s = ORSet.<String>empty().addAll(REPLICAS[r], adds);
      if (rnd.nextBoolean() && !adds.isEmpty()) {
        s = s.removeAll(adds.subList(0, rnd.nextInt(adds.size())));
        // later adds after removals: sparse counters
        s = s.addAll(REPLICAS[r], List.of(element(rnd), element(rnd)));
      }
      replicas.add(s);
    }
    ORSet<String> merged = ORSet.empty();
    for (ORSet<String> s : replicas) {
      merged = merged.merge(s);
    }
    return merged;
  }

  private static String element(SplittableRandom rnd) {
    int kind = rnd.nextInt(10);
    if (kind == 0) {
      return ODD.get(rnd.nextInt(ODD.size()));
    }
    if (kind == 1) {
      return "x" + rnd.nextInt(40); // repeats: concurrent adds of one element
    }
    return Long.toHexString(rnd.nextLong());
  }

  private byte[] writePlain(Object value, int initialBuffer) {
    Output out = new Output(initialBuffer, -1);
    plainKryo.writeClassAndObject(out, value);
    assertEquals(Output.class, out.getClass());
    return out.toBytes();
  }

  private byte[] writeGeneral(Object value) {
    Output out = new Output(16, -1) {};
    generalKryo.writeClassAndObject(out, value);
    return out.toBytes();
  }

  private byte[] writeStream(Object value, int buffer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Output out = new Output(bytes, buffer);
    plainKryo.writeClassAndObject(out, value);
    out.flush();
    return bytes.toByteArray();
  }

  private ORSet<?> readPlain(byte[] bytes) {
    Input in = new Input(bytes);
    ORSet<?> set = (ORSet<?>) plainKryo.readClassAndObject(in);
    assertEquals(bytes.length, in.position());
    return set;
  }

  private ORSet<?> readGeneral(byte[] bytes) {
    Input in = new Input(bytes) {};
    assertFalse(RegionCache.inPlace(in));
    ORSet<?> set = (ORSet<?>) generalKryo.readClassAndObject(in);
    assertEquals(bytes.length, in.position());
    return set;
  }

  private ORSet<?> readStream(byte[] bytes, int buffer) {
    Input in = new Input(new ByteArrayInputStream(bytes), buffer);
    return (ORSet<?>) plainKryo.readClassAndObject(in);
  }

  /** The set's elements in order, or the exception's class and message. */
  private static String outcome(Function<byte[], ORSet<?>> read, byte[] bytes) {
    try {
      ORSet<?> s = read.apply(bytes);
      return "set " + new ArrayList<>(s.elements()) + " " + s.context();
    } catch (KryoException | AssertionError e) {
      return "exception " + e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (RuntimeException e) {
      fail("not a KryoException", e);
      return null;
    }
  }

  /**
   * The counters of the first dot group of an ORSet encoded alone with {@code n} elements of
   * single-byte lengths, decoded from the wire by hand.
   */
  private static List<Long> countersOfFirstGroup(byte[] bytes, int n) {
    Input in = new Input(bytes);
    in.readVarInt(true); // class id
    in.readVarInt(true); // version
    in.readVarInt(true); // flags
    int ids = in.readVarInt(true);
    for (int i = 0; i < ids; i++) {
      in.readVarInt(true);
      in.skip(in.readVarInt(true));
    }
    int entries = in.readVarInt(true);
    for (int i = 0; i < entries; i++) {
      in.readVarInt(true);
      in.readVarLong(true);
    }
    assertEquals(0, in.readVarInt(true)); // no cloud
    assertEquals(Wire.STRING, in.readVarInt(true));
    assertEquals(2, in.readVarInt(true)); // groups
    assertEquals(0, in.readVarInt(true)); // replica a
    assertEquals(n, in.readVarInt(true));
    List<Long> counters = new ArrayList<>();
    long c = 0;
    for (int i = 0; i < n; i++) {
      c += in.readVarLong(true);
      counters.add(c);
      in.skip(in.readVarInt(true));
    }
    return counters;
  }

  private static int indexOf(byte[] bytes, byte[] p) {
    outer:
    for (int i = 0; i + p.length <= bytes.length; i++) {
      for (int k = 0; k < p.length; k++) {
        if (bytes[i + k] != p[k]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError(new String(p, StandardCharsets.UTF_8) + " not in the encoding");
  }
}
