package dev.converge.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import dev.converge.ReplicaId;
import dev.converge.causal.Dot;
import dev.converge.causal.VersionVector;
import dev.converge.counter.GCounter;
import dev.converge.counter.PNCounter;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
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
}
