package dev.converge.kryo;

import com.esotericsoftware.kryo.io.Output;
import dev.converge.ReplicaId;
import java.util.Arrays;

/**
 * The encodings of replica tables a serializer wrote recently, by their ids: the same cluster's
 * table is front-coded once and then copied. Ids are compared by reference (they are canonical
 * instances, and the cache holds them, so an equal id is the same instance); a table of other
 * instances is merely a miss. Tables not found are written from the cached bytes of their single
 * ids ({@link EncodedIds}).
 *
 * <p>Bounded: {@value #ENTRIES} entries of at most {@value #MAX_IDS} ids and
 * {@value RegionCache#MAX_BYTES} bytes, replaced in turn. Entries are immutable, so a serializer
 * shared across threads by mistake gets misses, never wrong bytes.
 */
final class EncodedTables {

  static final int ENTRIES = 8;
  static final int MAX_IDS = 256;

  private static final class Entry {
    final ReplicaId[] ids;
    final byte[] bytes;

    Entry(ReplicaId[] ids, byte[] bytes) {
      this.ids = ids;
      this.bytes = bytes;
    }
  }

  private final Entry[] entries = new Entry[ENTRIES];
  /** The first id of each entry's table, slot for slot: scanned without loading the entries. */
  private final ReplicaId[] firsts = new ReplicaId[ENTRIES];
  private int next;
  /** The bytes of single ids, for tables not found here. */
  private final EncodedIds ids = new EncodedIds();

  /**
   * Writes the table {@code sorted} as {@link Wire#writeIds} does, from the cache when it holds it.
   * The cache keeps {@code sorted} itself: callers pass arrays nobody writes to again (a vector's
   * own array, a sealed {@link Wire.Table}, a {@link Wire#union}).
   */
  void write(Output out, ReplicaId[] sorted) {
    byte[] known = lookup(sorted);
    if (known != null) {
      out.writeBytes(known);
      return;
    }
    int start = out.position();
    ids.writeIds(out, sorted);
    int end = out.position();
    if (out.getClass() == Output.class && out.getOutputStream() == null && sorted.length <= MAX_IDS
        && end - start <= RegionCache.MAX_BYTES) {
      int slot = next;
      entries[slot] = new Entry(sorted, Arrays.copyOfRange(out.getBuffer(), start, end));
      firsts[slot] = sorted.length == 0 ? null : sorted[0];
      next = (slot + 1) % ENTRIES;
    }
  }

  /** Writes one id as {@link Wire#writeString} writes its string, from the cache of single ids. */
  void writeId(Output out, ReplicaId id) {
    ids.writeId(out, id);
  }

  private byte[] lookup(ReplicaId[] ids) {
    ReplicaId first = ids.length == 0 ? null : ids[0];
    for (int k = 0; k < ENTRIES; k++) {
      if (firsts[k] == first) { // a filter: the entry itself decides
        Entry e = entries[k];
        if (e == null) {
          return null;
        }
        if (same(e.ids, ids)) {
          return e.bytes;
        }
      }
    }
    return null;
  }

  private static boolean same(ReplicaId[] a, ReplicaId[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }
}
