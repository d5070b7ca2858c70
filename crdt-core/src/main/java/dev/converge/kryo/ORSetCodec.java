package dev.converge.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.ReplicaId;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.causal.VersionVector;
import dev.converge.internal.DotMap;
import dev.converge.internal.Slots;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The element section of {@link Serializers.ORSetSerializer}: after the replica table and the
 * context, the element codec; the elements kept by a single dot, grouped by the dot's replica
 * (ascending table index) and sorted by counter (index, count, then per element the counter's
 * delta and the element); then the elements kept by several dots (count, then per element its
 * number of dots, each dot as table index and counter, and the element).
 *
 * <p>Both directions work on the set's arrays ({@link DotMap}'s inline dots) rather than on
 * {@link Dot} objects. The encoder orders the dots of a replica by placing each at its counter's
 * offset in a table when the counters are dense (one add per counter, as a replica's own adds
 * are), by a primitive sort otherwise, and writes strings of ASCII characters straight into the
 * output's buffer. The decoder reads strings of ASCII bytes straight from the input's buffer,
 * hashing them as it checks them (the hash the map is sorted by, so the new strings never compute
 * their own). Anything else (long varints, long or non-ASCII strings, another codec, a buffer that
 * ends mid-element, any input that fails a check) goes through the general path, element by
 * element, with the same result and the same exceptions.
 */
final class ORSetCodec {

  private static final String WHERE = "an ORSet";

  private ORSetCodec() {}

  // ---------------------------------------------------------------- encoding

  /** Writes the element section of {@code m}, whose replicas are all in {@code table}. */
  static void write(Kryo kryo, Output out, DotMap m, Wire.Table table) {
    int n = m.size();
    int codec = codecOf(m);
    Wire.writeCodec(kryo, out, codec, n == 0 ? null : m.key(0), WHERE);
    int tables = table.ids().length;
    int[] wireOf = new int[m.inlineReplicaCount()];
    for (int r = 0; r < wireOf.length; r++) {
      wireOf[r] = table.indexOf(m.inlineReplicaId(r));
    }
    // Per entry, the table index of its one dot (-1: several dots) and its counter; per index,
    // how many entries and the range of their counters.
    int[] replica = new int[n];
    long[] counter = new long[n];
    int[] count = new int[tables];
    long[] min = new long[tables];
    long[] max = new long[tables];
    Arrays.fill(min, Long.MAX_VALUE);
    int multi = 0;
    for (int i = 0; i < n; i++) {
      int r = m.inlineReplica(i);
      int w;
      long c;
      if (r >= 0) {
        w = wireOf[r];
        c = m.inlineCounter(i);
      } else {
        Object slot = m.slot(i);
        if (Slots.dotCount(slot) > 1) {
          replica[i] = -1;
          multi++;
          continue;
        }
        Dot d = Slots.dots(slot)[0];
        w = table.indexOf(d.replica());
        c = d.counter();
      }
      replica[i] = w;
      counter[i] = c;
      count[w]++;
      min[w] = Math.min(min[w], c);
      max[w] = Math.max(max[w], c);
    }
    // The entries with one dot, by table index (stable), then each index's run by counter.
    int singles = n - multi;
    int[] order = new int[singles];
    int[] next = new int[tables];
    int groups = 0;
    for (int w = 0, at = 0; w < tables; w++) {
      next[w] = at;
      at += count[w];
      if (count[w] > 0) {
        groups++;
      }
    }
    for (int i = 0; i < n; i++) {
      int w = replica[i];
      if (w >= 0) {
        order[next[w]++] = i;
      }
    }
    int[] place = null;
    for (int w = 0, at = 0; w < tables; w++) {
      int c = count[w];
      if (c > 1) {
        place = sortByCounter(order, at, at + c, counter, min[w], max[w], place);
      }
      at += c;
    }
    out.writeVarInt(groups, true);
    for (int w = 0, at = 0; w < tables; w++) {
      int c = count[w];
      if (c == 0) {
        continue;
      }
      out.writeVarInt(w, true);
      out.writeVarInt(c, true);
      if (codec == Wire.STRING && out.getClass() == Output.class) {
        writeStrings(out, m, order, at, at + c, counter);
      } else {
        long previous = 0;
        for (int x = at; x < at + c; x++) {
          int i = order[x];
          out.writeVarLong(counter[i] - previous, true);
          previous = counter[i];
          Wire.writeValue(kryo, out, codec, m.key(i), WHERE);
        }
      }
      at += c;
    }
    out.writeVarInt(multi, true);
    if (multi > 0) {
      writeSeveral(kryo, out, m, table, codec, replica, multi);
    }
  }

  /** The codec of the keys of {@code m}. */
  private static int codecOf(DotMap m) {
    int n = m.size();
    if (n == 0) {
      return Wire.NONE;
    }
    Class<?> common = m.key(0).getClass();
    for (int i = 1; i < n; i++) {
      if (m.key(i).getClass() != common) {
        return Wire.MIXED;
      }
    }
    return Wire.codecOf(common);
  }

  /**
   * Sorts {@code order[from, to)} (entries of one replica, whose counters are distinct and lie in
   * {@code [min, max]}) by counter. Dense counters are placed at their offset in {@code place}
   * (reused: returned, grown if needed); others are sorted packed with their entry in a long, or,
   * when the counters span more than 2^31, by comparison.
   */
  private static int[] sortByCounter(int[] order, int from, int to, long[] counter, long min, long max, int[] place) {
    int c = to - from;
    long span = max - min; // both in [1, 2^63): no overflow
    if (span < 4L * c + 64) {
      int size = (int) span + 1;
      int[] p = place == null || place.length < size ? new int[Math.max(size, place == null ? 0 : place.length)] : place;
      for (int x = from; x < to; x++) {
        int i = order[x];
        int at = (int) (counter[i] - min);
        if (p[at] != 0) {
          throw new IllegalStateException("dot counter " + counter[i] + " tags two elements of one replica");
        }
        p[at] = i + 1;
      }
      int x = from;
      for (int at = 0; at < size; at++) {
        if (p[at] != 0) {
          order[x++] = p[at] - 1;
          p[at] = 0; // clean for the next replica
        }
      }
      return p;
    }
    if (span < 1L << 31) {
      long[] packed = new long[c];
      for (int x = from; x < to; x++) {
        int i = order[x];
        packed[x - from] = (counter[i] - min) << 32 | i;
      }
      Arrays.sort(packed);
      for (int x = from; x < to; x++) {
        order[x] = (int) packed[x - from];
      }
      return place;
    }
    Integer[] boxed = new Integer[c];
    for (int x = from; x < to; x++) {
      boxed[x - from] = order[x];
    }
    Arrays.sort(boxed, (a, b) -> Long.compare(counter[a], counter[b]));
    for (int x = from; x < to; x++) {
      order[x] = boxed[x - from];
    }
    return place;
  }

  /**
   * Writes the counter deltas and string keys of {@code order[from, to)}: short deltas and short
   * ASCII strings straight into the output's buffer (a plain {@link Output}), each other one, or
   * when the buffer is full, through the output's methods (which grow or flush it). The bytes are
   * those of {@link Output#writeVarLong(long, boolean)} and {@link Wire#writeString}.
   */
  private static void writeStrings(Output out, DotMap m, int[] order, int from, int to, long[] counter) {
    byte[] buffer = out.getBuffer();
    int p = out.position();
    long previous = 0;
    // The length of the string LOOKAHEAD elements on is read before this one is written: in dot
    // order the strings lie scattered in memory, and so their cache misses overlap rather than
    // come one after the other. lengths[x % LOOKAHEAD] is element x's.
    int[] lengths = new int[LOOKAHEAD];
    for (int x = from; x < Math.min(to, from + LOOKAHEAD); x++) {
      lengths[x & (LOOKAHEAD - 1)] = ((String) m.key(order[x])).length();
    }
    for (int x = from; x < to; x++) {
      int i = order[x];
      long delta = counter[i] - previous;
      previous = counter[i];
      String s = (String) m.key(i);
      int n = lengths[x & (LOOKAHEAD - 1)];
      if (x + LOOKAHEAD < to) {
        lengths[x & (LOOKAHEAD - 1)] = ((String) m.key(order[x + LOOKAHEAD])).length();
      }
      // at most 2 bytes of delta, 1 of length
      if (delta < 1 << 14 && n < 0x80 && n + 3 <= buffer.length - p) {
        int q = p;
        if (delta < 0x80) {
          buffer[q++] = (byte) delta;
        } else {
          buffer[q++] = (byte) (delta | 0x80);
          buffer[q++] = (byte) (delta >>> 7);
        }
        buffer[q++] = (byte) n;
        int chars = 0;
        for (int k = 0; k < n; k++) {
          char ch = s.charAt(k);
          chars |= ch;
          buffer[q + k] = (byte) ch;
        }
        if (chars < 0x80) {
          p = q + n;
          continue;
        }
        // not ASCII: the bytes written past p are overwritten below
      }
      out.setPosition(p);
      out.writeVarLong(delta, true);
      Wire.writeString(out, s);
      buffer = out.getBuffer();
      p = out.position();
    }
    out.setPosition(p);
  }

  /** How many elements ahead {@link #writeStrings} reads a string's length (a power of two). */
  private static final int LOOKAHEAD = 8;

  /** The entries of {@code m} marked -1 in {@code replica}, in the order of their first dots. */
  private static void writeSeveral(Kryo kryo, Output out, DotMap m, Wire.Table table, int codec, int[] replica,
      int multi) {
    Dot[][] dots = new Dot[multi][];
    int[] entry = new int[multi];
    Integer[] byFirstDot = new Integer[multi];
    for (int i = 0, k = 0; i < replica.length; i++) {
      if (replica[i] < 0) {
        dots[k] = Slots.dots(m.slot(i));
        entry[k] = i;
        byFirstDot[k] = k;
        k++;
      }
    }
    // first dots are distinct (a dot tags one element)
    Arrays.sort(byFirstDot, (a, b) -> dots[a][0].compareTo(dots[b][0]));
    for (int k : byFirstDot) {
      Dot[] ds = dots[k];
      out.writeVarInt(ds.length, true);
      for (Dot d : ds) {
        out.writeVarInt(table.indexOf(d.replica()), true);
        out.writeVarLong(d.counter(), true);
      }
      Wire.writeValue(kryo, out, codec, m.key(entry[k]), WHERE);
    }
  }

  // ---------------------------------------------------------------- decoding

  /**
   * Reads the element section of a set with replica table {@code table} and context {@code c}.
   * Without a hash map: the elements go into arrays, the single dots are unique by the wire order
   * (groups by ascending replica, counters strictly increasing), the few dots of elements with
   * several are checked against those by binary search and against each other by a sort, and
   * {@link DotMap#ofDistinct} finds repeated elements while sorting by hash.
   */
  static DotMap read(Kryo kryo, Input in, Settings settings, ReplicaId[] table, CausalContext c) {
    VersionVector vv = c.versionVector();
    int codec = Wire.readCodec(in);
    Registration type = Wire.readCodecClass(kryo, in, codec);
    int groups = Wire.readCount(in, settings, 3, "dot group");
    boolean direct = codec == Wire.STRING && RegionCache.inPlace(in);
    boolean inMemory = in.getInputStream() == null;
    int cap = 16;
    Object[] elements = new Object[cap];
    long[] hashed = new long[cap]; // per element, its hash << 32 | its index
    int[] replica = new int[cap];
    long[] counter = new long[cap];
    int size = 0;
    // per table index, the range of its group among the single dots
    int[] groupFrom = groups == 0 ? null : new int[table.length];
    int[] groupTo = groups == 0 ? null : new int[table.length];
    int lastReplica = -1;
    for (int g = 0; g < groups; g++) {
      int at = in.position();
      ReplicaId r = Wire.readReplica(in, table);
      int index = Arrays.binarySearch(table, r);
      if (index <= lastReplica) {
        throw Wire.fail(in, at, "dot groups not in replica order");
      }
      lastReplica = index;
      int n = Wire.readCount(in, settings, 2, "element");
      long seen = vv.get(r);
      if (size + n > cap) {
        // In memory, n was checked against the bytes that remain: room for all of them at once,
        // and at the first group for as many in each group (no more than the remaining bytes hold).
        cap = !inMemory ? Math.max(size + Wire.capacity(n), Math.min(cap * 2, size + n))
            : g > 0 ? Math.max(size + n, cap * 2)
            : (int) Math.max(n, Math.min((long) n * groups, n + (in.limit() - in.position()) / 2));
        elements = Arrays.copyOf(elements, cap);
        hashed = Arrays.copyOf(hashed, cap);
        replica = Arrays.copyOf(replica, cap);
        counter = Arrays.copyOf(counter, cap);
      }
      groupFrom[index] = size;
      long ctr = 0;
      int k = 0;
      while (k < n) {
        if (direct) {
          // As many elements as lie whole in the buffer, straight from it; a long varint, a long
          // or empty string's length, or a failed check stops the loop before the element, which
          // the general path below then reads (and rejects, where the input is bad).
          byte[] b = in.getBuffer();
          int p = in.position();
          int limit = in.limit();
          int maxBytes = settings.maxBytes();
          int end = Math.min(n - k, cap - size) + k;
          while (k < end && limit - p >= 2) {
            int q = p;
            long delta = b[q++];
            if (delta < 0) {
              int b1 = b[q++];
              if (b1 < 0 || q == limit) {
                break;
              }
              delta = (delta & 0x7F) | (long) b1 << 7;
            }
            long next = ctr + delta;
            int len = b[q++];
            if (delta == 0 || next < ctr || len < 0 || len > maxBytes || len > limit - q
                || next > seen && !c.contains(new Dot(r, next))) {
              break;
            }
            long hash = Wire.hashAscii(b, q, len);
            String e;
            int h;
            if (hash >= 0) {
              e = Wire.ascii(b, q, len);
              h = (int) hash;
            } else {
              e = new String(b, q, len, StandardCharsets.UTF_8);
              h = e.hashCode();
            }
            elements[size] = e;
            hashed[size] = (long) h << 32 | size;
            replica[size] = index;
            counter[size] = next;
            size++;
            ctr = next;
            p = q + len;
            k++;
          }
          in.setPosition(p);
          if (k == n) {
            break;
          }
        }
        int dat = in.position();
        long delta = in.readVarLong(true);
        if (delta < 1 || ctr + delta < ctr) {
          throw Wire.fail(in, dat, "dots of " + r + " must strictly increase");
        }
        ctr += delta;
        Object e = readElement(kryo, in, settings, codec, type);
        if (ctr > seen && !c.contains(new Dot(r, ctr))) {
          throw Wire.fail(in, dat, "dot " + new Dot(r, ctr) + " of '" + e + "' is not in the context " + c);
        }
        if (size == cap) {
          cap = cap * 2;
          elements = Arrays.copyOf(elements, cap);
          hashed = Arrays.copyOf(hashed, cap);
          replica = Arrays.copyOf(replica, cap);
          counter = Arrays.copyOf(counter, cap);
        }
        elements[size] = e;
        hashed[size] = (long) e.hashCode() << 32 | size;
        replica[size] = index;
        counter[size] = ctr;
        size++;
        k++;
      }
      groupTo[index] = size;
    }
    int m = Wire.readCount(in, settings, 5, "element with several dots");
    Object[] slots = null;
    List<Dot> multiDots = null;
    List<Object> multiOwners = null;
    for (int k = 0; k < m; k++) {
      int at = in.position();
      int n = Wire.readCount(in, settings, 2, "dot");
      if (n < 2) {
        throw Wire.fail(in, in.position(), "an element listed with several dots has " + n);
      }
      List<Dot> read = new ArrayList<>(Wire.capacity(n));
      for (int d = 0; d < n; d++) {
        ReplicaId r = Wire.readReplica(in, table);
        read.add(new Dot(r, Wire.readCounter(in, "counter of a dot")));
      }
      Object e = readElement(kryo, in, settings, codec, type);
      Dot[] ds = read.toArray(new Dot[0]);
      Arrays.sort(ds);
      for (int d = 0; d < n; d++) {
        if (d > 0 && ds[d].equals(ds[d - 1])) {
          throw Wire.fail(in, at, "dot " + ds[d] + " tags '" + e + "' twice");
        }
        if (!c.contains(ds[d])) {
          throw Wire.fail(in, at, "dot " + ds[d] + " of '" + e + "' is not in the context " + c);
        }
      }
      if (multiDots == null) {
        multiDots = new ArrayList<>();
        multiOwners = new ArrayList<>();
      }
      for (Dot d : ds) {
        multiDots.add(d);
        multiOwners.add(e);
        // against the elements with one dot: that dot's group is sorted by counter
        int index = Arrays.binarySearch(table, d.replica());
        if (groupFrom != null && groupTo[index] > groupFrom[index]) {
          int hit = Arrays.binarySearch(counter, groupFrom[index], groupTo[index], d.counter());
          if (hit >= 0) {
            throw Wire.fail(in, at, "dot " + d + " tags both '" + elements[hit] + "' and '" + e
                + "': replica " + d.replica() + " reused a dot");
          }
        }
      }
      if (size == cap) {
        cap = cap * 2;
        elements = Arrays.copyOf(elements, cap);
        hashed = Arrays.copyOf(hashed, cap);
        replica = Arrays.copyOf(replica, cap);
        counter = Arrays.copyOf(counter, cap);
      }
      if (slots == null) {
        slots = new Object[cap];
      } else if (slots.length < cap) {
        slots = Arrays.copyOf(slots, cap);
      }
      elements[size] = e;
      hashed[size] = (long) e.hashCode() << 32 | size;
      replica[size] = -1;
      slots[size] = ds;
      size++;
    }
    if (multiDots != null && multiDots.size() > 2) {
      // dots shared by two elements with several dots
      Integer[] byDot = new Integer[multiDots.size()];
      for (int x = 0; x < byDot.length; x++) {
        byDot[x] = x;
      }
      List<Dot> dots = multiDots;
      Arrays.sort(byDot, (x, y) -> dots.get(x).compareTo(dots.get(y)));
      for (int x = 1; x < byDot.length; x++) {
        Dot d = dots.get(byDot[x]);
        if (d.equals(dots.get(byDot[x - 1]))) {
          throw Wire.fail(in, in.position(), "dot " + d + " tags both '" + multiOwners.get(byDot[x - 1])
              + "' and '" + multiOwners.get(byDot[x]) + "': replica " + d.replica() + " reused a dot");
        }
      }
    }
    try {
      return DotMap.ofDistinct(elements, hashed, size, table, replica, counter, slots, "element");
    } catch (IllegalArgumentException e) {
      throw Wire.fail(in, in.position(), e.getMessage());
    }
  }

  private static Object readElement(Kryo kryo, Input in, Settings settings, int codec, Registration type) {
    int at = in.position();
    Object e = Wire.readValue(kryo, in, settings, codec, type, WHERE);
    if (e == null) {
      throw Wire.fail(in, at, "null element in an ORSet");
    }
    return e;
  }
}
