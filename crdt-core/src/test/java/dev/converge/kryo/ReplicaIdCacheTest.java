package dev.converge.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.ReplicaId;
import dev.converge.causal.VersionVector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The caches of single replica ids ({@link DecodedIds}, {@link EncodedIds}) against the plain
 * table reader and writer of {@link Wire}: random tables over a pool of ids (ASCII with long shared
 * prefixes, accented, CJK, supplementary characters, longer than the cache's entries, and ids whose
 * bytes hold {@code '?'} and U+FFFD), and hostile mutations of their encodings, decoded by one long-lived cache
 * and by the plain reader, give the same ids (the same instances), the same final position, or the
 * same exception with the same message.
 */
final class ReplicaIdCacheTest {

  private static final List<String> POOL = pool();

  private static List<String> pool() {
    List<String> p = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      p.add(String.format("pekko://bench@host-%02d:2552", i));
    }
    for (int i = 0; i < 6; i++) {
      p.add("pekko://bench@host-" + i);
      p.add("pekko://bench@hôst-" + i + ":2552");
      p.add("東京-" + i);
      p.add("東京-" + i + "x");
      p.add("x\uFFFD" + i);
      p.add("x\uD834\uDD1E" + i); // a supplementary character: sorts before U+FFFD in UTF-16
      p.add("x\uD834\uDD1F");
      p.add("naïve-" + i);
      p.add("n" + "a".repeat(150) + i); // longer than the caches' entries
      p.add("a".repeat(120 + i));
    }
    for (int k = 1; k <= 20; k++) {
      // rests of every length from 1 to 20 bytes after one long shared prefix, up to the cache's limit
      p.add("pekko://bench@host-" + "x".repeat(k));
      p.add("pekko://bench@host-" + "y".repeat(k) + ":2552");
      p.add("b".repeat(108 + k));
    }
    p.add("a");
    p.add("b");
    p.add("ab");
    p.add("?");
    p.add("?a");
    p.add("Ω");
    return p;
  }

  private static ReplicaId[] randomTable(SplittableRandom r) {
    TreeSet<ReplicaId> ids = new TreeSet<>();
    int n = r.nextInt(30);
    for (int i = 0; i < n; i++) {
      ids.add(ReplicaId.of(POOL.get(r.nextInt(POOL.size()))));
    }
    return ids.toArray(new ReplicaId[0]);
  }

  private static byte[] plainEncoding(ReplicaId[] ids) {
    Output out = new Output(64, -1);
    Wire.writeIds(out, ids);
    return out.toBytes();
  }

  /** Ids or an exception's class and message, and the input's position after decoding. */
  private record Outcome(List<ReplicaId> ids, String failure, int position) {}

  private static Outcome plain(byte[] bytes, Settings settings) {
    return plain(new Input(bytes), settings);
  }

  private static Outcome plain(Input in, Settings settings) {
    try {
      return new Outcome(List.of(Wire.readIds(in, settings)), null, in.position());
    } catch (KryoException e) {
      return new Outcome(null, e.getClass().getName() + ": " + e.getMessage(), -1);
    }
  }

  private static Outcome cached(DecodedIds cache, byte[] bytes, Settings settings) {
    return cached(cache, new Input(bytes), settings);
  }

  private static Outcome cached(DecodedIds cache, Input in, Settings settings) {
    try {
      return new Outcome(List.of(cache.read(in, settings)), null, in.position());
    } catch (KryoException e) {
      return new Outcome(null, e.getClass().getName() + ": " + e.getMessage(), -1);
    }
  }

  private static void assertSameOutcome(Outcome expected, Outcome actual, String what) {
    assertEquals(expected.failure(), actual.failure(), what);
    assertEquals(expected.position(), actual.position(), what);
    if (expected.ids() != null) {
      assertEquals(expected.ids().size(), actual.ids().size(), what);
      for (int i = 0; i < expected.ids().size(); i++) {
        assertSame(expected.ids().get(i), actual.ids().get(i), what);
      }
    }
  }

  @Test
  void encode_randomTables_writesThePlainBytes() {
    SplittableRandom r = new SplittableRandom(7);
    EncodedIds cache = new EncodedIds();
    for (int k = 0; k < 3000; k++) {
      ReplicaId[] ids = randomTable(r);
      Output out = new Output(64, -1);
      cache.writeIds(out, ids);
      assertArrayEquals(plainEncoding(ids), out.toBytes(), Arrays.toString(ids));
    }
  }

  @Test
  void encode_singleIds_writesThePlainStringBytes() {
    SplittableRandom r = new SplittableRandom(11);
    EncodedIds cache = new EncodedIds();
    for (int k = 0; k < 3000; k++) {
      ReplicaId id = ReplicaId.of(POOL.get(r.nextInt(POOL.size())));
      // a buffer that is nearly full, or must grow, or is too small for the fast path's varint
      int capacity = 1 + r.nextInt(200);
      Output out = new Output(capacity, -1);
      int prefix = r.nextInt(capacity);
      for (int i = 0; i < prefix; i++) {
        out.writeByte(i);
      }
      cache.writeId(out, id);
      Output plain = new Output(64, -1);
      for (int i = 0; i < prefix; i++) {
        plain.writeByte(i);
      }
      Wire.writeString(plain, id.id());
      assertArrayEquals(plain.toBytes(), out.toBytes(), id.id());
    }
  }

  @Test
  void encode_idWithUnpairedSurrogate_refusedByTheCacheAndThePlainWriter() {
    // UTF-8 cannot hold a lone surrogate (Java writes '?'): the id would come back as another id
    for (String bad : List.of("\uD834a", "x\uD834", "\uDD1E", "pekko://h\uDD1E:2552")) {
      ReplicaId id = ReplicaId.of(bad);
      ReplicaId[] table = {ReplicaId.of("!first"), id};
      Arrays.sort(table);
      String plain = assertThrows(ConvergeKryoException.class, () -> plainEncoding(table)).getMessage();
      assertTrue(plain.contains("unpaired UTF-16 surrogate"), plain);
      EncodedIds cache = new EncodedIds();
      assertEquals(plain, assertThrows(ConvergeKryoException.class,
          () -> cache.writeIds(new Output(64, -1), table)).getMessage(), bad);
      String single = assertThrows(ConvergeKryoException.class, () -> cache.writeId(new Output(64, -1), id)).getMessage();
      assertTrue(single.contains("unpaired UTF-16 surrogate"), single);
    }
  }

  @Test
  void decode_randomTables_equalsThePlainReader() {
    SplittableRandom r = new SplittableRandom(11);
    DecodedIds cache = new DecodedIds();
    int hits = 0;
    for (int k = 0; k < 3000; k++) {
      ReplicaId[] ids = randomTable(r);
      byte[] bytes = plainEncoding(ids);
      Outcome expected = plain(bytes, Settings.DEFAULT);
      Outcome actual = cached(cache, bytes, Settings.DEFAULT);
      assertSameOutcome(expected, actual, Arrays.toString(ids));
      hits += expected.failure() == null ? 1 : 0;
    }
    assertTrue(hits > 2000, "most tables decode: " + hits);
  }

  @Test
  void decode_mutatedTables_equalsThePlainReader() {
    SplittableRandom r = new SplittableRandom(13);
    DecodedIds cache = new DecodedIds();
    Settings tight = Settings.DEFAULT.withMaxElements(20);
    int failures = 0;
    for (int k = 0; k < 20_000; k++) {
      byte[] bytes = plainEncoding(randomTable(r));
      byte[] bad = mutate(bytes, r);
      Settings settings = r.nextInt(4) == 0 ? tight : Settings.DEFAULT;
      Outcome expected = plain(bad, settings);
      Outcome actual = cached(cache, bad, settings);
      assertSameOutcome(expected, actual, Fixtures.hex(bad));
      failures += expected.failure() != null ? 1 : 0;
    }
    assertTrue(failures > 5000, "most mutations fail: " + failures);
  }

  @Test
  void decode_tablesInsideLargerBuffers_equalsThePlainReader() {
    // the decoder reads eight bytes at a time: the bytes around the table, before its start and
    // after its limit, must never change what it decodes
    SplittableRandom r = new SplittableRandom(17);
    DecodedIds cache = new DecodedIds();
    int decoded = 0;
    for (int k = 0; k < 20_000; k++) {
      byte[] bytes = plainEncoding(randomTable(r));
      if (r.nextBoolean()) {
        bytes = mutate(bytes, r);
      }
      int before = r.nextInt(12);
      int after = r.nextInt(12);
      byte[] buffer = new byte[before + bytes.length + after];
      for (int i = 0; i < buffer.length; i++) {
        buffer[i] = (byte) r.nextInt(256);
      }
      System.arraycopy(bytes, 0, buffer, before, bytes.length);
      Outcome expected = plain(new Input(buffer, before, bytes.length), Settings.DEFAULT);
      Outcome actual = cached(cache, new Input(buffer, before, bytes.length), Settings.DEFAULT);
      assertSameOutcome(expected, actual, Fixtures.hex(buffer) + " from " + before + ", " + bytes.length + " bytes");
      decoded += expected.failure() == null ? 1 : 0;
    }
    assertTrue(decoded > 5000, "many tables decode: " + decoded);
  }

  private static byte[] mutate(byte[] bytes, SplittableRandom r) {
    byte[] b = bytes.clone();
    if (b.length == 0) {
      return b;
    }
    switch (r.nextInt(6)) {
      case 0:
        return Arrays.copyOf(b, r.nextInt(b.length));
      case 1:
        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        return b;
      case 2:
        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        return b;
      case 3: {
        int i = r.nextInt(b.length);
        b[i] = (byte) (b[i] + (r.nextBoolean() ? 1 : -1));
        return b;
      }
      case 4: {
        // a byte that looks like an ASCII suffix character or a UTF-8 lead, anywhere
        byte[] choices = {'?', 'a', 0, (byte) 0xC3, (byte) 0xED, (byte) 0xF0, (byte) 0x80, 0x7F};
        b[r.nextInt(b.length)] = choices[r.nextInt(choices.length)];
        return b;
      }
      default: {
        int i = r.nextInt(b.length);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, i);
        out[i] = (byte) r.nextInt(256);
        System.arraycopy(b, i, out, i + 1, b.length - i);
        return out;
      }
    }
  }

  @Test
  void decode_prefixSplittingASurrogatePair_refusedByTheCacheAndThePlainReader() {
    // "𝄞" then, sharing 1 character (half of the pair), "\uE000a": the id "\uD834\uE000a" would
    // hold a lone surrogate, which no writer produces (it could not be written back: UTF-8 has no
    // lone surrogates, and its bytes "?", E000's, "a" are those of the id "?\uE000a" too).
    Output out = new Output(64, -1);
    out.writeVarInt(2, true);
    out.writeVarInt(0, true);
    Wire.writeString(out, "\uD834\uDD1E");
    out.writeVarInt(1, true);
    Wire.writeString(out, "\uE000a");
    byte[] split = out.toBytes();
    DecodedIds cache = new DecodedIds();
    for (int round = 0; round < 2; round++) {
      String cached = assertThrows(ConvergeKryoException.class, () -> cache.read(new Input(split), Settings.DEFAULT))
          .getMessage();
      String plain = assertThrows(ConvergeKryoException.class, () -> Wire.readIds(new Input(split), Settings.DEFAULT))
          .getMessage();
      assertEquals(plain, cached);
      assertTrue(plain.contains("replica id 1 shares half of a surrogate pair with the previous id"), plain);
    }
    // the id whose bytes those would have been still decodes, through the cache too
    ReplicaId[] table = {ReplicaId.of("?\uE000"), ReplicaId.of("?\uE000a")};
    for (int round = 0; round < 2; round++) {
      assertArrayEquals(table, cache.read(new Input(plainEncoding(table)), Settings.DEFAULT));
    }
  }


  @Test
  void decode_tablesOverOneCluster_giveTheCanonicalIds() {
    SplittableRandom r = new SplittableRandom(3);
    DecodedIds cache = new DecodedIds();
    for (int k = 0; k < 100; k++) {
      Map<ReplicaId, Long> entries = new HashMap<>();
      for (int i = 0; i < 16; i++) {
        entries.put(ReplicaId.of(String.format("pekko://bench@host-%03d:2552", r.nextInt(128))), 1L);
      }
      ReplicaId[] ids = Wire.VECTORS.replicas(VersionVector.of(entries));
      ReplicaId[] back = cache.read(new Input(plainEncoding(ids)), Settings.DEFAULT);
      for (int i = 0; i < ids.length; i++) {
        assertSame(ids[i], back[i]);
      }
    }
  }
}
