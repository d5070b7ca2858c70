package dev.converge.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.ReplicaId;
import dev.converge.causal.Dot;
import dev.converge.causal.VersionVector;
import dev.converge.counter.GCounter;
import dev.converge.counter.PNCounter;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Serializers reuse replica tables and ids decoded from the same bytes: one Kryo instance decodes
 * values whose tables repeat, differ by one byte, or are cut short, and always gets what a fresh
 * instance gets.
 */
final class RegionCacheTest {

  private static final String PREFIX = "pekko://bench@host-";

  private static ReplicaId r(int i) {
    return ReplicaId.of(PREFIX + (i < 10 ? "0" : "") + i + ":2552");
  }

  private static VersionVector vector(int from, int to, long base) {
    Map<ReplicaId, Long> m = new HashMap<>();
    for (int i = from; i < to; i++) {
      m.put(r(i), base + i);
    }
    return VersionVector.of(m);
  }

  private static Object readFresh(byte[] bytes) {
    return RoundTripTest.read(Fixtures.kryo(Settings.DEFAULT), bytes);
  }

  @Test
  void decode_repeatedAndNeighbouringTables_equalsAFreshDecoder() {
    Kryo kryo = Fixtures.kryo(Settings.DEFAULT);
    Object[] values = {
      vector(0, 16, 1), vector(0, 16, 1000), vector(0, 15, 7), vector(1, 16, 7), vector(0, 17, 3),
      GCounter.of(vector(0, 16, 5)), GCounter.of(vector(0, 64, 9)),
      PNCounter.empty().increment(r(0), 3).decrement(r(1), 2), PNCounter.empty().increment(r(1), 3).decrement(r(0), 2),
      PNCounter.empty().increment(r(0), 3).increment(r(2), 1).decrement(r(1), 2),
      new Dot(r(3), 4), new Dot(r(4), 4), r(3), r(30),
    };
    for (int round = 0; round < 3; round++) {
      for (Object v : values) {
        byte[] bytes = Fixtures.write(kryo, v);
        Object back = RoundTripTest.read(kryo, bytes);
        assertEquals(v, back);
        assertEquals(readFresh(bytes), back);
        assertEquals(v.hashCode(), back.hashCode());
      }
    }
  }

  @Test
  void decode_sameTableTwice_sharesTheReplicaArray() {
    Kryo kryo = Fixtures.kryo(Settings.DEFAULT);
    VersionVector a = (VersionVector) RoundTripTest.read(kryo, Fixtures.write(kryo, vector(0, 16, 1)));
    VersionVector b = (VersionVector) RoundTripTest.read(kryo, Fixtures.write(kryo, vector(0, 16, 50)));
    for (int i = 0; i < a.size(); i++) {
      assertSame(a.replicaAt(i), b.replicaAt(i));
    }
    assertEquals(vector(0, 16, 50), a.merge(b));
  }

  @Test
  void decode_cachedTableThenBadCounter_isRejected() {
    Kryo kryo = Fixtures.kryo(Settings.DEFAULT);
    byte[] good = Fixtures.write(kryo, vector(0, 4, 1));
    RoundTripTest.read(kryo, good);
    byte[] bad = good.clone();
    bad[bad.length - 1] = 0; // the last counter becomes 0
    KryoException e = assertThrows(KryoException.class, () -> RoundTripTest.read(kryo, bad));
    assertTrue(e.getMessage().contains(">= 1"), e.getMessage());
    byte[] cut = Arrays.copyOf(good, good.length - 3);
    assertThrows(KryoException.class, () -> RoundTripTest.read(kryo, cut));
  }

  @Test
  void decode_cachedTableFromAStream_equalsTheValue() {
    Kryo kryo = Fixtures.kryo(Settings.DEFAULT);
    VersionVector v = vector(0, 16, 1);
    byte[] bytes = Fixtures.write(kryo, v);
    RoundTripTest.read(kryo, bytes);
    for (int size : new int[] {1, 7, 64, 4096}) {
      Input in = new Input(new ByteArrayInputStream(bytes), size);
      assertEquals(v, kryo.readClassAndObject(in));
    }
  }

  /** A vector over replicas 0.. with these counters (each at least 1). */
  private static VersionVector vectorOf(long[] counters) {
    Map<ReplicaId, Long> m = new HashMap<>();
    for (int i = 0; i < counters.length; i++) {
      m.put(r(i), counters[i]);
    }
    return VersionVector.of(m);
  }

  /** Counters of every varint length (1 to 9 bytes) and at the edges between them. */
  private static long[] counters(SplittableRandom r, int n) {
    long[] c = new long[n];
    for (int i = 0; i < n; i++) {
      int bits = 1 + r.nextInt(63);
      long v = r.nextLong() >>> (64 - bits);
      switch (r.nextInt(4)) {
        case 0:
          v = (1L << (7 * (1 + r.nextInt(9)) % 63)) - 1; // the largest of a length
          break;
        case 1:
          v = 1L << (7 * (1 + r.nextInt(8))); // the smallest of the next length
          break;
        default:
          break;
      }
      c[i] = Math.max(1, v);
    }
    return c;
  }

  private static byte[] kryoCounters(VersionVector v) {
    Output out = new Output(16, -1);
    for (int i = 0; i < v.size(); i++) {
      out.writeVarLong(v.counterAt(i), true);
    }
    return out.toBytes();
  }

  /** The counters as the plain reader reads them, or its exception's class and message. */
  private static String plainCounters(byte[] bytes, int n) {
    Input in = new Input(bytes);
    try {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < n; i++) {
        b.append(Wire.readCounter(in, r(i))).append(' ');
      }
      return b.append("@").append(in.position()).toString();
    } catch (KryoException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  private static String fastCounters(byte[] bytes, int n) {
    Input in = new Input(bytes);
    ReplicaId[] ids = new ReplicaId[n];
    for (int i = 0; i < n; i++) {
      ids[i] = r(i);
    }
    try {
      StringBuilder b = new StringBuilder();
      for (long c : Wire.readCounters(in, ids)) {
        b.append(c).append(' ');
      }
      return b.append("@").append(in.position()).toString();
    } catch (KryoException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  @Test
  void counters_everyVarintLength_areKryosVarLongs() {
    SplittableRandom r = new SplittableRandom(5);
    for (int k = 0; k < 2000; k++) {
      long[] c = counters(r, 1 + r.nextInt(40));
      c[r.nextInt(c.length)] = r.nextBoolean() ? Long.MAX_VALUE : 1;
      VersionVector v = vectorOf(c);
      byte[] expected = kryoCounters(v);
      // room for all in place, or a buffer that must grow (written the plain way)
      for (int capacity : new int[] {1024, 1 + r.nextInt(16)}) {
        Output out = new Output(capacity, -1);
        Wire.writeCounters(out, v);
        assertArrayEquals(expected, out.toBytes());
      }
      assertEquals(plainCounters(expected, v.size()), fastCounters(expected, v.size()));
    }
  }

  @Test
  void counters_mutated_failAsThePlainReader() {
    SplittableRandom r = new SplittableRandom(9);
    int failures = 0;
    for (int k = 0; k < 20_000; k++) {
      long[] c = counters(r, 1 + r.nextInt(12));
      byte[] bytes = kryoCounters(vectorOf(c));
      switch (r.nextInt(4)) {
        case 0:
          bytes = Arrays.copyOf(bytes, r.nextInt(bytes.length));
          break;
        case 1:
          bytes[r.nextInt(bytes.length)] ^= (byte) (1 << r.nextInt(8));
          break;
        case 2:
          bytes[r.nextInt(bytes.length)] = r.nextBoolean() ? 0 : (byte) 0x80;
          break;
        default:
          bytes[r.nextInt(bytes.length)] = (byte) r.nextInt(256);
          break;
      }
      String expected = plainCounters(bytes, c.length);
      assertEquals(expected, fastCounters(bytes, c.length), Fixtures.hex(bytes));
      failures += expected.contains("Exception") ? 1 : 0;
    }
    assertTrue(failures > 2000, "many mutations fail: " + failures);
  }
}
