package dev.converge.kryo;

import com.esotericsoftware.kryo.io.Output;
import dev.converge.ReplicaId;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The UTF-8 bytes of replica ids a serializer wrote recently, by id instance: tables differ from
 * value to value, but their ids repeat, so a new table is front-coded from bytes encoded once.
 * {@link #writeIds} writes exactly the bytes of {@link Wire#writeIds}. The bytes are kept followed
 * by eight zero bytes, so the prefix two ids share is found a word at a time.
 *
 * <p>Bounded: {@value #SLOTS} ids of at most {@value #MAX_BYTES} UTF-8 bytes (longer ids are
 * encoded each time), in a table allocated on first use, found by identity hash code and compared
 * by reference; an insert into a full window of {@value #PROBES} slots replaces one of them in
 * turn. The ids are held strongly, so at most that many stay out of {@link ReplicaId}'s weak pool's
 * reach. Entries are immutable, so a serializer shared across threads by mistake gets misses, never
 * wrong bytes.
 */
final class EncodedIds {

  static final int SLOTS = 1024;
  static final int MAX_BYTES = 128;
  static final int PROBES = 4;
  private static final int SLOT_BITS = 10;
  /** Little-endian words of a byte array. */
  private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** An id, its UTF-8 bytes followed by eight zero bytes, and whether they are ASCII (one byte per character). */
  private static final class Entry {
    final ReplicaId id;
    final byte[] utf8;
    final int length;
    final boolean ascii;

    Entry(ReplicaId id, byte[] utf8) {
      this.id = id;
      this.utf8 = Arrays.copyOf(utf8, utf8.length + 8);
      this.length = utf8.length;
      this.ascii = ascii(id.id());
    }
  }

  /** Whether every character is ASCII (a string with a lone surrogate encodes as many bytes, but is not). */
  static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private Entry[] entries;
  private int victim;

  /**
   * Writes {@code sorted} as {@link Wire#writeIds} does. Where an id and the previous one are both
   * ASCII, the shared prefix in characters is the shared prefix of their bytes, and the rest is a
   * copy of the cached bytes; elsewhere the id is written by the same code as there.
   */
  void writeIds(Output out, ReplicaId[] sorted) {
    out.writeVarInt(sorted.length, true);
    // a plain Output's buffer is its capacity: written in place where the id fits, the position
    // kept here and stored once
    boolean plain = out.getClass() == Output.class;
    byte[] buffer = out.getBuffer();
    int at = out.position();
    Entry previous = null;
    for (ReplicaId id : sorted) {
      Entry e = entry(id);
      if (e.ascii && (previous == null || previous.ascii)) {
        byte[] b = e.utf8;
        int n = e.length;
        int p = previous == null ? 0 : shared(previous.utf8, b, Math.min(previous.length, n));
        int rest = n - p;
        if (plain && p < 0x80 && rest < 0x80 && buffer.length - at >= rest + 2) {
          buffer[at] = (byte) p; // one-byte varints
          buffer[at + 1] = (byte) rest;
          System.arraycopy(b, p, buffer, at + 2, rest);
          at += 2 + rest;
        } else {
          out.setPosition(at);
          out.writeVarInt(p, true);
          out.writeVarInt(rest, true);
          out.writeBytes(b, p, rest);
          buffer = out.getBuffer(); // it may have grown
          at = out.position();
        }
      } else {
        out.setPosition(at);
        Wire.writeId(out, previous == null ? "" : previous.id.id(), id.id());
        buffer = out.getBuffer();
        at = out.position();
      }
      previous = e;
    }
    out.setPosition(at);
  }

  /** How many of the first {@code max} bytes two padded keys share. */
  private static int shared(byte[] a, byte[] b, int max) {
    for (int k = 0; k < max; k += 8) {
      long x = (long) WORDS.get(a, k) ^ (long) WORDS.get(b, k);
      if (x != 0) {
        return Math.min(max, k + (Long.numberOfTrailingZeros(x) >>> 3));
      }
    }
    return max;
  }

  /**
   * Writes one id as {@link Wire#writeString} writes its string: UTF-8 byte length, then the
   * bytes, copied from the cache.
   */
  void writeId(Output out, ReplicaId id) {
    Entry e = entry(id);
    byte[] b = e.utf8;
    int n = e.length;
    byte[] buffer = out.getBuffer();
    int at = out.position();
    if (out.getClass() == Output.class && n < 0x80 && buffer.length - at > n) {
      buffer[at] = (byte) n; // a one-byte varint
      System.arraycopy(b, 0, buffer, at + 1, n);
      out.setPosition(at + 1 + n);
    } else {
      out.writeVarInt(n, true);
      out.writeBytes(b, 0, n);
    }
  }

  private Entry entry(ReplicaId id) {
    Entry[] table = entries;
    if (table == null) {
      table = entries = new Entry[SLOTS];
    }
    // the identity hash is in the id's header: no load of its string
    int slot = (System.identityHashCode(id) * 0x9E3779B9) >>> (32 - SLOT_BITS);
    for (int k = 0; k < PROBES; k++) {
      int i = (slot + k) & (SLOTS - 1);
      Entry e = table[i];
      if (e == null) {
        return insert(table, i, id);
      }
      if (e.id == id) {
        return e;
      }
    }
    int v = victim;
    victim = v + 1;
    return insert(table, (slot + (v & (PROBES - 1))) & (SLOTS - 1), id);
  }

  private static Entry insert(Entry[] table, int i, ReplicaId id) {
    Wire.checkWellFormed(id.id());
    Entry e = new Entry(id, id.id().getBytes(StandardCharsets.UTF_8));
    if (e.length <= MAX_BYTES) {
      table[i] = e;
    }
    return e;
  }
}
