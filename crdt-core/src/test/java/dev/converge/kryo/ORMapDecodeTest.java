package dev.converge.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.Lattice;
import dev.converge.ReplicaId;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.causal.VersionVector;
import dev.converge.counter.GCounter;
import dev.converge.counter.PNCounter;
import dev.converge.internal.Trusted;
import dev.converge.map.ORMap;
import dev.converge.set.ORSet;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The ORMap decoder's one-pass path: it builds the same maps as the validating factory
 * {@link ORMap#of} (same keys in the same order, same values under the same dots), whatever the
 * value type (leaf counters read directly, other lattices through Kryo), from memory or from a
 * stream, with Kryo's references on or off; and it rejects hostile encodings (a key twice, a dot
 * reused within a key or across keys, a dot outside the context, a value of another class, a key
 * without values) by name.
 */
final class ORMapDecodeTest {

  private static final ReplicaId A = ReplicaId.of("a");
  private static final ReplicaId B = ReplicaId.of("b");
  private static final ReplicaId C = ReplicaId.of("c");
  private static final ReplicaId[] REPLICAS = {A, B, C};

  private final Kryo kryo = Fixtures.kryo(Settings.DEFAULT);
  /** Writes nested values with reference markers, so its reader must go through Kryo for them. */
  private final Kryo withReferences = referencesOn();

  private static Kryo referencesOn() {
    Kryo k = Fixtures.kryo(Settings.DEFAULT);
    k.setReferences(true);
    return k;
  }

  /** How a random operation changes a value. */
  private interface Update<V> {
    V apply(SplittableRandom rnd, ReplicaId replica, V value);
  }

  // ================================================================== same as the factory

  @Test
  void decode_randomHistoriesOfCounters_sameAsValidatingFactory() {
    randomHistories(PNCounter.empty(), (rnd, r, q) -> rnd.nextBoolean()
        ? q.increment(r, rnd.nextInt(1, 1000)) : q.decrement(r, rnd.nextInt(1, 100_000)), 42, false);
  }

  @Test
  void decode_randomHistoriesOfGrowOnlyCountersWithMixedKeys_sameAsValidatingFactory() {
    randomHistories(GCounter.empty(), (rnd, r, q) -> q.increment(r, rnd.nextLong(1, 1L << 50)), 43, true);
  }

  @Test
  void decode_randomHistoriesOfSets_sameAsValidatingFactory() {
    // ORSet values are not leaves: they go through kryo.readObject
    randomHistories(ORSet.<String>empty(), (rnd, r, s) -> rnd.nextInt(4) == 0
        ? s.remove("e" + rnd.nextInt(6)) : s.add(r, "e" + rnd.nextInt(6)), 44, false);
  }

  private <V extends Lattice<V>> void randomHistories(V zero, Update<V> update, long seed, boolean mixedKeys) {
    List<Object> pool = keyPool(mixedKeys);
    SplittableRandom rnd = new SplittableRandom(seed);
    int checked = 0;
    for (int run = 0; run < 150; run++) {
      List<ORMap<Object, V>> states = new ArrayList<>();
      for (int r = 0; r < REPLICAS.length; r++) {
        states.add(ORMap.empty(zero));
      }
      int ops = rnd.nextInt(1, 150);
      for (int op = 0; op < ops; op++) {
        int r = rnd.nextInt(REPLICAS.length);
        ORMap<Object, V> m = states.get(r);
        int kind = rnd.nextInt(10);
        if (kind < 6) {
          ReplicaId replica = REPLICAS[r];
          m = m.update(replica, pool.get(rnd.nextInt(pool.size())), v -> update.apply(rnd, replica, v));
        } else if (kind < 7) {
          m = m.remove(pool.get(rnd.nextInt(pool.size())));
        } else {
          m = m.merge(states.get(rnd.nextInt(REPLICAS.length)));
        }
        states.set(r, m);
      }
      for (ORMap<Object, V> m : states) {
        assertSameAsFactory(m);
        checked++;
      }
    }
    assertEquals(450, checked);
  }

  /** Short strings with colliding hash codes ("Aa" and "BB" share one), others, and Longs when mixed. */
  private static List<Object> keyPool(boolean mixed) {
    List<Object> pool = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      StringBuilder s = new StringBuilder();
      for (int b = 0; b < 4; b++) {
        s.append((i >> b & 1) == 0 ? "Aa" : "BB");
      }
      pool.add(s.toString());
      pool.add("k" + i);
      if (mixed) {
        pool.add((long) i << 32); // Long.hashCode collides with small ints' keys
      }
    }
    return pool;
  }

  @Test
  void decode_largeMaps_sameAsValidatingFactory() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int size : new int[] {1, 100, 511, 512, 3000}) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        keys.add(i % 5 == 0 ? "AaBB".repeat(1 + i % 3) + i : "key-" + rnd.nextLong());
      }
      ORMap<String, PNCounter> a = ORMap.empty(PNCounter.empty());
      for (String k : keys) {
        a = a.update(A, k, q -> q.increment(A, 1 + rnd.nextInt(50)));
      }
      ORMap<String, PNCounter> b = a;
      for (int i = 0; i < size; i += 10) {
        b = b.update(B, keys.get(i), q -> q.decrement(B, 3)); // from A's value: a two-replica counter
      }
      ORMap<String, PNCounter> c = ORMap.empty(PNCounter.empty());
      for (int i = 0; i < size; i += 7) {
        c = c.update(C, keys.get(i), q -> q.increment(C, 2));
      }
      ORMap<String, PNCounter> m = a.merge(b).merge(c);
      for (int i = size / 2; i < size / 2 + size / 20; i++) {
        m = m.remove(keys.get(i));
      }
      assertSameAsFactory(m);
    }
  }

  @Test
  void decode_valueCountedByAnotherReplicaThanItsDot_sameAsValidatingFactory() {
    // The decoder expects a counter written under a dot of a to count a's events only; here it
    // counts b's: the expectation fails and the table is read as usual.
    CausalContext ctx = CausalContext.of(VersionVector.of(Map.of(A, 2L, B, 1L)));
    Map<String, Map<Dot, PNCounter>> entries = new LinkedHashMap<>();
    entries.put("x", Map.of(new Dot(A, 1), PNCounter.empty().increment(B, 5)));
    entries.put("y", Map.of(new Dot(A, 2), PNCounter.empty().increment(A, 7), new Dot(B, 1),
        PNCounter.empty().increment(A, 1).increment(B, 2).decrement(C, 1)));
    assertSameAsFactory(ORMap.of(PNCounter.empty(), ctx, entries));
  }

  /**
   * Decodes {@code m} from memory and from a stream, with references off and on, and checks each
   * against {@link ORMap#of} over {@code m}'s parts.
   */
  private <K, V extends Lattice<V>> void assertSameAsFactory(ORMap<K, V> m) {
    Map<K, Map<Dot, V>> parts = new LinkedHashMap<>();
    for (K k : m.keySet()) {
      parts.put(k, m.valuesByDot(k));
    }
    ORMap<K, V> viaFactory = ORMap.of(m.zero(), m.context(), parts);
    for (Kryo k : List.of(kryo, withReferences)) {
      byte[] bytes = Fixtures.write(k, m);
      Object fromMemory = Fixtures.read(k, bytes);
      Object fromStream = k.readClassAndObject(new Input(new ByteArrayInputStream(bytes), 7));
      for (Object decoded : List.of(fromMemory, fromStream)) {
        @SuppressWarnings("unchecked")
        ORMap<K, V> d = (ORMap<K, V>) decoded;
        assertEquals(viaFactory, d);
        assertEquals(m, d);
        assertEquals(viaFactory.hashCode(), d.hashCode());
        assertEquals(new ArrayList<>(viaFactory.keySet()), new ArrayList<>(d.keySet()));
        for (K key : m.keySet()) {
          assertEquals(new ArrayList<>(viaFactory.valuesByDot(key).entrySet()),
              new ArrayList<>(d.valuesByDot(key).entrySet()), () -> "values of " + key);
        }
        assertEquals(viaFactory.toString(), d.toString());
        assertArrayEquals(bytes, Fixtures.write(k, d));
      }
    }
  }

  @Test
  void decode_everyByteOfAMapChanged_sameOutcomeAsWithoutTheLeafShortcuts() {
    // A reader whose limit on string bytes (3) is below the length of the one-replica tables'
    // encodings (4) reads every value through kryo's generic path: the oracle.
    Kryo generic = Fixtures.kryo(new Settings(1 << 24, 3, 64, false, 1024, Settings.FASTEST));
    ORMap<String, PNCounter> m = ORMap.<String, PNCounter>empty(PNCounter.empty())
        .update(A, "x", q -> q.increment(A, 300).decrement(A, 1))
        .update(A, "y", q -> q.increment(A, 1L << 21));
    m = m.merge(ORMap.<String, PNCounter>empty(PNCounter.empty()).update(B, "x", q -> q.decrement(B, 2)))
        .update(C, "z", q -> q.increment(C, 1));
    byte[] valid = Fixtures.write(kryo, m);
    assertEquals(m, Fixtures.read(generic, valid));
    int[] replacements = {0, 1, 2, 3, 0x7F, 0x80, 0x81, 0xFF};
    int decoded = 0;
    for (int at = 0; at < valid.length; at++) {
      for (int delta : new int[] {-1, 1}) {
        decoded += sameOutcome(kryo, generic, changed(valid, at, valid[at] + delta));
      }
      for (int r : replacements) {
        decoded += sameOutcome(kryo, generic, changed(valid, at, r));
      }
    }
    assertTrue(decoded > valid.length, "changes that still decode: " + decoded);
  }

  private static byte[] changed(byte[] bytes, int at, int value) {
    byte[] out = bytes.clone();
    out[at] = (byte) value;
    return out;
  }

  /** Both readers reject the bytes, or both decode equal maps with keys in the same order: 1 then. */
  private static int sameOutcome(Kryo kryo, Kryo generic, byte[] bytes) {
    Object a = readOrException(kryo, bytes);
    Object b = readOrException(generic, bytes);
    String where = Fixtures.hex(bytes);
    if (a == null || b == null || a instanceof Exception || b instanceof Exception) {
      // a changed class id may read Kryo's null
      assertEquals(b == null, a == null, where);
      assertEquals(b instanceof Exception, a instanceof Exception, () -> where + ": " + a + " vs " + b);
      return 0;
    }
    assertEquals(b, a, where);
    assertEquals(b.toString(), a.toString(), where);
    if (a instanceof ORMap) {
      for (Object k : ((ORMap<?, ?>) a).keySet()) {
        assertEquals(new ArrayList<>(((ORMap<?, ?>) b).valuesByDot(k).entrySet()),
            new ArrayList<>(((ORMap<?, ?>) a).valuesByDot(k).entrySet()), where);
      }
    }
    return 1;
  }

  private static Object readOrException(Kryo k, byte[] bytes) {
    try {
      return Fixtures.read(k, bytes);
    } catch (KryoException e) {
      return e;
    }
  }

  @Test
  void decode_valuesDeeperThanTheLimit_rejectedAsWithoutTheLeafShortcuts() {
    Kryo shallow = Fixtures.kryo(new Settings(1 << 24, 1 << 28, 1, false, 1024, Settings.FASTEST));
    ORMap<String, PNCounter> m = ORMap.<String, PNCounter>empty(PNCounter.empty()).update(A, "x", q -> q.increment(A, 1));
    byte[] bytes = Fixtures.write(shallow, m);
    ConvergeKryoException e = assertThrows(ConvergeKryoException.class, () -> Fixtures.read(shallow, bytes));
    assertTrue(e.getMessage().contains("PNCounter nested deeper than 1 levels"), e.getMessage());
  }

  // ================================================================== orders an encoder never writes

  @Test
  void decode_dotsOfAKeyDescending_sortedAsTheFactorySortsThem() {
    // key x with b:1 before a:1 (an encoder writes a:1 first)
    byte[] bytes = new Hand(2, 1).keys(1).key("x", 2).value(1, 1, count(B, 2)).value(0, 1, count(A, 3)).bytes();
    Map<String, Map<Dot, PNCounter>> entries = Map.of("x", Map.of(new Dot(A, 1), count(A, 3), new Dot(B, 1), count(B, 2)));
    assertDecodesTo(bytes, entries, 2, 1);
  }

  @Test
  void decode_keysNotInFirstDotOrder_sameAsValidatingFactory() {
    byte[] bytes = new Hand(3, 1).keys(3)
        .key("x", 1).value(0, 3, count(A, 1))
        .key("y", 1).value(0, 1, count(A, 1))
        .key("z", 2).value(0, 2, count(A, 1)).value(1, 1, count(B, 1)).bytes();
    Map<String, Map<Dot, PNCounter>> entries = Map.of(
        "x", Map.of(new Dot(A, 3), count(A, 1)),
        "y", Map.of(new Dot(A, 1), count(A, 1)),
        "z", Map.of(new Dot(A, 2), count(A, 1), new Dot(B, 1), count(B, 1)));
    assertDecodesTo(bytes, entries, 3, 1);
  }

  @Test
  void decode_countersOfAtLeastTwoToTheForty_sameAsValidatingFactory() {
    long big = 1L << 41;
    byte[] bytes = new Hand(big + 1, 2).keys(2)
        .key("x", 2).value(0, big, count(A, 1)).value(1, 2, count(B, 1))
        .key("y", 1).value(0, big + 1, count(A, 2)).bytes();
    Map<String, Map<Dot, PNCounter>> entries = Map.of(
        "x", Map.of(new Dot(A, big), count(A, 1), new Dot(B, 2), count(B, 1)),
        "y", Map.of(new Dot(A, big + 1), count(A, 2)));
    assertDecodesTo(bytes, entries, big + 1, 2);
  }

  private void assertDecodesTo(byte[] bytes, Map<String, Map<Dot, PNCounter>> entries, long a, long b) {
    ORMap<String, PNCounter> expected = ORMap.of(PNCounter.empty(), context(a, b), entries);
    Object decoded = Fixtures.read(kryo, bytes);
    assertEquals(expected, decoded);
    assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(((ORMap<?, ?>) decoded).keySet()));
    for (String k : entries.keySet()) {
      assertEquals(new ArrayList<>(expected.valuesByDot(k).entrySet()),
          new ArrayList<>(((ORMap<?, ?>) decoded).valuesByDot(k).entrySet()));
    }
  }

  // ================================================================== hostile edits

  @Test
  void decode_keyTwice_rejectedNamingIt() {
    ORMap<String, PNCounter> m = ORMap.<String, PNCounter>empty(PNCounter.empty())
        .update(A, "keyAAAA", q -> q.increment(A, 1)).update(A, "keyBBBB", q -> q.increment(A, 1));
    byte[] bytes = Fixtures.write(kryo, m);
    int at = indexOf(bytes, "keyBBBB");
    for (int i = 0; i < 4; i++) {
      bytes[at + 3 + i] = 'A';
    }
    assertRejected(bytes, "key 'keyAAAA' appears twice");
  }

  @Test
  void decode_dotTwiceInOneKey_rejectedNamingTheKey() {
    byte[] bytes = new Hand(2, 0).keys(1).key("x", 2).value(0, 1, count(A, 1)).value(0, 1, count(A, 2)).bytes();
    assertRejected(bytes, "dot a:1 tags two values (key 'x'): replica a reused a dot");
  }

  @Test
  void decode_firstDotsRepeated_rejectedNamingBothKeys() {
    // first dots ascending but equal
    byte[] bytes = new Hand(2, 0).keys(2).key("x", 1).value(0, 1, count(A, 1)).key("y", 1).value(0, 1, count(A, 1)).bytes();
    assertRejected(bytes, "dot a:1 tags two values (keys 'x' and 'y'): replica a reused a dot");
  }

  @Test
  void decode_firstDotsOutOfOrderAndRepeated_rejectedNamingBothKeys() {
    byte[] bytes = new Hand(3, 0).keys(3)
        .key("x", 1).value(0, 2, count(A, 1))
        .key("y", 1).value(0, 1, count(A, 1))
        .key("z", 1).value(0, 2, count(A, 1)).bytes();
    assertRejected(bytes, "dot a:2 tags two values (keys 'x' and 'z'): replica a reused a dot");
  }

  @Test
  void decode_laterDotsRepeated_rejectedNamingBothKeys() {
    byte[] bytes = new Hand(2, 1).keys(2)
        .key("x", 2).value(0, 1, count(A, 1)).value(1, 1, count(B, 1))
        .key("y", 2).value(0, 2, count(A, 1)).value(1, 1, count(B, 1)).bytes();
    assertRejected(bytes, "dot b:1 tags two values (keys 'x' and 'y'): replica b reused a dot");
  }

  @Test
  void decode_laterDotRepeatsAFirstDot_rejectedNamingBothKeys() {
    byte[] bytes = new Hand(2, 1).keys(2)
        .key("x", 2).value(0, 1, count(A, 1)).value(0, 2, count(A, 1))
        .key("y", 1).value(0, 2, count(A, 1)).bytes();
    assertRejected(bytes, "dot a:2 tags two values (keys 'x' and 'y'): replica a reused a dot");
  }

  @Test
  void decode_largeCounterRepeated_rejectedNamingBothKeys() {
    long big = 1L << 45;
    byte[] bytes = new Hand(big, 0).keys(2)
        .key("x", 1).value(0, big, count(A, 1))
        .key("y", 1).value(0, big, count(A, 1)).bytes();
    assertRejected(bytes, "dot a:" + big + " tags two values (keys 'x' and 'y'): replica a reused a dot");
  }

  @Test
  void decode_dotOutsideTheVector_rejectedNamingIt() {
    byte[] bytes = new Hand(1, 0).keys(1).key("x", 1).value(0, 2, count(A, 1)).bytes();
    assertRejected(bytes, "dot a:2 of key 'x' is not in the context");
  }

  @Test
  void decode_dotsAgainstTheCloud_onlyCloudDotsAccepted() {
    // context {a=1} plus cloud {b:5}: b:5 is in it, b:4 is not
    byte[] valid = new Hand(1, 0).cloud(1, 5).keys(1).key("x", 1).value(1, 5, count(B, 1)).bytes();
    ORMap<?, ?> m = (ORMap<?, ?>) Fixtures.read(kryo, valid);
    assertEquals(Map.of(new Dot(B, 5), count(B, 1)), m.valuesByDot("x"));
    byte[] outside = new Hand(1, 0).cloud(1, 5).keys(1).key("x", 1).value(1, 4, count(B, 1)).bytes();
    assertRejected(outside, "dot b:4 of key 'x' is not in the context");
  }

  @Test
  void decode_valueOfAnotherClass_rejectedNamingBoth() {
    byte[] bytes = new Hand(1, 0, GCounter.class).keys(1).key("x", 1).value(0, 1, GCounter.empty().increment(A, 1)).bytes();
    assertRejected(bytes, "a value of dev.converge.counter.GCounter in a map of dev.converge.counter.PNCounter");
  }

  @Test
  void decode_keyWithoutValues_rejectedNamingIt() {
    byte[] bytes = new Hand(1, 0).keys(2).key("x", 1).value(0, 1, count(A, 1)).key("y", 0).bytes();
    assertRejected(bytes, "key 'y' has no values");
  }

  @Test
  void trustedAccess_setByAnotherClass_refused() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Trusted.setMaps((z, es, c) -> null));
    assertTrue(e.getMessage().contains("only ORMap sets its trusted access"), e.getMessage());
  }

  private void assertRejected(byte[] bytes, String message) {
    ConvergeKryoException e = assertThrows(ConvergeKryoException.class, () -> Fixtures.read(kryo, bytes));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue(e.getMessage().contains("input position"), e.getMessage());
  }

  // ================================================================== hand-written encodings

  private static PNCounter count(ReplicaId r, long n) {
    return PNCounter.empty().increment(r, n);
  }

  private static CausalContext context(long a, long b) {
    Map<ReplicaId, Long> v = new LinkedHashMap<>();
    if (a > 0) {
      v.put(A, a);
    }
    if (b > 0) {
      v.put(B, b);
    }
    return CausalContext.of(VersionVector.of(v));
  }

  /**
   * An ORMap of PNCounters with String keys as ConvergeKryo lays it out, written step by step:
   * replica table {a, b}, the context's vector (a, b) and cloud, the zero value, the codecs, then
   * the keys and their values in any order the test chooses.
   */
  private final class Hand {
    private final Output out = new Output(256, -1);
    private final Class<?> valueClass;
    private boolean contextDone;

    Hand(long a, long b) {
      this(a, b, PNCounter.class);
    }

    Hand(long a, long b, Class<?> valueClass) {
      this.valueClass = valueClass;
      out.writeBytes(Fixtures.classPrefix(ORMap.class));
      out.writeVarInt(1, true); // version
      out.writeVarInt(0, true); // flags
      Wire.writeIds(out, new ReplicaId[] {A, B});
      out.writeVarInt((a > 0 ? 1 : 0) + (b > 0 ? 1 : 0), true);
      if (a > 0) {
        out.writeVarInt(0, true);
        out.writeVarLong(a, true);
      }
      if (b > 0) {
        out.writeVarInt(1, true);
        out.writeVarLong(b, true);
      }
    }

    /** The context's cloud: one dot of the replica at {@code replica} in the table. */
    Hand cloud(int replica, long counter) {
      out.writeVarInt(1, true); // groups
      out.writeVarInt(replica, true);
      out.writeVarInt(1, true);
      out.writeVarLong(counter, true);
      contextDone = true;
      return this;
    }

    Hand keys(int n) {
      if (!contextDone) {
        out.writeVarInt(0, true); // no cloud
      }
      Wire.writeTyped(kryo, out, PNCounter.empty(), "zero");
      Wire.writeCodec(kryo, out, Wire.STRING, null, "keys");
      out.writeVarInt(Wire.ONE_CLASS, true);
      Wire.writeClass(kryo, out, valueClass, "values");
      out.writeVarInt(n, true);
      return this;
    }

    Hand key(String k, int values) {
      Wire.writeString(out, k);
      out.writeVarInt(values, true);
      return this;
    }

    Hand value(int replica, long counter, Object value) {
      out.writeVarInt(replica, true);
      out.writeVarLong(counter, true);
      kryo.writeObject(out, value);
      return this;
    }

    byte[] bytes() {
      return out.toBytes();
    }
  }

  /** The first index of the ASCII string in the bytes. */
  private static int indexOf(byte[] bytes, String s) {
    outer:
    for (int i = 0; i + s.length() <= bytes.length; i++) {
      for (int k = 0; k < s.length(); k++) {
        if (bytes[i + k] != s.charAt(k)) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError(s + " not in the encoding");
  }
}
