package dev.converge.kryo;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.ReplicaId;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 * in place, eight bytes at a time. An id's hash covers its length, its last eight bytes and a
 * polynomial hash of the bytes before them; every cached id keeps the polynomial hashes of all its
 * prefixes, so when the rest is at most eight bytes the hash takes a word from the previous id, the
 * rest as a word and one stored prefix hash, without a loop over bytes. The id is looked up in an
 * open-addressing table of (bytes, id), compared a word at a time. Every check of {@link
 * Wire#readIds(Input, Settings)} is made in the same order with the same message, on the bytes
 * rather than on strings; a miss builds the string exactly as that method does, then caches it. An
 * id is cached under the UTF-8 encoding of its string, which is the only byte sequence that decodes
 * to it as an ASCII rest after a well-formed prefix, so a hit returns exactly the id a miss would
 * build. Ids whose rest is not ASCII, after a prefix that splits a surrogate pair, after an id not
 * cached for its length, or from a stream take the plain path.
 *
 * <p>Bounded: {@value #SLOTS} ids of at most {@value #MAX_KEY_BYTES} UTF-8 bytes (longer ids are
 * decoded, never cached), each with its bytes (padded with eight zero bytes) and one {@code int}
 * prefix hash per byte: at most about 1 KiB per entry, about 1 MiB for a full table of the longest
 * ids, in a table allocated on first use. A lookup or insert probes at most {@value #PROBES} slots,
 * and an insert into a full window replaces one of them in turn, so colliding hashes cost bounded
 * time. The id strings are held strongly, so at most that many ids stay out of {@link ReplicaId}'s
 * weak pool's reach. Entries are immutable and every hit is verified against the input and the
 * previous entry's bytes, so a serializer shared across threads by mistake gets misses, never a
 * wrong id.
 */
final class DecodedIds {

  static final int SLOTS = 1024;
  static final int MAX_KEY_BYTES = 128;
  /** The most characters, all ids together, of a table kept in the table cache. */
  static final int MAX_TABLE_CHARS = 8192;
  static final int PROBES = 8;
  private static final int SLOT_BITS = 10;
  /** Little-endian words of a byte array. */
  private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  /** The high bit of every byte of a word: set only by non-ASCII bytes. */
  private static final long HIGH_BITS = 0x8080808080808080L;

  /** A cached id: its UTF-8 bytes followed by eight zero bytes, and their prefix hashes. */
  private static final class Entry {
    /** The {@link #length} bytes, then eight zero bytes: read a word at a time anywhere up to {@code length}. */
    final byte[] key;
    final int length;
    /** {@code prefixHashes[k]}: the polynomial hash of the first {@code k} bytes. */
    final int[] prefixHashes;
    final int hash;
    final ReplicaId id;

    /** An entry for the UTF-8 bytes {@code key[0..length)}, followed in {@code key} by eight zero bytes. */
    Entry(byte[] key, int length, ReplicaId id) {
      this.key = key;
      this.length = length;
      int[] hashes = new int[length + 1];
      int h = 0;
      for (int j = 0; j < length; j++) {
        h = 31 * h + key[j];
        hashes[j + 1] = h;
      }
      this.prefixHashes = hashes;
      int m = Math.max(0, length - 8);
      this.hash = hash(hashes[m], word(key, m), length);
      this.id = id;
    }
  }

  /** Before the first id of a table: the empty key. */
  private static final Entry START = new Entry(new byte[8], 0, null);

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
    if (!RegionCache.inPlace(in) || in.getInputStream() != null) {
      return Wire.readIds(in, settings);
    }
    return readInPlace(in, settings);
  }

  /** The hash of a key of {@code length} bytes from its parts (see {@link Entry#Entry}). */
  private static int hash(int prefixHash, long lastWord, int length) {
    long x = (lastWord + (((long) prefixHash << 32) | length)) * 0x9E3779B97F4A7C15L;
    return (int) (x >>> 32);
  }

  private static long word(byte[] b, int at) {
    return (long) WORDS.get(b, at);
  }

  /**
   * Reads a table from a plain byte-array input: {@link Wire#readIds(Input, Settings)} with the
   * ids found here, then remembers it in the table cache.
   */

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
    if (table == null) {
      table = entries = new Entry[SLOTS];
    }
    byte[] buf = in.getBuffer();
    int limit = in.limit();
    int start = in.position();
    int n = Wire.readCount(in, settings, 2, "replica id");
    int pos = in.position();
    // Grown as ids arrive, as Wire.readIds does.
    ReplicaId[] ids = new ReplicaId[Wire.capacity(n)];
    ReplicaId previous = null;
    int prevChars = 0;
    // The previous id's entry; null when its string is not well-formed UTF-16 (its bytes would not
    // decode back to it) or it is too long to cache.
    Entry prev = START;
    long chars = 0;
    for (int i = 0; i < n; i++) {
      if (i == ids.length) {
        ids = Arrays.copyOf(ids, (int) Math.min(n, 2L * ids.length));
      }
      int at = pos;
      int p;
      if (pos < limit && buf[pos] >= 0) {
        p = buf[pos++]; // a one-byte varint
      } else {
        in.setPosition(pos);
        p = in.readVarInt(true);
        pos = in.position();
      }
      if (p < 0 || p > prevChars) {
        throw Wire.fail(in, at, "replica id " + i + " shares " + Integer.toUnsignedString(p)
            + " characters with the previous id of " + prevChars);
      }
      int lengthAt = pos;
      int len;
      if (pos < limit && buf[pos] >= 0) {
        len = buf[pos++];
      } else {
        in.setPosition(pos);
        len = in.readVarInt(true);
        pos = in.position();
      }
      if (len < 0 || len > settings.maxBytes() || len > limit - pos) {
        throw Wire.fail(in, lengthAt, "string of " + Integer.toUnsignedString(len) + " bytes exceeds the input or the limit");
      }
      int from = pos;
      int prefix = prev == null || len == 0 ? -1 : prefixBytes(prev.key, prev.length, p, prevChars);
      int keyLength = prefix + len;
      // The key's last word (its bytes from m on), the hash of its first m bytes; ascii when the
      // rest is ASCII and the key short enough to be cached.
      boolean ascii = prefix >= 0 && keyLength <= MAX_KEY_BYTES;
      int m = 0;
      long last = 0;
      int prefixHash = 0;
      if (ascii) {
        if (len <= 8) {
          long rest = from + 8 <= buf.length ? word(buf, from) & (-1L >>> (64 - 8 * len)) : bytes(buf, from, len);
          ascii = (rest & HIGH_BITS) == 0;
          m = Math.max(0, keyLength - 8);
          int shift = (prefix - m) << 3; // the key's bytes m..prefix are the previous key's
          last = (word(prev.key, m) & ((1L << shift) - 1)) | (rest << shift);
          prefixHash = prev.prefixHashes[m];
        } else {
          ascii = ascii(buf, from, len);
          m = keyLength - 8;
          last = word(buf, from + len - 8);
          int h = prev.prefixHashes[prefix];
          for (int j = from, end = from + m - prefix; j < end; j++) {
            h = 31 * h + buf[j];
          }
          prefixHash = h;
        }
      }
      if (ascii) {
        // The id is previous's first p characters (prefix bytes) and len ASCII characters.
        pos = from + len;
        chars += p + len;
        if (chars > 256L * (pos - start) + 4096) {
          in.setPosition(pos);
          throw Wire.fail(in, at, "replica ids expand to more than 256 characters per encoded byte");
        }
        if (i > 0 && !ascends(prev.key, prev.length, prefix, buf, from, len)) {
          in.setPosition(pos);
          throw Wire.fail(in, at, "replica ids not strictly ascending: " + previous + " before "
              + previous.id().substring(0, p) + new String(buf, from, len, StandardCharsets.UTF_8));
        }
        int h = hash(prefixHash, last, keyLength);
        Entry e = find(table, h, keyLength, prev.key, prefix, m, last, buf, from, len);
        if (e == null) {
          byte[] key = new byte[keyLength + 8];
          System.arraycopy(prev.key, 0, key, 0, prefix);
          System.arraycopy(buf, from, key, prefix, len);
          // the prefix is the UTF-8 of previous's first p characters, the rest ASCII: this is
          // previous.id().substring(0, p) + the rest
          e = new Entry(key, keyLength, ReplicaId.of(new String(key, 0, keyLength, StandardCharsets.UTF_8)));
          insert(table, e);
        }
        ids[i] = e.id;
        previous = e.id;
        prevChars = p + len;
        prev = e;
      } else {
        // Wire.readIds, step for step.
        in.setPosition(from);
        String before = previous == null ? "" : previous.id();
        String s = before.substring(0, p) + Wire.readStringBody(in, len);
        pos = in.position();
        chars += s.length();
        if (chars > 256L * (pos - start) + 4096) {
          throw Wire.fail(in, at, "replica ids expand to more than 256 characters per encoded byte");
        }
        if (s.isEmpty()) {
          throw Wire.fail(in, at, "replica id " + i + " is empty");
        }
        if (i > 0 && before.compareTo(s) >= 0) {
          throw Wire.fail(in, at, "replica ids not strictly ascending: " + before + " before " + s);
        }
        if (Wire.splitsPair(before, p)) {
          throw Wire.fail(in, at, Wire.splitMessage(i));
        }
        ReplicaId id = ReplicaId.of(s);
        ids[i] = id;
        previous = id;
        prevChars = s.length();
        prev = remember(table, id);
      }
    }
    in.setPosition(pos);
    if (ids.length != n) {
      ids = Arrays.copyOf(ids, n);
    }
    // Front coding lets a short encoding stand for long ids: cache only tables that are small
    // decoded too, so the cache's memory is bounded by what it holds, not by what it read.
    if (chars <= MAX_TABLE_CHARS) {
      tables.remember(in, start, ids);
    }
    return ids;
  }

  /** The {@code len} bytes (1 to 8) at {@code from} as a little-endian word, near the buffer's end. */
  private static long bytes(byte[] buf, int from, int len) {
    long w = 0;
    for (int j = len - 1; j >= 0; j--) {
      w = (w << 8) | (buf[from + j] & 0xFF);
    }
    return w;
  }

  /** Whether the {@code len} bytes (more than 8) at {@code from} are ASCII. */
  private static boolean ascii(byte[] buf, int from, int len) {
    long any = word(buf, from + len - 8);
    for (int j = 0; j + 8 < len; j += 8) {
      any |= word(buf, from + j);
    }
    return (any & HIGH_BITS) == 0;
  }

  /**
   * How many bytes of {@code key}, the {@code length} UTF-8 bytes of a well-formed string of
   * {@code chars} characters, encode its first {@code p} characters ({@code p <= chars}); -1 when
   * they end inside a surrogate pair.
   */
  static int prefixBytes(byte[] key, int length, int p, int chars) {
    if (length == chars) {
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
   * {@code buf[from..from+len)} is greater than the string of {@code key}'s {@code length} bytes.
   * UTF-8 bytes compare as code points do; against an ASCII rest, that is also the order of UTF-16
   * strings.
   */
  private static boolean ascends(byte[] key, int length, int prefix, byte[] buf, int from, int len) {
    int rest = length - prefix;
    if (rest > 0) {
      int a = key[prefix] & 0xFF;
      int b = buf[from];
      if (a != b) {
        return a < b; // the usual case: the writer shares as many characters as it can
      }
    }
    int m = Math.min(rest, len);
    for (int j = 1; j < m; j++) {
      int a = key[prefix + j] & 0xFF;
      int b = buf[from + j];
      if (a != b) {
        return a < b;
      }
    }
    return rest < len;
  }

  /** Whether the first {@code m} bytes of {@code a} and {@code b} (padded keys) are equal. */
  private static boolean samePrefix(byte[] a, byte[] b, int m) {
    int k = 0;
    for (; k + 8 <= m; k += 8) {
      if (word(a, k) != word(b, k)) {
        return false;
      }
    }
    return k == m || ((word(a, k) ^ word(b, k)) & ((1L << ((m - k) << 3)) - 1)) == 0;
  }

  private static int slot(int hash) {
    return (hash * 0x9E3779B9) >>> (32 - SLOT_BITS);
  }

  /**
   * The entry for the key of {@code keyLength} bytes: {@code prevKey}'s first {@code prefix}
   * bytes, then {@code buf[from..from+len)}; its bytes from {@code m} on are {@code last}.
   */
  private static Entry find(Entry[] table, int h, int keyLength, byte[] prevKey, int prefix, int m, long last,
      byte[] buf, int from, int len) {
    int slot = slot(h);
    for (int k = 0; k < PROBES; k++) {
      Entry e = table[(slot + k) & (SLOTS - 1)];
      if (e == null) {
        return null;
      }
      if (e.hash == h && e.length == keyLength && matches(e.key, prevKey, prefix, m, last, buf, from, len)) {
        return e;
      }
    }
    return null;
  }

  private static boolean matches(byte[] key, byte[] prevKey, int prefix, int m, long last, byte[] buf, int from,
      int len) {
    if (word(key, m) != last) {
      return false;
    }
    if (len <= 8) {
      return samePrefix(key, prevKey, m); // bytes m.. are last
    }
    if (!samePrefix(key, prevKey, prefix)) {
      return false;
    }
    for (int j = 0; j + 8 < len; j += 8) { // the rest's last word is last
      if (word(key, prefix + j) != word(buf, from + j)) {
        return false;
      }
    }
    return true;
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
   * After an id decoded the plain way: its entry, for the next id's prefix, cached; {@code null}
   * when it is too long to cache. The id is well-formed, so its UTF-8 bytes are its only encoding:
   * the rest of an id is decoded from UTF-8 (no lone surrogates), and a prefix that splits a
   * surrogate pair is refused before ({@link Wire#splitsPair}).
   */
  private Entry remember(Entry[] table, ReplicaId id) {
    byte[] utf8 = id.id().getBytes(StandardCharsets.UTF_8);
    int n = utf8.length;
    if (n > MAX_KEY_BYTES) {
      return null;
    }
    Entry e = new Entry(Arrays.copyOf(utf8, n + 8), n, id);
    int slot = slot(e.hash);
    for (int k = 0; k < PROBES; k++) {
      Entry known = table[(slot + k) & (SLOTS - 1)];
      if (known == null) {
        break;
      }
      if (known.hash == e.hash && known.length == n && samePrefix(known.key, e.key, n)) {
        return known; // the same bytes: the same string, so the same (canonical) id
      }
    }
    insert(table, e);
    return e;
  }
}
