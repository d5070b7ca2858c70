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
 * turn. One cache belongs to one serializer, which belongs to one Kryo instance (used by one thread
 * at a time). It stays correct even if a serializer is shared across threads by mistake: entries
 * are immutable and read once, so a race costs a miss, never a wrong result.
 *
 * @param <T> the decoded result; callers must never mutate it (it may be returned again)
 */
final class RegionCache<T> {

  static final int ENTRIES = 8;
  static final int MAX_BYTES = 2048;

  private static final class Entry<T> {
    final byte[] bytes;
    /** The last eight bytes as a little-endian long (entries shorter than eight bytes: unused). */
    final long tail;
    final T value;

    Entry(byte[] bytes, T value) {
      this.bytes = bytes;
      this.tail = bytes.length >= 8 ? (long) LONGS.get(bytes, bytes.length - 8) : 0;
      this.value = value;
    }
  }

  /** Reads eight bytes of a byte array as one long. */
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  @SuppressWarnings("unchecked")
  private final Entry<T>[] entries = (Entry<T>[]) new Entry<?>[ENTRIES];
  private int next;

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
    for (Entry<T> e : entries) {
      if (e == null) {
        return null;
      }
      byte[] b = e.bytes;
      int n = b.length;
      // the last eight bytes (else the middle and last byte) first: entries for other tables or
      // ids mostly differ there (ids such as host-07:2552 differ near their end)
      if (n <= available
          && (n >= 8 ? (long) LONGS.get(buffer, at + n - 8) == e.tail
              : buffer[at + (n >>> 1)] == b[n >>> 1] && buffer[at + n - 1] == b[n - 1])
          && Arrays.equals(buffer, at, at + n, b, 0, n)) {
        in.setPosition(at + n);
        return e.value;
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
    entries[slot] = new Entry<>(Arrays.copyOfRange(in.getBuffer(), start, end), value);
    next = (slot + 1) % ENTRIES;
  }
}
