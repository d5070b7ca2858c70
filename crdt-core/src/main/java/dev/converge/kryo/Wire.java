package dev.converge.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.ReplicaId;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.causal.VersionVector;
import dev.converge.internal.Trusted;
import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** The building blocks of the wire format shared by every serializer. */
final class Wire {

  /** Element codecs: how the values of one collection are written. */
  static final int NONE = 0;
  static final int STRING = 1;
  static final int LONG = 2;
  static final int INTEGER = 3;
  static final int ONE_CLASS = 4;
  static final int MIXED = 5;

  /** Flags after the version of collections. */
  static final int FLAG_DEFLATE = 1;

  private Wire() {}

  // ---------------------------------------------------------------- varints

  /**
   * {@code in.readVarInt(true)}: from a plain in-memory {@link Input}, a value of one or two bytes
   * (counts, indexes and small counters: almost all) is read from the buffer without Kryo's
   * checks; anything else is left to Kryo, so the result and the position are always Kryo's.
   */
  static int readVarInt(Input in) {
    int v = shortVarInt(in);
    return v >= 0 ? v : in.readVarInt(true);
  }

  /** {@code in.readVarLong(true)}, with the fast path of {@link #readVarInt(Input)}. */
  static long readVarLong(Input in) {
    int v = shortVarInt(in);
    return v >= 0 ? v : in.readVarLong(true);
  }

  /**
   * A varint of one or two bytes (0 to 16383) read from a plain in-memory input's buffer; -1, with
   * the position unchanged, for a longer one or another input.
   */
  private static int shortVarInt(Input in) {
    if (in.getClass() == Input.class) {
      int p = in.position();
      if (in.limit() - p >= 2) {
        byte[] buf = in.getBuffer();
        int b = buf[p];
        if (b >= 0) {
          in.setPosition(p + 1);
          return b;
        }
        int b1 = buf[p + 1];
        if (b1 >= 0) {
          in.setPosition(p + 2);
          return b & 0x7F | b1 << 7;
        }
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- reading guards

  /** Reads the format version and rejects anything but {@code expected}. */
  static void readVersion(Input in, int expected, String type) {
    int at = in.position();
    int v = readVarInt(in);
    if (v != expected) {
      throw fail(in, at, "unknown " + type + " format version " + v + " (this reader knows version " + expected + ")");
    }
  }

  /**
   * Reads a count of items each taking at least {@code minBytes} bytes, checked against the
   * configured maximum and, for in-memory input, against the bytes actually remaining, before
   * anything is allocated.
   */
  static int readCount(Input in, Settings settings, int minBytes, String what) {
    int at = in.position();
    int n = readVarInt(in);
    if (n < 0 || n > settings.maxElements()) {
      throw fail(in, at, what + " count " + (n < 0 ? Integer.toUnsignedString(n) : n)
          + " exceeds the limit of " + settings.maxElements());
    }
    if (in.getInputStream() == null) {
      long remaining = (long) in.limit() - in.position();
      if ((long) n * minBytes > remaining) {
        throw fail(in, at, what + " count " + n + " needs at least " + (long) n * minBytes + " bytes, only "
            + remaining + " remain");
      }
    }
    return n;
  }

  /** The initial capacity for {@code n} items: never more than the input could hold. */
  static int capacity(int n) {
    return Math.min(n, 1024);
  }

  static long readCounter(Input in, String what) {
    int at = in.position();
    long c = readVarLong(in);
    if (c < 1) {
      throw fail(in, at, what + " must be >= 1, got " + Long.toUnsignedString(c));
    }
    return c;
  }

  /** {@link #readCounter(Input, String)} for the counter of {@code replica}, naming it only on failure. */
  static long readCounter(Input in, ReplicaId replica) {
    int at = in.position();
    long c = readVarLong(in);
    if (c < 1) {
      throw fail(in, at, "counter of replica " + replica + " must be >= 1, got " + Long.toUnsignedString(c));
    }
    return c;
  }

  static ConvergeKryoException fail(Input in, int position, String message) {
    return new ConvergeKryoException(message + " (at input position " + position + ")");
  }

  /** A decoding failure that is not already a KryoException, as one with the positions. */
  static ConvergeKryoException invalid(Input in, String type, int start, RuntimeException e) {
    return new ConvergeKryoException("invalid " + type + " (starting at input position " + start + ", failed before "
        + in.position() + "): " + e.getMessage(), e);
  }

  // ---------------------------------------------------------------- replica tables

  /** Replica ids of one value, written once and referenced by index. */
  static final class Table {
    /** Up to this many ids, indexes are found by a reference scan rather than a hash map. */
    private static final int SCAN = 16;

    private Map<ReplicaId, Integer> index;
    private ReplicaId[] ids;

    Table() {
      index = new HashMap<>();
    }

    private Table(ReplicaId[] sorted) {
      ids = sorted;
    }

    /** The sealed table of ids already strictly ascending (a vector's own array: never written). */
    static Table ofSorted(ReplicaId[] sorted) {
      return new Table(sorted);
    }

    /** Adds every replica of a sorted vector. */
    void addAll(VersionVector v) {
      for (int i = 0; i < v.size(); i++) {
        add(v.replicaAt(i));
      }
    }

    void add(ReplicaId id) {
      index.putIfAbsent(id, -1);
    }

    /** Sorts the table: call once all ids are added, before writing. */
    void seal() {
      ids = index.keySet().toArray(new ReplicaId[0]);
      Arrays.sort(ids);
      index = null;
    }

    /** The sealed, sorted ids. */
    ReplicaId[] ids() {
      return ids;
    }

    int indexOf(ReplicaId id) {
      ReplicaId[] t = ids;
      if (t.length <= SCAN) {
        for (int i = 0; i < t.length; i++) {
          if (t[i] == id) {
            return i;
          }
        }
      } else {
        if (index == null) {
          index = new HashMap<>(t.length * 2);
          for (int i = 0; i < t.length; i++) {
            index.put(t[i], i);
          }
        }
        Integer i = index.get(id);
        if (i != null) {
          return i;
        }
      }
      int i = Arrays.binarySearch(t, id); // an equal id that is another instance
      if (i < 0) {
        throw new IllegalStateException("replica " + id + " missing from the table");
      }
      return i;
    }

    void write(Output out) {
      writeIds(out, ids);
    }

    static ReplicaId[] read(Input in, Settings settings, DecodedIds cache) {
      return cache.read(in, settings);
    }
  }

  /**
   * Sorted replica ids, front-coded: each as the length of the prefix it shares with the previous
   * id and the rest of its string. Ids like {@code pekko://sys@host-07:2552} cost a few bytes each.
   */
  static void writeIds(Output out, ReplicaId[] sorted) {
    out.writeVarInt(sorted.length, true);
    String previous = "";
    for (ReplicaId id : sorted) {
      String s = id.id();
      checkWellFormed(s); // the whole id, as EncodedIds checks it
      writeId(out, previous, s);
      previous = s;
    }
  }

  /**
   * Whether an id sharing the first {@code p} characters of {@code previous} (a well-formed id)
   * takes half of a surrogate pair: its rest, decoded from UTF-8, never starts with the other half,
   * so the id would hold an unpaired surrogate, which no writer produces and none could write.
   */
  static boolean splitsPair(String previous, int p) {
    return p > 0 && Character.isHighSurrogate(previous.charAt(p - 1));
  }

  static String splitMessage(int i) {
    return "replica id " + i + " shares half of a surrogate pair with the previous id";
  }

  /** One id of {@link #writeIds}: the characters it shares with {@code previous}, then the rest. */
  static void writeId(Output out, String previous, String s) {
    int p = 0;
    int max = Math.min(previous.length(), s.length());
    while (p < max && previous.charAt(p) == s.charAt(p)) {
      p++;
    }
    if (p > 0 && Character.isHighSurrogate(s.charAt(p - 1))) {
      p--; // never split a surrogate pair
    }
    out.writeVarInt(p, true);
    writeString(out, s.substring(p));
  }

  /**
   * Reads {@link #writeIds}; rejects unsorted or repeated ids and tables that expand too much. The
   * plain reader: {@link DecodedIds} reads the same tables from what it decoded recently, with the
   * same result and the same checks, and uses this one for streams.
   */
  static ReplicaId[] readIds(Input in, Settings settings) {
    int start = in.position();
    int n = readCount(in, settings, 2, "replica id");
    // Grown as ids arrive: from a stream, n is bounded only by the limit, not by bytes seen.
    ReplicaId[] ids = new ReplicaId[capacity(n)];
    String previous = "";
    long chars = 0;
    for (int i = 0; i < n; i++) {
      if (i == ids.length) {
        ids = Arrays.copyOf(ids, (int) Math.min(n, 2L * ids.length));
      }
      int at = in.position();
      int p = in.readVarInt(true);
      if (p < 0 || p > previous.length()) {
        throw fail(in, at, "replica id " + i + " shares " + Integer.toUnsignedString(p) + " characters with the previous id of "
            + previous.length());
      }
      String s = previous.substring(0, p) + readString(in, settings);
      chars += s.length();
      if (chars > 256L * (in.position() - start) + 4096) {
        throw fail(in, at, "replica ids expand to more than 256 characters per encoded byte");
      }
      if (s.isEmpty()) {
        throw fail(in, at, "replica id " + i + " is empty");
      }
      if (i > 0 && previous.compareTo(s) >= 0) {
        throw fail(in, at, "replica ids not strictly ascending: " + previous + " before " + s);
      }
      if (splitsPair(previous, p)) {
        throw fail(in, at, splitMessage(i));
      }
      ids[i] = ReplicaId.of(s);
      previous = s;
    }
    return ids.length == n ? ids : Arrays.copyOf(ids, n);
  }

  static ReplicaId readReplica(Input in, ReplicaId[] table) {
    int at = in.position();
    int i = readVarInt(in);
    if (i < 0 || i >= table.length) {
      throw fail(in, at, "replica index " + Integer.toUnsignedString(i) + " outside the table of " + table.length);
    }
    return table[i];
  }

  // ---------------------------------------------------------------- vectors and contexts

  /** Entries of a vector as (index, counter) pairs. */
  static void writeVector(Output out, VersionVector v, Table table) {
    out.writeVarInt(v.size(), true);
    for (int i = 0; i < v.size(); i++) {
      out.writeVarInt(table.indexOf(v.replicaAt(i)), true);
      out.writeVarLong(v.counterAt(i), true);
    }
  }

  /** {@link #writeVector(Output, VersionVector, Table)} where every replica of {@code v} is in {@code sorted}. */
  static void writeVector(Output out, VersionVector v, ReplicaId[] sorted) {
    int n = v.size();
    out.writeVarInt(n, true);
    int j = 0;
    for (int i = 0; i < n; i++) {
      ReplicaId r = v.replicaAt(i);
      while (sorted[j] != r) {
        j++; // both ascending: the replica is further on
      }
      out.writeVarInt(j, true);
      out.writeVarLong(v.counterAt(i), true);
    }
  }

  /** The sorted union of two sorted id arrays: one of them when it holds the other. */
  static ReplicaId[] union(ReplicaId[] a, ReplicaId[] b) {
    if (a == b || b.length == 0) {
      return a;
    }
    if (a.length == 0) {
      return b;
    }
    ReplicaId[] out = new ReplicaId[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length && j < b.length) {
      int c = a[i] == b[j] ? 0 : a[i].compareTo(b[j]);
      if (c <= 0) {
        out[k++] = a[i++];
        if (c == 0) {
          j++;
        }
      } else {
        out[k++] = b[j++];
      }
    }
    while (i < a.length) {
      out[k++] = a[i++];
    }
    while (j < b.length) {
      out[k++] = b[j++];
    }
    return k == a.length ? a : k == b.length ? b : Arrays.copyOf(out, k);
  }

  /**
   * Reads {@link #writeVector}: entries in strictly ascending table order, counters at least 1,
   * checked in one pass, so the vector is built without the public factory's copies and re-checks.
   * A vector naming every replica of the table shares the table's array (its indexes are then
   * 0..n-1 and are not kept); the empty vector allocates nothing.
   */
  static VersionVector readVector(Input in, Settings settings, ReplicaId[] table) {
    int at = in.position();
    int n = readCount(in, settings, 2, "vector entry");
    if (n > table.length) {
      throw fail(in, at, n + " vector entries but only " + table.length + " replicas in the table");
    }
    if (n == 0) {
      return VersionVector.empty();
    }
    boolean whole = n == table.length;
    ReplicaId[] ids = whole ? table : new ReplicaId[n];
    long[] counters = new long[n];
    int previous = -1;
    for (int i = 0; i < n; i++) {
      int iat = in.position();
      int index = readVarInt(in);
      if (index < 0 || index >= table.length) {
        throw fail(in, iat, "replica index " + Integer.toUnsignedString(index) + " outside the table of " + table.length);
      }
      if (index <= previous) {
        throw fail(in, iat, "vector entries not in ascending replica order: " + table[index] + " after " + table[previous]);
      }
      previous = index;
      if (!whole) {
        ids[i] = table[index];
      }
      counters[i] = readCounter(in, table[index]);
    }
    // whole: n strictly ascending indexes below n are 0..n-1, so ids is the table itself
    return VECTORS.wrap(ids, counters);
  }

  /**
   * The counters of {@code v}, each as Kryo's {@code writeVarLong(counter, true)} writes it (seven
   * bits a byte, the ninth byte eight), written in place when a plain output has room for all.
   */
  static void writeCounters(Output out, VersionVector v) {
    int n = v.size();
    byte[] buffer = out.getBuffer();
    int at = out.position();
    if (out.getClass() != Output.class || buffer.length - at < 9L * n) {
      for (int i = 0; i < n; i++) {
        out.writeVarLong(v.counterAt(i), true);
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      long c = v.counterAt(i);
      int k = 0;
      while (c >>> 7 != 0 && k < 8) {
        buffer[at++] = (byte) (c | 0x80);
        c >>>= 7;
        k++;
      }
      buffer[at++] = (byte) c;
    }
    out.setPosition(at);
  }

  /**
   * A counter of at least 1 for each of {@code ids}, as {@link #readCounter(Input, ReplicaId)}
   * reads them, read in place from a plain input while nine bytes (the longest varint) remain.
   */
  static long[] readCounters(Input in, ReplicaId[] ids) {
    long[] counters = new long[ids.length];
    int i = 0;
    if (RegionCache.inPlace(in)) {
      byte[] buf = in.getBuffer();
      int limit = in.limit();
      int pos = in.position();
      for (; i < ids.length && limit - pos >= 9; i++) {
        int at = pos;
        long c = 0;
        int shift = 0;
        int b;
        do {
          b = buf[pos++];
          c |= (long) (b & 0x7F) << shift;
          shift += 7;
        } while (b < 0 && shift < 56);
        if (b < 0) {
          c |= (long) (buf[pos++] & 0xFF) << 56; // the ninth byte: eight bits
        }
        if (c < 1) {
          in.setPosition(pos);
          throw fail(in, at, "counter of replica " + ids[i] + " must be >= 1, got " + Long.toUnsignedString(c));
        }
        counters[i] = c;
      }
      in.setPosition(pos);
    }
    for (; i < ids.length; i++) {
      counters[i] = readCounter(in, ids[i]);
    }
    return counters;
  }

  /** Builds vectors from arrays checked here (sorted, counters at least 1), without copying them. */
  static final Trusted.Vectors VECTORS = Trusted.vectors();

  /** A context: its vector, then its cloud grouped by replica with ascending counter deltas. */
  static void writeContext(Output out, CausalContext c, Table table) {
    writeVector(out, c.versionVector(), table);
    List<Dot> cloud = c.cloud();
    int groups = 0;
    for (int i = 0; i < cloud.size(); i++) {
      if (i == 0 || !cloud.get(i).replica().equals(cloud.get(i - 1).replica())) {
        groups++;
      }
    }
    out.writeVarInt(groups, true);
    int i = 0;
    while (i < cloud.size()) {
      ReplicaId r = cloud.get(i).replica();
      int j = i;
      while (j < cloud.size() && cloud.get(j).replica().equals(r)) {
        j++;
      }
      out.writeVarInt(table.indexOf(r), true);
      out.writeVarInt(j - i, true);
      long previous = 0;
      for (int k = i; k < j; k++) {
        out.writeVarLong(cloud.get(k).counter() - previous, true);
        previous = cloud.get(k).counter();
      }
      i = j;
    }
  }

  static CausalContext readContext(Input in, Settings settings, ReplicaId[] table) {
    VersionVector v = readVector(in, settings, table);
    int groups = readCount(in, settings, 3, "cloud group");
    if (groups == 0) {
      return CausalContext.of(v);
    }
    List<Dot> cloud = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      ReplicaId r = readReplica(in, table);
      int n = readCount(in, settings, 1, "cloud dot");
      long counter = 0;
      for (int k = 0; k < n; k++) {
        int at = in.position();
        long delta = in.readVarLong(true);
        if (delta < 1 || counter + delta < counter) {
          throw fail(in, at, "cloud counters of " + r + " must strictly increase");
        }
        counter += delta;
        cloud.add(new Dot(r, counter));
      }
    }
    CausalContext c = CausalContext.of(v, cloud);
    if (c.cloudSize() != cloud.size() || !c.versionVector().equals(v)) {
      throw fail(in, in.position(), "causal context is not compact: cloud dots overlap the vector or repeat");
    }
    return c;
  }

  // ---------------------------------------------------------------- element codecs

  /** The codec that writes every value of {@code values} most compactly. */
  static int codecFor(Iterable<?> values) {
    Class<?> common = null;
    boolean any = false;
    for (Object v : values) {
      any = true;
      if (common == null) {
        common = v.getClass();
      } else if (common != v.getClass()) {
        return MIXED;
      }
    }
    return any ? codecOf(common) : NONE;
  }

  /** The codec of values that all have class {@code common}. */
  static int codecOf(Class<?> common) {
    if (common == String.class) {
      return STRING;
    }
    if (common == Long.class) {
      return LONG;
    }
    return common == Integer.class ? INTEGER : ONE_CLASS;
  }

  /** Writes the codec and, for {@link #ONE_CLASS}, the class of the values. */
  static void writeCodec(Kryo kryo, Output out, int codec, Object sample, String where) {
    out.writeVarInt(codec, true);
    if (codec == ONE_CLASS) {
      writeClass(kryo, out, sample.getClass(), where);
    }
  }

  static Registration readCodecClass(Kryo kryo, Input in, int codec) {
    return codec == ONE_CLASS ? readClass(kryo, in) : null;
  }

  static int readCodec(Input in) {
    int at = in.position();
    int codec = readVarInt(in);
    if (codec < NONE || codec > MIXED) {
      throw fail(in, at, "unknown value codec " + codec);
    }
    return codec;
  }

  /**
   * Writes the registration id of {@code type} (as Kryo's {@code writeClass} does for registered
   * classes). Classes without an id are refused: a reader would have to load a class by the name
   * the input gives.
   */
  static void writeClass(Kryo kryo, Output out, Class<?> type, String where) {
    Registration r;
    try {
      r = kryo.getRegistration(type);
    } catch (IllegalArgumentException e) {
      r = null;
    }
    if (r == null || r.getId() < 0) {
      throw new ConvergeKryoException("cannot write a value of " + type.getName() + " inside " + where
          + ": register the class with the Kryo instance under an id (kryo.register(" + type.getSimpleName() + ".class, id))");
    }
    out.writeVarInt(r.getId() + 2, true);
  }

  /**
   * Reads a registration id written by {@link #writeClass} (or Kryo's {@code writeClass}). Never
   * loads a class by name: the "class name follows" marker is rejected, as is an unknown id.
   */
  static Registration readClass(Kryo kryo, Input in) {
    int at = in.position();
    int id = in.readVarInt(true);
    if (id == 0) {
      throw fail(in, at, "null where a value's class is expected");
    }
    if (id == 1) {
      throw fail(in, at, "a class given by name: Converge decodes registered classes only");
    }
    Registration r = kryo.getClassResolver().getRegistration(id - 2);
    if (r == null) {
      throw fail(in, at, "unregistered class id " + (id - 2));
    }
    Class<?> t = r.getType();
    if (t == String.class || t == Long.class || t == Integer.class) {
      // Converge writes these with its own codecs, never under a class id; Kryo's own String reader
      // would also allocate whatever length the input claims.
      throw fail(in, at, t.getSimpleName() + " under a class id: Converge writes it with its own codec");
    }
    return r;
  }

  /** A value of a registered class: its id, then the object (the bytes of Kryo's {@code writeClassAndObject}). */
  static void writeTyped(Kryo kryo, Output out, Object value, String where) {
    writeClass(kryo, out, value.getClass(), where);
    kryo.writeObject(out, value);
  }

  static Object readTyped(Kryo kryo, Input in, String where) {
    Registration r = readClass(kryo, in);
    int at = in.position();
    Class<?> cls = r.getType();
    // the registration's serializer, as Kryo's readClassAndObject reads what writeClassAndObject wrote
    Object v = kryo.readObject(in, cls, r.getSerializer());
    if (v == null) {
      throw fail(in, at, "null value inside " + where);
    }
    return v;
  }

  /** Tags of values in a {@link #MIXED} collection. */
  private static final int TAG_STRING = 0;
  private static final int TAG_LONG = 1;
  private static final int TAG_INTEGER = 2;
  private static final int TAG_TYPED = 3;

  static void writeValue(Kryo kryo, Output out, int codec, Object value, String where) {
    try {
      switch (codec) {
        case STRING:
          writeString(out, (String) value);
          break;
        case LONG:
          out.writeVarLong((Long) value, false);
          break;
        case INTEGER:
          out.writeVarInt((Integer) value, false);
          break;
        case ONE_CLASS:
          kryo.writeObject(out, value);
          break;
        default:
          if (value instanceof String) {
            out.writeVarInt(TAG_STRING, true);
            writeString(out, (String) value);
          } else if (value instanceof Long) {
            out.writeVarInt(TAG_LONG, true);
            out.writeVarLong((Long) value, false);
          } else if (value instanceof Integer) {
            out.writeVarInt(TAG_INTEGER, true);
            out.writeVarInt((Integer) value, false);
          } else {
            out.writeVarInt(TAG_TYPED, true);
            writeTyped(kryo, out, value, where);
          }
      }
    } catch (IllegalArgumentException e) {
      throw new ConvergeKryoException("cannot write a value of " + value.getClass().getName() + " inside " + where
          + ": " + e.getMessage(), e);
    }
  }

  static Object readValue(Kryo kryo, Input in, Settings settings, int codec, Registration type, String where) {
    int at = in.position();
    Object v;
    switch (codec) {
      case STRING:
        v = readString(in, settings);
        break;
      case LONG:
        v = in.readVarLong(false);
        break;
      case INTEGER:
        v = in.readVarInt(false);
        break;
      case ONE_CLASS:
        Class<?> cls = type.getType();
        v = kryo.readObject(in, cls, type.getSerializer());
        break;
      case MIXED:
        int tag = in.readVarInt(true);
        switch (tag) {
          case TAG_STRING:
            v = readString(in, settings);
            break;
          case TAG_LONG:
            v = in.readVarLong(false);
            break;
          case TAG_INTEGER:
            v = in.readVarInt(false);
            break;
          case TAG_TYPED:
            v = readTyped(kryo, in, where);
            break;
          default:
            throw fail(in, at, "unknown value tag " + tag + " inside " + where);
        }
        break;
      default:
        throw fail(in, at, where + " has no values but holds one");
    }
    if (v == null) {
      throw fail(in, at, "null value inside " + where);
    }
    return v;
  }

  // ---------------------------------------------------------------- strings

  /**
   * A string as its UTF-8 byte length and bytes. (Kryo's own string format sizes its buffer from
   * a length the input claims, so hostile bytes could make it allocate gigabytes.)
   */
  static void writeString(Output out, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (holdsQuestionMark(bytes)) {
      checkWellFormed(s); // Java's encoder writes '?' for an unpaired surrogate
    }
    out.writeVarInt(bytes.length, true);
    out.writeBytes(bytes);
  }

  /** Whether {@code b} holds the byte {@code '?'}: eight bytes a step. */
  static boolean holdsQuestionMark(byte[] b) {
    int i = 0;
    for (; i + 8 <= b.length; i += 8) {
      long x = (long) LONG_LE.get(b, i) ^ 0x3F3F_3F3F_3F3F_3F3FL; // a zero byte where b holds '?'
      if (((x - 0x0101_0101_0101_0101L) & ~x & 0x8080_8080_8080_8080L) != 0) {
        return true;
      }
    }
    for (; i < b.length; i++) {
      if (b[i] == '?') {
        return true;
      }
    }
    return false;
  }

  /**
   * Refuses a string with an unpaired surrogate: UTF-8 cannot represent it (Java's encoder writes
   * {@code '?'} in its place), so it would decode to another string, and a set or map holding
   * both could not be read back.
   */
  static void checkWellFormed(String s) {
    int at = unpairedSurrogate(s);
    if (at >= 0) {
      throw new ConvergeKryoException(String.format("cannot write a string of %d characters with an unpaired UTF-16"
          + " surrogate \\u%04X at index %d: UTF-8 cannot represent it", s.length(), (int) s.charAt(at), at));
    }
  }

  /** The index of the first surrogate of {@code s} that is not half of a pair, or -1. */
  static int unpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return i;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  static String readString(Input in, Settings settings) {
    int at = in.position();
    int n = readVarInt(in);
    if (n < 0 || n > settings.maxBytes() || (in.getInputStream() == null && n > in.limit() - in.position())) {
      throw fail(in, at, "string of " + Integer.toUnsignedString(n) + " bytes exceeds the input or the limit");
    }
    return readStringBody(in, n);
  }

  /** The {@code n} bytes of a string whose length {@link #readString} read and checked. */
  static String readStringBody(Input in, int n) {
    int from = in.position();
    if (RegionCache.inPlace(in) && n <= in.limit() - from) {
      // decoded where it lies, without copying the bytes out first
      String s = new String(in.getBuffer(), from, n, StandardCharsets.UTF_8);
      in.setPosition(from + n);
      return s;
    }
    return new String(readBytes(in, n), StandardCharsets.UTF_8);
  }

  /**
   * {@code String.hashCode()} of the string of the {@code n} bytes at {@code from} when they are
   * all ASCII (below 0x80, so the UTF-8 decoding has one character per byte), as an unsigned int in
   * a long; -1 when one is not. Eight bytes a step, read as one long: the step's part of the hash,
   * {@code c0*31^7 + c1*31^6 + ... + c7}, is summed in lanes (pairs of characters in 16-bit lanes,
   * then quadruples in 32-bit lanes, which cannot overflow into each other for bytes below 0x100),
   * with three multiplications instead of eight, and checked for high bits with one mask.
   */
  static long hashAscii(byte[] b, int from, int n) {
    int h = 0;
    long bits = 0;
    int i = from;
    int end = from + n;
    for (; i + 8 <= end; i += 8) {
      long w = (long) LONG_LE.get(b, i); // b[i] in the low byte
      bits |= w;
      long pairs = (w & 0x00FF_00FF_00FF_00FFL) * 31 + (w >>> 8 & 0x00FF_00FF_00FF_00FFL);
      long quads = (pairs & 0x0000_FFFF_0000_FFFFL) * (31 * 31) + (pairs >>> 16 & 0x0000_FFFF_0000_FFFFL);
      h = h * POW31_8 + (int) quads * (31 * 31 * 31 * 31) + (int) (quads >>> 32);
    }
    for (; i < end; i++) {
      int x = b[i];
      bits |= x;
      h = 31 * h + x;
    }
    return (bits & 0x8080_8080_8080_8080L) != 0 ? -1 : h & 0xFFFF_FFFFL;
  }

  /** 31^8, wrapped to an int as {@code String.hashCode} wraps. */
  private static final int POW31_8 = 31 * 31 * 31 * 31 * 31 * 31 * 31 * 31;

  /** Longs in byte arrays, little-endian: the first byte is the low one. */
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * The string of the {@code n} bytes at {@code from}, all below 0x80 (see {@link #hashAscii}): the
   * string the UTF-8 decoding gives, one character per byte, without UTF-8's decoder.
   */
  static String ascii(byte[] b, int from, int n) {
    return new String(b, from, n, StandardCharsets.ISO_8859_1);
  }

  /**
   * A replica id written by {@link #writeString}, non-empty; ids seen recently come from
   * {@code cache} without building their string.
   */
  static ReplicaId readReplicaId(Input in, Settings settings, RegionCache<ReplicaId> cache, String what) {
    ReplicaId known = cache.lookup(in);
    if (known != null) {
      return known;
    }
    int at = in.position();
    String s = readString(in, settings);
    if (s.isEmpty()) {
      throw fail(in, at, what + " is empty");
    }
    ReplicaId id = ReplicaId.of(s);
    cache.remember(in, at, id);
    return id;
  }

  /**
   * {@code n} bytes whose count was checked against the limits. From a stream, a claimed length is
   * not bytes seen: they are read in chunks, so memory follows the input actually received.
   */
  static byte[] readBytes(Input in, int n) {
    if (in.getInputStream() == null || n <= 1 << 16) {
      return in.readBytes(n);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    byte[] chunk = new byte[1 << 16];
    for (int left = n; left > 0; ) {
      int k = Math.min(left, chunk.length);
      in.readBytes(chunk, 0, k);
      bytes.write(chunk, 0, k);
      left -= k;
    }
    return bytes.toByteArray();
  }

  // ---------------------------------------------------------------- compression

  /**
   * Writes the first {@code length} bytes of {@code body} deflated at {@code level}: uncompressed
   * length, compressed length, bytes.
   */
  static void writeDeflated(Output out, byte[] body, int length, int level) {
    Deflater deflater = new Deflater(level, true);
    try {
      deflater.setInput(body, 0, length);
      deflater.finish();
      byte[] compressed = new byte[Math.max(64, length / 2)];
      int n = 0;
      while (!deflater.finished()) {
        if (n == compressed.length) {
          compressed = Arrays.copyOf(compressed, 2 * n);
        }
        n += deflater.deflate(compressed, n, compressed.length - n);
      }
      out.writeVarInt(length, true);
      out.writeVarInt(n, true);
      out.writeBytes(compressed, 0, n);
    } finally {
      deflater.end();
    }
  }

  /**
   * Reads a deflated body, bounded by the configured maximum size and by deflate's largest
   * expansion of the compressed bytes; the buffer grows with what actually inflates.
   */
  static Input readDeflated(Input in, Settings settings) {
    int at = in.position();
    int size = in.readVarInt(true);
    if (size < 0 || size > settings.maxBytes()) {
      throw fail(in, at, "compressed body claims " + Integer.toUnsignedString(size) + " bytes, limit " + settings.maxBytes());
    }
    int compressedAt = in.position();
    int compressed = in.readVarInt(true);
    if (compressed < 0 || compressed > settings.maxBytes()
        || (in.getInputStream() == null && compressed > in.limit() - in.position())) {
      throw fail(in, compressedAt, "compressed length " + Integer.toUnsignedString(compressed) + " exceeds the input");
    }
    if (size > (long) compressed * MAX_DEFLATE_RATIO + 64) {
      throw fail(in, at, "compressed body claims " + size + " bytes from " + compressed + " compressed bytes");
    }
    Inflater inflater = new Inflater(true);
    try {
      if (RegionCache.inPlace(in) && in.getInputStream() == null) {
        // inflated where the bytes lie, without copying them out first
        int from = in.position();
        inflater.setInput(in.getBuffer(), from, compressed);
        in.setPosition(from + compressed);
      } else {
        inflater.setInput(readBytes(in, compressed));
      }
      byte[] body = new byte[Math.min(size, 64 * 1024)];
      int n = 0;
      while (n < size) {
        if (n == body.length) {
          body = Arrays.copyOf(body, (int) Math.min(size, 2L * body.length));
        }
        int k = inflater.inflate(body, n, body.length - n);
        if (k == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        n += k;
      }
      if (n != size || !inflater.finished()) {
        throw fail(in, at, "compressed body does not inflate to the " + size + " bytes it claims");
      }
      return new Input(body, 0, n);
    } catch (DataFormatException e) {
      throw new ConvergeKryoException("corrupt compressed body (at input position " + at + "): " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }

  /** Deflate expands at most about 1032 times. */
  private static final int MAX_DEFLATE_RATIO = 1032;
}
