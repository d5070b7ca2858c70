package dev.converge.kryo;

import com.esotericsoftware.kryo.io.Input;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * What a serializer decoded recently, by the exact bytes it decoded it from: replica tables and
 * replica ids, which repeat from value to value (the same cluster writes them all). The encodings
 * cached are self-delimiting and their decoding depends on nothing but their bytes and the
 * serializer's settings, so an input that starts with the bytes of an entry decodes, byte for byte
 * and check for check, to that entry's result: a hit skips the bytes and returns it. Only results
 * that passed every check are remembered.
 *
 * <p>Bounded: {@value #ENTRIES} entries of at most {@value #MAX_BYTES} bytes each, replaced in
 * turn; each entry's length and its middle and last eight bytes are kept apart too, so a lookup
 * scans them before it reads an entry. One cache belongs to one serializer, which belongs to one
 * Kryo instance (used by one thread at a time). It stays correct even if a serializer is shared
 * across threads by mistake: entries are immutable and read once, and the words scanned first are
 * only a filter (the entry's own bytes decide), so a race costs a miss, never a wrong result.
 *
 * @param <T> the decoded result; callers must never mutate it (it may be returned again)
 */
final class RegionCache<T> {

  static final int ENTRIES = 8;
  static final int MAX_BYTES = 2048;

  private static final class Entry<T> {
    final byte[] bytes;
    final T value;

    Entry(byte[] bytes, T value) {
      this.bytes = bytes;
      this.value = value;
    }
  }

  @SuppressWarnings("unchecked")
  private final Entry<T>[] entries = (Entry<T>[]) new Entry<?>[ENTRIES];
  /**
   * A filter, slot for slot, scanned without loading the entries: each entry's length (0 for an
   * empty slot) and, for entries of at least 8 bytes, their middle and last eight bytes.
   */
  private final int[] lengths = new int[ENTRIES];
  private final long[] middles = new long[ENTRIES];
  private final long[] lasts = new long[ENTRIES];
  private int next;

  /** Little-endian words of a byte array. */
  private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static long word(byte[] b, int at) {
    return (long) WORDS.get(b, at);
  }

  /** Whether this input's bytes can be compared in place (a plain byte-array input). */
  static boolean inPlace(Input in) {
    return in.getClass() == Input.class;
  }

  /**
   * The result cached for the bytes at the input's position, skipping them; {@code null} (and the
   * position unchanged) when no entry matches.
   */
  T lookup(Input in) {
    if (!inPlace(in)) {
      return null;
    }
    byte[] buffer = in.getBuffer();
    int at = in.position();
    int available = in.limit() - at;
    for (int k = 0; k < ENTRIES; k++) {
      int n = lengths[k];
      if (n == 0) {
        return null; // slots fill in order
      }
      // the middle and last words first: entries for other tables or ids mostly differ there
      if (n <= available && (n < 8 || (word(buffer, at + (n >>> 1) - 4) == middles[k]
          && word(buffer, at + n - 8) == lasts[k]))) {
        Entry<T> e = entries[k]; // the filter is a hint: the entry decides
        if (e == null) {
          continue;
        }
        byte[] b = e.bytes;
        int m = b.length;
        if (m <= available && Arrays.equals(buffer, at, at + m, b, 0, m)) {
          in.setPosition(at + m);
          return e.value;
        }
      }
    }
    return null;
  }

  /**
   * Remembers {@code value}, decoded and validated from the bytes between {@code start} and the
   * input's position (only for in-memory input, where those bytes are still in the buffer).
   */
  void remember(Input in, int start, T value) {
    int end = in.position();
    if (!inPlace(in) || in.getInputStream() != null || end - start > MAX_BYTES || end <= start) {
      return;
    }
    int slot = next;
    byte[] bytes = Arrays.copyOfRange(in.getBuffer(), start, end);
    int n = bytes.length;
    entries[slot] = new Entry<>(bytes, value);
    if (n >= 8) {
      middles[slot] = word(bytes, (n >>> 1) - 4);
      lasts[slot] = word(bytes, n - 8);
    }
    lengths[slot] = n;
    next = (slot + 1) % ENTRIES;
  }
}
