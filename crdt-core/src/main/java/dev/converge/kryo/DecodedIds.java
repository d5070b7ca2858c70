package dev.converge.kryo;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.ReplicaId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes replica tables ({@link Wire#writeIds}) with what a serializer decoded recently: whole
 * tables by their exact bytes ({@link RegionCache}), and single replica ids by their full UTF-8
 * bytes. Tables differ from value to value, but their ids repeat (the same cluster writes them
 * all): a table seen for the first time still finds most of its ids here, without building a
 * string or looking the id up in {@link ReplicaId}'s pool.
 *
 * <p>How an id is found: the table is front-coded, each id a count of characters shared with the
 * previous id and the UTF-8 bytes of the rest. When the previous id's bytes are known and the rest
 * is ASCII, the id's full UTF-8 bytes are the previous id's first bytes followed by the rest, read
 * in place; they are hashed (incrementally: the hashes of every prefix of the previous id are kept)
 * and looked up in an open-addressing table of (bytes, id), compared byte for byte. Every check of
 * {@link Wire#readIds(Input, Settings)} is made in the same order with the same message, on the
 * bytes rather than on strings; a miss builds the string exactly as that method does, then caches
 * it. An id is cached under the UTF-8 encoding of its string, which is the only byte sequence that
 * decodes to it as an ASCII rest after a well-formed prefix, so a hit returns exactly the id a miss
 * would build. Ids whose rest is not ASCII, after a prefix that splits a surrogate pair, or from a
 * stream take the plain path.
 *
 * <p>Bounded: {@value #SLOTS} ids of at most {@value #MAX_KEY_BYTES} UTF-8 bytes (longer ids are
 * decoded, never cached), in a table allocated on first use; a lookup or insert probes at most
 * {@value #PROBES} slots, and an insert into a full window replaces one of them in turn, so
 * colliding hashes cost bounded time. The id strings are held strongly, so at most that many ids
 * stay out of {@link ReplicaId}'s weak pool's reach. Entries are immutable and every hit is
 * verified against the input and the previous entry's bytes, so a serializer shared across threads
 * by mistake (the prefix hashes are scratch) gets misses, never a wrong id.
 */
final class DecodedIds {

  static final int SLOTS = 1024;
  static final int MAX_KEY_BYTES = 128;
  /** The most characters, all ids together, of a table kept in the table cache. */
  static final int MAX_TABLE_CHARS = 8192;
  static final int PROBES = 8;
  private static final int SLOT_BITS = 10;
  private static final byte[] NO_BYTES = new byte[0];

  private static final class Entry {
    final byte[] key;
    final int hash;
    final ReplicaId id;

    Entry(byte[] key, int hash, ReplicaId id) {
      this.key = key;
      this.hash = hash;
      this.id = id;
    }
  }

  /**
   * A table of one replica id with its encoding: what a decoder expects the next table to be
   * ({@link #expect}).
   */
  static final class Expected {
    final byte[] bytes;
    final ReplicaId[] table;

    private Expected(byte[] bytes, ReplicaId[] table) {
      this.bytes = bytes;
      this.table = table;
    }

    /**
     * The table of {@code id} alone, with the bytes {@link Wire#writeIds} writes for it.
     *
     * @param id a replica id, as {@link Wire#readIds} returns them
     */
    static Expected of(ReplicaId id) {
      Output out = new Output(8 + 3 * id.id().length());
      Wire.writeIds(out, new ReplicaId[] {id});
      return new Expected(out.toBytes(), new ReplicaId[] {id});
    }

    /** Whether {@link Wire#readIds} accepts these bytes under {@code settings}. */
    boolean acceptedBy(Settings settings) {
      return bytes.length <= settings.maxBytes();
    }
  }

  /** Whole tables by their bytes. */
  private final RegionCache<ReplicaId[]> tables = new RegionCache<>();
  /** The table the next read is expected to find, or {@code null}. */
  private Expected expected;
  private Entry[] entries;
  /** Scratch: {@code prefixHashes[k]} is the hash of the first {@code k} bytes of the previous id. */
  private int[] prefixHashes;
  private int victim;

  /**
   * Reads a table written by {@link Wire#writeIds}; the result of {@link Wire#readIds(Input,
   * Settings)}. A table whose bytes were decoded recently is the same array: callers must never
   * write into it (vectors decoded with it share it).
   */
  ReplicaId[] read(Input in, Settings settings) {
    Expected x = expected;
    if (x != null && RegionCache.inPlace(in)) {
      byte[] b = x.bytes;
      int at = in.position();
      if (b.length <= in.limit() - at && Arrays.equals(in.getBuffer(), at, at + b.length, b, 0, b.length)) {
        in.setPosition(at + b.length);
        return x.table;
      }
    }
    ReplicaId[] known = tables.lookup(in);
    if (known != null) {
      return known;
    }
    int start = in.position();
    ReplicaId[] ids = RegionCache.inPlace(in) && in.getInputStream() == null
        ? readInPlace(in, settings) : Wire.readIds(in, settings);
    int chars = 0;
    for (ReplicaId id : ids) {
      chars += id.id().length();
    }
    // Front coding lets a short encoding stand for long ids: cache only tables that are small
    // decoded too, so the cache's memory is bounded by what it holds, not by what it read.
    if (chars <= MAX_TABLE_CHARS) {
      tables.remember(in, start, ids);
    }
    return ids;
  }

  /**
   * Tells the next reads which table they will probably find: one whose bytes are those of
   * {@code x} is {@code x}'s table, without a lookup. As with a cached table, the bytes decide, so
   * an expectation that does not come true costs one comparison, never a wrong table. It holds
   * until the next call.
   *
   * @param x the table expected, whose bytes {@link Wire#readIds} accepts under the settings of
   *     the reads ({@link Expected#acceptedBy}); {@code null} for none
   */
  void expect(Expected x) {
    expected = x;
  }

  private ReplicaId[] readInPlace(Input in, Settings settings) {
    Entry[] table = entries;
    int[] hashes = prefixHashes;
    if (table == null || hashes == null) {
      // prefixHashes first: a serializer shared across threads by mistake must not see the table
      // without it.
      hashes = prefixHashes = new int[MAX_KEY_BYTES + 1];
      table = entries = new Entry[SLOTS];
    }
    byte[] buf = in.getBuffer();
    int limit = in.limit();
    int start = in.position();
    int n = Wire.readCount(in, settings, 2, "replica id");
    // Grown as ids arrive, as Wire.readIds does.
    ReplicaId[] ids = new ReplicaId[Wire.capacity(n)];
    ReplicaId previous = null;
    int prevChars = 0;
    // The UTF-8 bytes of the previous id, whose prefix hashes are in hashes[0..min(length, MAX)];
    // null when its string is not well-formed UTF-16 (its bytes would not decode back to it).
    byte[] prevKey = NO_BYTES;
    long chars = 0;
    for (int i = 0; i < n; i++) {
      if (i == ids.length) {
        ids = Arrays.copyOf(ids, (int) Math.min(n, 2L * ids.length));
      }
      int at = in.position();
      int p = readVarInt(in, buf, limit);
      if (p < 0 || p > prevChars) {
        throw Wire.fail(in, at, "replica id " + i + " shares " + Integer.toUnsignedString(p)
            + " characters with the previous id of " + prevChars);
      }
      int lengthAt = in.position();
      int len = readVarInt(in, buf, limit);
      if (len < 0 || len > settings.maxBytes() || len > limit - in.position()) {
        throw Wire.fail(in, lengthAt, "string of " + Integer.toUnsignedString(len) + " bytes exceeds the input or the limit");
      }
      int from = in.position();
      int prefix = prevKey == null || len == 0 ? -1 : prefixBytes(prevKey, p, prevChars);
      boolean ascii = prefix >= 0 && prefix + len <= MAX_KEY_BYTES;
      int h = 0;
      if (ascii) {
        h = hashes[prefix];
        for (int j = 0; j < len; j++) {
          byte b = buf[from + j];
          if (b < 0) {
            ascii = false;
            break;
          }
          h = 31 * h + b;
          hashes[prefix + j + 1] = h;
        }
      }
      if (ascii) {
        // The id is previous's first p characters (prefix bytes) and len ASCII characters.
        in.setPosition(from + len);
        chars += p + len;
        if (chars > 256L * (from + len - start) + 4096) {
          throw Wire.fail(in, at, "replica ids expand to more than 256 characters per encoded byte");
        }
        if (i > 0 && !ascends(prevKey, prefix, buf, from, len)) {
          throw Wire.fail(in, at, "replica ids not strictly ascending: " + previous + " before "
              + previous.id().substring(0, p) + new String(buf, from, len, StandardCharsets.UTF_8));
        }
        Entry e = find(table, h, prevKey, prefix, buf, from, len);
        if (e == null) {
          String s = (previous == null ? "" : previous.id().substring(0, p))
              + new String(buf, from, len, StandardCharsets.UTF_8);
          byte[] key = new byte[prefix + len];
          System.arraycopy(prevKey, 0, key, 0, prefix);
          System.arraycopy(buf, from, key, prefix, len);
          e = new Entry(key, h, ReplicaId.of(s));
          insert(table, e);
        }
        ids[i] = e.id;
        previous = e.id;
        prevChars = p + len;
        prevKey = e.key;
      } else {
        // Wire.readIds, step for step.
        String before = previous == null ? "" : previous.id();
        String s = before.substring(0, p) + Wire.readStringBody(in, len);
        chars += s.length();
        if (chars > 256L * (in.position() - start) + 4096) {
          throw Wire.fail(in, at, "replica ids expand to more than 256 characters per encoded byte");
        }
        if (s.isEmpty()) {
          throw Wire.fail(in, at, "replica id " + i + " is empty");
        }
        if (i > 0 && before.compareTo(s) >= 0) {
          throw Wire.fail(in, at, "replica ids not strictly ascending: " + before + " before " + s);
        }
        ReplicaId id = ReplicaId.of(s);
        ids[i] = id;
        previous = id;
        prevChars = s.length();
        prevKey = remember(table, hashes, id);
      }
    }
    return ids.length == n ? ids : Arrays.copyOf(ids, n);
  }

  /** A varint as Kryo's {@code readVarInt(true)} reads it, one-byte values without the call. */
  private static int readVarInt(Input in, byte[] buf, int limit) {
    int pos = in.position();
    if (pos < limit) {
      byte b = buf[pos];
      if (b >= 0) {
        in.setPosition(pos + 1);
        return b;
      }
    }
    return in.readVarInt(true);
  }

  /**
   * How many bytes of {@code key}, the UTF-8 encoding of a well-formed string of {@code length}
   * characters, encode its first {@code p} characters ({@code p <= length}); -1 when they end
   * inside a surrogate pair.
   */
  static int prefixBytes(byte[] key, int p, int length) {
    if (key.length == length) {
      return p; // ASCII: one byte per character
    }
    int b = 0;
    int c = 0;
    while (c < p) {
      int lead = key[b] & 0xFF;
      if (lead < 0x80) {
        b++;
        c++;
      } else if (lead < 0xE0) {
        b += 2;
        c++;
      } else if (lead < 0xF0) {
        b += 3;
        c++;
      } else {
        if (c + 1 == p) {
          return -1;
        }
        b += 4;
        c += 2;
      }
    }
    return b;
  }

  /**
   * Whether the string of {@code key}'s first {@code prefix} bytes followed by the ASCII bytes
   * {@code buf[from..from+len)} is greater than {@code key}'s string. UTF-8 bytes compare as code
   * points do; against an ASCII rest, that is also the order of UTF-16 strings.
   */
  private static boolean ascends(byte[] key, int prefix, byte[] buf, int from, int len) {
    int rest = key.length - prefix;
    int m = Math.min(rest, len);
    for (int j = 0; j < m; j++) {
      int a = key[prefix + j] & 0xFF;
      int b = buf[from + j];
      if (a != b) {
        return a < b;
      }
    }
    return rest < len;
  }

  private static int slot(int hash) {
    return (hash * 0x9E3779B9) >>> (32 - SLOT_BITS);
  }

  private static Entry find(Entry[] table, int h, byte[] prevKey, int prefix, byte[] buf, int from, int len) {
    int slot = slot(h);
    for (int k = 0; k < PROBES; k++) {
      Entry e = table[(slot + k) & (SLOTS - 1)];
      if (e == null) {
        return null;
      }
      byte[] key = e.key;
      if (e.hash == h && key.length == prefix + len && Arrays.equals(key, prefix, prefix + len, buf, from, from + len)
          && Arrays.equals(key, 0, prefix, prevKey, 0, prefix)) {
        return e;
      }
    }
    return null;
  }

  private void insert(Entry[] table, Entry e) {
    int slot = slot(e.hash);
    for (int k = 0; k < PROBES; k++) {
      int i = (slot + k) & (SLOTS - 1);
      if (table[i] == null) {
        table[i] = e;
        return;
      }
    }
    int v = victim;
    victim = v + 1;
    table[(slot + (v & (PROBES - 1))) & (SLOTS - 1)] = e;
  }

  /**
   * After an id decoded the plain way: its UTF-8 bytes for the next id's prefix, with their prefix
   * hashes, and the id cached when short enough; {@code null} when its string is not well-formed.
   */
  private byte[] remember(Entry[] table, int[] hashes, ReplicaId id) {
    String s = id.id();
    byte[] key = s.getBytes(StandardCharsets.UTF_8);
    if (!wellFormed(s)) { // a lone surrogate encodes as '?', which decodes to another string
      return null;
    }
    int m = Math.min(key.length, MAX_KEY_BYTES);
    int h = 0;
    for (int j = 0; j < m; j++) {
      h = 31 * h + key[j];
      hashes[j + 1] = h;
    }
    if (key.length <= MAX_KEY_BYTES && find(table, h, key, key.length, key, 0, 0) == null) {
      insert(table, new Entry(key, h, id));
    }
    return key;
  }

  /** Whether every surrogate of {@code s} is half of a pair (so UTF-8 encodes it losslessly). */
  static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
