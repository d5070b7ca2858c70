package dev.converge.kryo;

import com.esotericsoftware.kryo.io.Output;
import dev.converge.ReplicaId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The UTF-8 bytes of replica ids a serializer wrote recently, by id instance: tables differ from
 * value to value, but their ids repeat, so a new table is front-coded from bytes encoded once.
 * {@link #writeIds} writes exactly the bytes of {@link Wire#writeIds}.
 *
 * <p>Bounded: {@value #SLOTS} ids of at most {@value #MAX_BYTES} UTF-8 bytes (longer ids are
 * encoded each time), in a table allocated on first use, found by identity hash code and compared
 * by reference; an insert into a full window of {@value #PROBES} slots replaces one of them in turn.
 * The ids are held strongly, so at most that many stay out of {@link ReplicaId}'s weak pool's
 * reach. Entries are immutable, so a serializer shared across threads by mistake gets misses, never
 * wrong bytes.
 */
final class EncodedIds {

  static final int SLOTS = 1024;
  static final int MAX_BYTES = 128;
  static final int PROBES = 4;
  private static final int SLOT_BITS = 10;

  /** An id, its UTF-8 bytes, and whether they are ASCII (one byte per character). */
  private static final class Entry {
    final ReplicaId id;
    final byte[] utf8;
    final boolean ascii;

    Entry(ReplicaId id, byte[] utf8) {
      this.id = id;
      this.utf8 = utf8;
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
    // a plain Output's buffer is its capacity: written in place where the id fits
    boolean plain = out.getClass() == Output.class;
    Entry previous = null;
    for (ReplicaId id : sorted) {
      Entry e = entry(id);
      if (e.ascii && (previous == null || previous.ascii)) {
        byte[] b = e.utf8;
        int p = 0;
        if (previous != null) {
          int m = Arrays.mismatch(previous.utf8, b);
          p = m < 0 ? b.length : m;
        }
        int rest = b.length - p;
        byte[] buffer = out.getBuffer();
        int at = out.position();
        if (plain && p < 0x80 && rest < 0x80 && buffer.length - at >= rest + 2) {
          buffer[at] = (byte) p; // one-byte varints
          buffer[at + 1] = (byte) rest;
          System.arraycopy(b, p, buffer, at + 2, rest);
          out.setPosition(at + 2 + rest);
        } else {
          out.writeVarInt(p, true);
          out.writeVarInt(rest, true);
          out.writeBytes(b, p, rest);
        }
      } else {
        Wire.writeId(out, previous == null ? "" : previous.id.id(), id.id());
      }
      previous = e;
    }
  }

  /**
   * Writes one id as {@link Wire#writeString} writes its string: UTF-8 byte length, then the
   * bytes, copied from the cache.
   */
  void writeId(Output out, ReplicaId id) {
    byte[] b = entry(id).utf8;
    int n = b.length;
    byte[] buffer = out.getBuffer();
    int at = out.position();
    if (out.getClass() == Output.class && n < 0x80 && buffer.length - at > n) {
      buffer[at] = (byte) n; // a one-byte varint
      System.arraycopy(b, 0, buffer, at + 1, n);
      out.setPosition(at + 1 + n);
    } else {
      out.writeVarInt(n, true);
      out.writeBytes(b);
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
    Entry e = new Entry(id, id.id().getBytes(StandardCharsets.UTF_8));
    if (e.utf8.length <= MAX_BYTES) {
      table[i] = e;
    }
    return e;
  }
}
