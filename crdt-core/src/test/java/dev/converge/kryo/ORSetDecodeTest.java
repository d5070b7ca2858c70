package dev.converge.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import dev.converge.ReplicaId;
import dev.converge.causal.Dot;
import dev.converge.set.ORSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The ORSet decoder's bulk path: it builds the same sets as the validating factory, and rejects
 * hostile encodings (an element twice, a dot reused, a dot outside the context) by name.
 */
final class ORSetDecodeTest {

  private static final ReplicaId A = ReplicaId.of("a");
  private static final ReplicaId B = ReplicaId.of("b");
  private static final ReplicaId C = ReplicaId.of("c");

  private final Kryo kryo = Fixtures.kryo(Settings.DEFAULT);

  @Test
  void decode_randomHistoriesWithCollidingHashes_sameAsValidatingFactory() {
    // "Aa" and "BB" share a hash code, so these strings form large runs of equal hashes.
    List<String> pool = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      StringBuilder s = new StringBuilder();
      for (int b = 0; b < 6; b++) {
        s.append((i >> b & 1) == 0 ? "Aa" : "BB");
      }
      pool.add(s.toString());
      pool.add("e" + i);
    }
    SplittableRandom rnd = new SplittableRandom(42);
    ReplicaId[] replicas = {A, B, C};
    for (int run = 0; run < 200; run++) {
      List<ORSet<String>> states = new ArrayList<>(List.of(ORSet.empty(), ORSet.empty(), ORSet.empty()));
      int ops = rnd.nextInt(1, 120);
      for (int op = 0; op < ops; op++) {
        int r = rnd.nextInt(3);
        ORSet<String> s = states.get(r);
        int kind = rnd.nextInt(10);
        if (kind < 6) {
          s = s.add(replicas[r], pool.get(rnd.nextInt(pool.size())));
        } else if (kind < 8) {
          s = s.remove(pool.get(rnd.nextInt(pool.size())));
        } else {
          s = s.merge(states.get(rnd.nextInt(3)));
        }
        states.set(r, s);
      }
      for (ORSet<String> s : states) {
        byte[] bytes = Fixtures.write(kryo, s);
        @SuppressWarnings("unchecked")
        ORSet<String> decoded = (ORSet<String>) Fixtures.read(kryo, bytes);
        Map<String, List<Dot>> dots = new LinkedHashMap<>();
        for (String e : s.elements()) {
          dots.put(e, s.dots(e));
        }
        ORSet<String> viaFactory = ORSet.of(s.context(), dots);
        assertEquals(viaFactory, decoded);
        assertEquals(s, decoded);
        assertEquals(new ArrayList<>(viaFactory.elements()), new ArrayList<>(decoded.elements()));
        for (String e : s.elements()) {
          assertEquals(s.dots(e), decoded.dots(e), e);
        }
        assertArrayEquals(bytes, Fixtures.write(kryo, decoded));
        decoded.validate();
      }
    }
  }

  @Test
  void decode_largeSets_sameAsValidatingFactory() {
    // Large enough for the radix sort of the hashes, with negative and colliding hashes.
    SplittableRandom rnd = new SplittableRandom(7);
    for (int size : new int[] {511, 512, 3000, 20000}) {
      List<Object> elements = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        int kind = rnd.nextInt(4);
        elements.add(kind == 0 ? (Object) rnd.nextLong() : kind == 1 ? "s" + rnd.nextInt()
            : kind == 2 ? (Object) (rnd.nextInt(64) << 24) : "AaBB".repeat(rnd.nextInt(1, 4)) + (i % 7 == 0 ? "BB" : "Aa"));
      }
      ORSet<Object> a = ORSet.empty().addAll(A, elements);
      ORSet<Object> b = ORSet.empty().addAll(B, elements.subList(0, size / 10));
      ORSet<Object> s = a.merge(b).removeAll(elements.subList(size / 2, size / 2 + size / 20));
      byte[] bytes = Fixtures.write(kryo, s);
      @SuppressWarnings("unchecked")
      ORSet<Object> decoded = (ORSet<Object>) Fixtures.read(kryo, bytes);
      Map<Object, List<Dot>> dots = new LinkedHashMap<>();
      for (Object e : s.elements()) {
        dots.put(e, s.dots(e));
      }
      ORSet<Object> viaFactory = ORSet.of(s.context(), dots);
      assertEquals(viaFactory, decoded);
      assertEquals(new ArrayList<>(viaFactory.elements()), new ArrayList<>(decoded.elements()));
      assertEquals(new ArrayList<>(s.elements()), new ArrayList<>(decoded.elements()));
      assertArrayEquals(bytes, Fixtures.write(kryo, decoded));
      decoded.validate();
    }
  }

  @Test
  void decode_elementTwice_rejectedNamingIt() {
    ORSet<String> set = ORSet.<String>empty().add(A, "elemAAAA").add(A, "elemBBBB");
    byte[] bytes = replace(Fixtures.write(kryo, set), "elemBBBB", "elemAAAA");
    ConvergeKryoException e = assertThrows(ConvergeKryoException.class, () -> Fixtures.read(kryo, bytes));
    assertTrue(e.getMessage().contains("element 'elemAAAA' appears twice"), e.getMessage());
  }

  @Test
  void decode_elementTwiceWithSeveralDots_rejectedNamingIt() {
    ORSet<String> x = ORSet.<String>empty().add(A, "elemAAAA").add(A, "elemBBBB");
    ORSet<String> set = x.merge(ORSet.<String>empty().add(B, "elemAAAA").add(B, "elemBBBB"));
    byte[] bytes = replace(Fixtures.write(kryo, set), "elemBBBB", "elemAAAA");
    ConvergeKryoException e = assertThrows(ConvergeKryoException.class, () -> Fixtures.read(kryo, bytes));
    assertTrue(e.getMessage().contains("element 'elemAAAA' appears twice"), e.getMessage());
  }

  @Test
  void decode_dotReused_rejectedNamingBothElements() {
    // x: a1; y: {a2, b1}. The second dot of y rewritten from a2 to a1.
    ORSet<String> set = ORSet.<String>empty().add(A, "elemXXXX").add(A, "elemYYYY")
        .merge(ORSet.<String>empty().add(B, "elemYYYY"));
    byte[] bytes = Fixtures.write(kryo, set);
    int y = indexOf(bytes, "elemYYYY");
    // multi section: count 1, dots 2, (0, 2), (1, 1), then the element
    assertArrayEquals(new byte[] {1, 2, 0, 2, 1, 1}, java.util.Arrays.copyOfRange(bytes, y - 7, y - 1));
    bytes[y - 4] = 1;
    ConvergeKryoException e = assertThrows(ConvergeKryoException.class, () -> Fixtures.read(kryo, bytes));
    assertTrue(e.getMessage().contains("dot a:1 tags both 'elemXXXX' and 'elemYYYY'")
        && e.getMessage().contains("reused a dot"), e.getMessage());
  }

  @Test
  void decode_dotReusedBetweenElementsWithSeveralDots_rejected() {
    ORSet<String> x = ORSet.<String>empty().add(A, "elemXXXX").add(A, "elemYYYY");
    ORSet<String> set = x.merge(ORSet.<String>empty().add(B, "elemXXXX").add(B, "elemYYYY"));
    byte[] bytes = Fixtures.write(kryo, set);
    int y = indexOf(bytes, "elemYYYY");
    // y's dots: (0, 2), (1, 2); rewritten to x's (0, 1), (1, 1)
    assertArrayEquals(new byte[] {2, 0, 2, 1, 2}, java.util.Arrays.copyOfRange(bytes, y - 6, y - 1));
    bytes[y - 4] = 1;
    bytes[y - 2] = 1;
    ConvergeKryoException e = assertThrows(ConvergeKryoException.class, () -> Fixtures.read(kryo, bytes));
    assertTrue(e.getMessage().contains("tags both 'elemXXXX' and 'elemYYYY'"), e.getMessage());
  }

  @Test
  void decode_dotOutsideContext_rejectedNamingIt() {
    ORSet<String> set = ORSet.<String>empty().add(A, "elemXXXX");
    byte[] bytes = Fixtures.write(kryo, set);
    int x = indexOf(bytes, "elemXXXX");
    assertEquals(1, bytes[x - 2]); // the counter delta of a:1
    bytes[x - 2] = 5;
    ConvergeKryoException e = assertThrows(ConvergeKryoException.class, () -> Fixtures.read(kryo, bytes));
    assertTrue(e.getMessage().contains("dot a:5 of 'elemXXXX' is not in the context"), e.getMessage());
  }

  /** The first index of the string's characters but the last (whose encoding may carry a flag). */
  private static int indexOf(byte[] bytes, String s) {
    byte[] p = s.substring(0, s.length() - 1).getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + p.length < bytes.length; i++) {
      for (int k = 0; k < p.length; k++) {
        if (bytes[i + k] != p[k]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError(s + " not in the encoding");
  }

  /** The bytes with the ASCII string {@code from} overwritten by {@code to} (same length). */
  private static byte[] replace(byte[] bytes, String from, String to) {
    byte[] out = bytes.clone();
    int at = indexOf(out, from);
    for (int k = 0; k < to.length(); k++) {
      out[at + k] = (byte) ((out[at + k] & 0x80) | to.charAt(k));
    }
    return out;
  }
}
