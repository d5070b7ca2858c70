package dev.converge.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.ReplicaId;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link DotMap}'s bucket sort of (hash, index) pairs gives {@code Arrays.sort}'s order, for
 * random hashes and for hashes chosen to crowd into few buckets (the large-bucket path), and
 * {@link DotMap#ofDistinct} with precomputed hashes builds the map it builds without them.
 */
final class DotMapSortTest {

  @Test
  void sortPacked_anyHashes_sameOrderAsArraysSort() {
    SplittableRandom rnd = new SplittableRandom(21);
    for (int run = 0; run < 400; run++) {
      int n = run % 20 == 0 ? rnd.nextInt(5000, 70_000) : rnd.nextInt(0, 3000);
      // top bits shared by all, by a few or by none; low bits from a small or a full range
      int mask = new int[] {-1, 0xFFFF, 0xFF, 0x7, 0}[rnd.nextInt(5)];
      int top = rnd.nextInt();
      long[] packed = new long[n];
      for (int i = 0; i < n; i++) {
        int h = rnd.nextInt(4) == 0 ? top : (top & ~mask) | (rnd.nextInt() & mask);
        packed[i] = (long) h << 32 | i;
      }
      long[] expected = packed.clone();
      Arrays.sort(expected);
      assertArrayEquals(expected, Arrays.copyOf(DotMap.sortPacked(packed, n), n), "run " + run + ", n " + n);
    }
  }

  @Test
  void ofDistinct_givenHashes_sameMapAsComputedHashes() {
    SplittableRandom rnd = new SplittableRandom(22);
    ReplicaId[] table = {ReplicaId.of("a"), ReplicaId.of("b")};
    for (int run = 0; run < 50; run++) {
      int n = rnd.nextInt(1, 2000);
      Object[] keys = new Object[n];
      long[] hashed = new long[n + 5]; // longer than n: the rest is ignored
      int[] replica = new int[n];
      long[] counter = new long[n];
      for (int i = 0; i < n; i++) {
        // "Aa" and "BB" collide: runs of equal hashes
        keys[i] = rnd.nextBoolean() ? "k" + i : ("Aa".repeat(i % 5) + "BB".repeat(5 - i % 5) + "#" + i / 5);
        hashed[i] = (long) keys[i].hashCode() << 32 | i;
        replica[i] = i % 2;
        counter[i] = i + 1;
      }
      DotMap computed = DotMap.ofDistinct(keys, n, table, replica, counter, null, "key");
      hashed[n] = Long.MIN_VALUE;
      DotMap given = DotMap.ofDistinct(keys, hashed, n, table, replica, counter, null, "key");
      assertEquals(computed, given);
      for (int i = 0; i < n; i++) {
        assertEquals(computed.key(i), given.key(i));
        assertEquals(computed.slot(i), given.slot(i));
      }
      assertTrue(given.isSorted());
    }
  }

  @Test
  void ofDistinct_equalKeysWithEqualHashes_rejected() {
    Object[] keys = {"x", "AaBB", "y", "BBAa", "AaBB"};
    long[] hashed = new long[5];
    for (int i = 0; i < 5; i++) {
      hashed[i] = (long) keys[i].hashCode() << 32 | i;
    }
    ReplicaId[] table = {ReplicaId.of("a")};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DotMap.ofDistinct(keys, hashed, 5, table, new int[5], new long[] {1, 2, 3, 4, 5}, null, "element"));
    assertTrue(e.getMessage().contains("element 'AaBB' appears twice"), e.getMessage());
  }
}
