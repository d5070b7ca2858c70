package dev.converge.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.Lattice;
import dev.converge.ReplicaId;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.causal.DottedVersionVector;
import dev.converge.causal.Siblings;
import dev.converge.causal.VersionVector;
import dev.converge.counter.GCounter;
import dev.converge.internal.DotMap;
import dev.converge.internal.Trusted;
import dev.converge.counter.PNCounter;
import dev.converge.map.ORMap;
import dev.converge.register.LWWRegister;
import dev.converge.register.MVRegister;
import dev.converge.register.Timestamp;
import dev.converge.set.ORSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One serializer per Converge type. The layouts are documented in {@link ConvergeKryo}. */
final class Serializers {

  private Serializers() {}

  static final class ReplicaIdSerializer extends ConvergeSerializer<ReplicaId> {
    ReplicaIdSerializer(Settings s) {
      super(s, "ReplicaId", false);
    }

    @Override
    void writeBody(Kryo kryo, Output out, ReplicaId id) {
      encodedTables.writeId(out, id);
    }

    @Override
    ReplicaId readBody(Kryo kryo, Input in) {
      return Wire.readReplicaId(in, settings, ids, "replica id");
    }
  }

  static final class DotSerializer extends ConvergeSerializer<Dot> {
    DotSerializer(Settings s) {
      super(s, "Dot", false);
    }

    @Override
    void writeBody(Kryo kryo, Output out, Dot dot) {
      encodedTables.writeId(out, dot.replica());
      out.writeVarLong(dot.counter(), true);
    }

    @Override
    Dot readBody(Kryo kryo, Input in) {
      ReplicaId r = Wire.readReplicaId(in, settings, ids, "replica id");
      return new Dot(r, Wire.readCounter(in, r));
    }
  }

  /** Entries: the front-coded replica ids, then their counters. */
  static final class VersionVectorSerializer extends ConvergeSerializer<VersionVector> {
    VersionVectorSerializer(Settings s) {
      super(s, "VersionVector", false);
    }

    @Override
    void writeBody(Kryo kryo, Output out, VersionVector v) {
      writeEntries(out, v, encodedTables);
    }

    @Override
    VersionVector readBody(Kryo kryo, Input in) {
      return readEntries(in, settings, tables);
    }

    static void writeEntries(Output out, VersionVector v, EncodedTables tables) {
      tables.write(out, Wire.VECTORS.replicas(v));
      Wire.writeCounters(out, v);
    }

    /** The ids (strictly ascending, checked by readIds), then a counter of at least 1 for each. */
    static VersionVector readEntries(Input in, Settings settings, DecodedIds tables) {
      ReplicaId[] ids = tables.read(in, settings);
      return Wire.VECTORS.wrap(ids, Wire.readCounters(in, ids));
    }
  }

  /** Replica table, vector as (index, counter), cloud grouped by replica with counter deltas. */
  static final class CausalContextSerializer extends ConvergeSerializer<CausalContext> {
    CausalContextSerializer(Settings s) {
      super(s, "CausalContext", false);
    }

    @Override
    void writeBody(Kryo kryo, Output out, CausalContext c) {
      writeTableAndContext(out, c, encodedTables);
    }

    @Override
    CausalContext readBody(Kryo kryo, Input in) {
      ReplicaId[] table = Wire.Table.read(in, settings, tables);
      return Wire.readContext(in, settings, table);
    }
  }

  /** Writes the replica table of a context, then the context; returns the table for the dots that follow. */
  static Wire.Table writeTableAndContext(Output out, CausalContext c, EncodedTables tables) {
    Wire.Table table = tableOf(c);
    tables.write(out, table.ids());
    Wire.writeContext(out, c, table);
    return table;
  }

  static Wire.Table tableOf(CausalContext c) {
    if (c.cloudSize() == 0) {
      return Wire.Table.ofSorted(Wire.VECTORS.replicas(c.versionVector()));
    }
    Wire.Table table = new Wire.Table();
    table.addAll(c.versionVector());
    for (Dot d : c.cloud()) {
      table.add(d.replica());
    }
    table.seal();
    return table;
  }

  /** Replica table, the dot as (index, counter), the past as a vector. */
  static final class DottedVersionVectorSerializer extends ConvergeSerializer<DottedVersionVector> {
    DottedVersionVectorSerializer(Settings s) {
      super(s, "DottedVersionVector", false);
    }

    @Override
    void writeBody(Kryo kryo, Output out, DottedVersionVector e) {
      Wire.Table table = new Wire.Table();
      table.addAll(e.past());
      table.add(e.dot().replica());
      table.seal();
      encodedTables.write(out, table.ids());
      out.writeVarInt(table.indexOf(e.dot().replica()), true);
      out.writeVarLong(e.dot().counter(), true);
      Wire.writeVector(out, e.past(), table);
    }

    @Override
    DottedVersionVector readBody(Kryo kryo, Input in) {
      ReplicaId[] table = Wire.Table.read(in, settings, tables);
      ReplicaId r = Wire.readReplica(in, table);
      Dot dot = new Dot(r, Wire.readCounter(in, "counter of the dot"));
      return DottedVersionVector.of(dot, Wire.readVector(in, settings, table));
    }
  }

  /** As a version vector. */
  static final class GCounterSerializer extends ConvergeSerializer<GCounter> {
    GCounterSerializer(Settings s) {
      super(s, "GCounter", false);
    }

    @Override
    void writeBody(Kryo kryo, Output out, GCounter c) {
      VersionVectorSerializer.writeEntries(out, c.counts(), encodedTables);
    }

    @Override
    GCounter readBody(Kryo kryo, Input in) {
      return GCounter.of(VersionVectorSerializer.readEntries(in, settings, tables));
    }
  }

  /** Replica table, increments and decrements as (index, counter) vectors. */
  static final class PNCounterSerializer extends ConvergeSerializer<PNCounter> {
    PNCounterSerializer(Settings s) {
      super(s, "PNCounter", false);
    }

    @Override
    void writeBody(Kryo kryo, Output out, PNCounter c) {
      VersionVector p = c.increments().counts();
      VersionVector n = c.decrements().counts();
      ReplicaId[] table = Wire.union(Wire.VECTORS.replicas(p), Wire.VECTORS.replicas(n));
      encodedTables.write(out, table);
      Wire.writeVector(out, p, table);
      Wire.writeVector(out, n, table);
    }

    @Override
    PNCounter readBody(Kryo kryo, Input in) {
      ReplicaId[] table = Wire.Table.read(in, settings, tables);
      GCounter p = GCounter.of(Wire.readVector(in, settings, table));
      GCounter n = GCounter.of(Wire.readVector(in, settings, table));
      return PNCounter.of(p, n);
    }
  }

  /** The packed stamp. */
  static final class TimestampSerializer extends ConvergeSerializer<Timestamp> {
    TimestampSerializer(Settings s) {
      super(s, "Timestamp", false);
    }

    @Override
    void writeBody(Kryo kryo, Output out, Timestamp t) {
      out.writeVarLong(t.asLong(), true);
    }

    @Override
    Timestamp readBody(Kryo kryo, Input in) {
      return Timestamp.fromLong(in.readVarLong(true));
    }
  }

  /** Count of values (0: empty), then stamp, writer, codec and the values (several only for colliding writes). */
  static final class LWWRegisterSerializer extends ConvergeSerializer<LWWRegister<?>> {
    LWWRegisterSerializer(Settings s) {
      super(s, "LWWRegister", false);
    }

    @Override
    void writeBody(Kryo kryo, Output out, LWWRegister<?> r) {
      if (r.isEmpty()) {
        out.writeVarInt(0, true);
        return;
      }
      List<?> values = r.values();
      int n = values.size();
      out.writeVarInt(n, true);
      out.writeVarLong(r.timestamp().orElseThrow().asLong(), true);
      encodedTables.writeId(out, r.writer().orElseThrow());
      Object first = values.get(0);
      int codec = n == 1 ? Wire.codecOf(first.getClass()) : Wire.codecFor(values);
      Wire.writeCodec(kryo, out, codec, first, "an LWWRegister");
      for (int i = 0; i < n; i++) {
        Wire.writeValue(kryo, out, codec, values.get(i), "an LWWRegister");
      }
    }

    @Override
    LWWRegister<?> readBody(Kryo kryo, Input in) {
      int n = Wire.readCount(in, settings, 1, "register value");
      if (n == 0) {
        return LWWRegister.empty();
      }
      Timestamp t = Timestamp.fromLong(in.readVarLong(true));
      int at = in.position();
      ReplicaId writer = Wire.readReplicaId(in, settings, ids, "writer");
      int codec = Wire.readCodec(in);
      Registration type = Wire.readCodecClass(kryo, in, codec);
      if (n == 1) {
        return LWWRegister.of(Wire.readValue(kryo, in, settings, codec, type, "an LWWRegister"), t, writer);
      }
      List<Object> values = new ArrayList<>(Wire.capacity(n));
      for (int i = 0; i < n; i++) {
        values.add(Wire.readValue(kryo, in, settings, codec, type, "an LWWRegister"));
      }
      LWWRegister<Object> r = LWWRegister.ofColliding(values, t, writer);
      if (r.values().size() != n) {
        throw Wire.fail(in, at, "register holds " + n + " values, " + (n - r.values().size()) + " of them repeated");
      }
      return r;
    }
  }

  /** Replica table, context, codec, count, then each value's dot (index, counter) and value. */
  static final class MVRegisterSerializer extends ConvergeSerializer<MVRegister<?>> {
    MVRegisterSerializer(Settings s) {
      super(s, "MVRegister", true);
    }

    @Override
    void writeBody(Kryo kryo, Output out, MVRegister<?> r) {
      Wire.Table table = writeTableAndContext(out, r.context(), encodedTables);
      writeTaggedValues(kryo, out, r.valuesByDot(), table, "an MVRegister");
    }

    @Override
    MVRegister<?> readBody(Kryo kryo, Input in) {
      ReplicaId[] table = Wire.Table.read(in, settings, tables);
      CausalContext c = Wire.readContext(in, settings, table);
      return MVRegister.of(c, readTaggedValues(kryo, in, settings, table, "an MVRegister"));
    }
  }

  static void writeTaggedValues(Kryo kryo, Output out, Map<Dot, ?> byDot, Wire.Table table, String where) {
    int codec = Wire.codecFor(byDot.values());
    Wire.writeCodec(kryo, out, codec, byDot.isEmpty() ? null : byDot.values().iterator().next(), where);
    out.writeVarInt(byDot.size(), true);
    for (Map.Entry<Dot, ?> e : byDot.entrySet()) {
      out.writeVarInt(table.indexOf(e.getKey().replica()), true);
      out.writeVarLong(e.getKey().counter(), true);
      Wire.writeValue(kryo, out, codec, e.getValue(), where);
    }
  }

  static Map<Dot, Object> readTaggedValues(Kryo kryo, Input in, Settings settings, ReplicaId[] table, String where) {
    int codec = Wire.readCodec(in);
    Registration type = Wire.readCodecClass(kryo, in, codec);
    int n = Wire.readCount(in, settings, 3, "value");
    Map<Dot, Object> out = new LinkedHashMap<>(Wire.capacity(n));
    Dot previous = null;
    for (int i = 0; i < n; i++) {
      int at = in.position();
      ReplicaId r = Wire.readReplica(in, table);
      Dot d = new Dot(r, Wire.readCounter(in, "counter of a dot"));
      if (previous != null && previous.compareTo(d) >= 0) {
        throw Wire.fail(in, at, "dots of " + where + " not strictly ascending: " + previous + " before " + d);
      }
      previous = d;
      out.put(d, Wire.readValue(kryo, in, settings, codec, type, where));
    }
    return out;
  }

  /**
   * Replica table, codec, server entries (index, counter, then the values of its newest dots,
   * count first), then the initial values.
   */
  static final class SiblingsSerializer extends ConvergeSerializer<Siblings<?>> {
    SiblingsSerializer(Settings s) {
      super(s, "Siblings", true);
    }

    @Override
    void writeBody(Kryo kryo, Output out, Siblings<?> s) {
      VersionVector ctx = s.context();
      Wire.Table table = new Wire.Table();
      table.addAll(ctx);
      table.seal();
      encodedTables.write(out, table.ids());
      List<?> values = s.values();
      int codec = Wire.codecFor(values);
      Wire.writeCodec(kryo, out, codec, values.isEmpty() ? null : values.get(0), "a Siblings");
      Map<Dot, ?> byDot = s.valuesByDot();
      Wire.writeVector(out, ctx, table);
      // per server, in the vector's order: how many values it holds (its newest dots)
      int[] held = new int[ctx.size()];
      for (Dot d : byDot.keySet()) {
        held[table.indexOf(d.replica())]++;
      }
      for (int i = 0; i < held.length; i++) {
        out.writeVarInt(held[i], true);
      }
      for (Object v : byDot.values()) {
        Wire.writeValue(kryo, out, codec, v, "a Siblings");
      }
      List<?> initial = values.subList(byDot.size(), values.size());
      out.writeVarInt(initial.size(), true);
      for (Object v : initial) {
        Wire.writeValue(kryo, out, codec, v, "a Siblings");
      }
    }

    @Override
    Siblings<?> readBody(Kryo kryo, Input in) {
      ReplicaId[] table = Wire.Table.read(in, settings, tables);
      int codec = Wire.readCodec(in);
      Registration type = Wire.readCodecClass(kryo, in, codec);
      VersionVector ctx = Wire.readVector(in, settings, table);
      if (ctx.size() != table.length) {
        throw Wire.fail(in, in.position(), "the context names " + ctx.size() + " of the table's " + table.length + " servers");
      }
      int[] held = new int[ctx.size()];
      for (int i = 0; i < held.length; i++) {
        int at = in.position();
        held[i] = Wire.readCount(in, settings, 1, "sibling");
        if (held[i] > ctx.counterAt(i)) {
          throw Wire.fail(in, at, "server " + ctx.replicaAt(i) + " holds " + held[i] + " values but issued " + ctx.counterAt(i));
        }
      }
      Map<Dot, Object> byDot = new HashMap<>();
      for (int i = 0; i < held.length; i++) {
        for (int k = 0; k < held[i]; k++) {
          Dot d = new Dot(ctx.replicaAt(i), ctx.counterAt(i) - held[i] + 1 + k);
          byDot.put(d, Wire.readValue(kryo, in, settings, codec, type, "a Siblings"));
        }
      }
      int n = Wire.readCount(in, settings, 1, "initial value");
      if (n > 0 && !ctx.isEmpty()) {
        throw Wire.fail(in, in.position(), "initial values next to stamped ones");
      }
      if (n == 0) {
        return Siblings.of(ctx, byDot);
      }
      List<Object> initial = new ArrayList<>(Wire.capacity(n));
      for (int i = 0; i < n; i++) {
        initial.add(Wire.readValue(kryo, in, settings, codec, type, "a Siblings"));
      }
      Siblings<Object> s = Siblings.ofInitial(initial);
      if (s.size() != n) {
        throw Wire.fail(in, in.position(), "initial values repeat");
      }
      return s;
    }
  }

  /**
   * Replica table, context, element codec; then the elements kept by a single dot, grouped by the
   * dot's replica and sorted by counter (index, count, then per element the counter's delta and
   * the element); then the elements kept by several dots (count, dots, element). Sorting by dot
   * makes the bytes canonical without ordering the elements themselves.
   */
  static final class ORSetSerializer extends ConvergeSerializer<ORSet<?>> {
    private static final Trusted.Sets SETS = Trusted.sets();

    ORSetSerializer(Settings s) {
      super(s, "ORSet", true);
    }

    @Override
    void writeBody(Kryo kryo, Output out, ORSet<?> set) {
      Wire.Table table = writeTableAndContext(out, set.context(), encodedTables);
      ORSetCodec.write(kryo, out, SETS.entries(set), table);
    }

    /** The replica table and the context, then {@link ORSetCodec#read}. */
    @Override
    ORSet<?> readBody(Kryo kryo, Input in) {
      ReplicaId[] table = Wire.Table.read(in, settings, tables);
      CausalContext c = Wire.readContext(in, settings, table);
      return SETS.wrap(ORSetCodec.read(kryo, in, settings, table, c), c);
    }

    /** Sorts {@code keys[lo..hi]} ascending, moving {@code values} along (quicksort, insertion sort for short runs). */
    static void sortParallel(long[] keys, Object[] values, int lo, int hi) {
      sortParallel(keys, values, null, lo, hi);
    }

    /** {@link #sortParallel(long[], Object[], int, int)}, moving {@code ints} along too unless it is {@code null}. */
    static void sortParallel(long[] keys, Object[] values, int[] ints, int lo, int hi) {
      while (hi - lo > 16) {
        long pivot = keys[(lo + hi) >>> 1];
        int i = lo;
        int j = hi;
        while (i <= j) {
          while (keys[i] < pivot) {
            i++;
          }
          while (keys[j] > pivot) {
            j--;
          }
          if (i <= j) {
            long k = keys[i];
            keys[i] = keys[j];
            keys[j] = k;
            Object v = values[i];
            values[i] = values[j];
            values[j] = v;
            if (ints != null) {
              int t = ints[i];
              ints[i] = ints[j];
              ints[j] = t;
            }
            i++;
            j--;
          }
        }
        // recurse into the smaller part, loop on the larger: stack depth O(log n)
        if (j - lo < hi - i) {
          sortParallel(keys, values, ints, lo, j);
          lo = i;
        } else {
          sortParallel(keys, values, ints, i, hi);
          hi = j;
        }
      }
      for (int i = lo + 1; i <= hi; i++) {
        long k = keys[i];
        Object v = values[i];
        int t = ints == null ? 0 : ints[i];
        int j = i - 1;
        while (j >= lo && keys[j] > k) {
          keys[j + 1] = keys[j];
          values[j + 1] = values[j];
          if (ints != null) {
            ints[j + 1] = ints[j];
          }
          j--;
        }
        keys[j + 1] = k;
        values[j + 1] = v;
        if (ints != null) {
          ints[j + 1] = t;
        }
      }
    }

  }

  /**
   * Replica table, context, the zero value, key codec, value codec, count, then per key (in the
   * order of its first dot): the key, its number of values, and per value its dot and the value.
   */
  static final class ORMapSerializer extends ConvergeSerializer<ORMap<?, ?>> {
    ORMapSerializer(Settings s) {
      super(s, "ORMap", true);
    }

    @Override
    void writeBody(Kryo kryo, Output out, ORMap<?, ?> map) {
      writeMap(kryo, out, map);
    }

    private <K, V extends Lattice<V>> void writeMap(Kryo kryo, Output out, ORMap<K, V> map) {
      Wire.Table table = writeTableAndContext(out, map.context(), encodedTables);
      Wire.writeTyped(kryo, out, map.zero(), "an ORMap's zero value");
      int n = map.size();
      Flat flat = new Flat(n);
      map.forEachValue(flat);
      int[] starts = flat.starts;
      starts[n] = flat.count;
      Dot[] dots = flat.dots;
      Object[] values = flat.values;
      // Keys in the order of their first dot: (replica index, counter) packed in a long when the
      // counter fits in 40 bits (always, in practice), else compared as dots. Keys move along with
      // their position in the flat arrays.
      Object[] keys = flat.keys;
      Object firstKey = n == 0 ? null : keys[0];
      long[] order = new long[n];
      int[] positions = new int[n];
      boolean packable = true;
      for (int k = 0; k < n; k++) {
        Dot first = dots[starts[k]];
        if (first.counter() >= 1L << 40) {
          packable = false;
        }
        order[k] = ((long) table.indexOf(first.replica()) << 40) | (first.counter() & ((1L << 40) - 1));
        positions[k] = k;
      }
      if (packable) {
        ORSetSerializer.sortParallel(order, keys, positions, 0, n - 1);
      } else {
        List<Integer> byFirstDot = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
          byFirstDot.add(k);
        }
        byFirstDot.sort((x, y) -> dots[starts[x]].compareTo(dots[starts[y]]));
        Object[] unsorted = keys.clone();
        for (int k = 0; k < n; k++) {
          positions[k] = byFirstDot.get(k);
          keys[k] = unsorted[positions[k]];
        }
      }
      int keyCodec = flat.keyClass == null ? Wire.NONE : flat.mixedKeys ? Wire.MIXED : Wire.codecOf(flat.keyClass);
      Wire.writeCodec(kryo, out, keyCodec, firstKey, "an ORMap's keys");
      int valueCodec = flat.valueClass == null ? Wire.NONE : flat.mixedValues ? Wire.MIXED : Wire.codecOf(flat.valueClass);
      Wire.writeCodec(kryo, out, valueCodec, n == 0 ? null : values[0], "an ORMap's values");
      out.writeVarInt(n, true);
      for (int k = 0; k < n; k++) {
        Wire.writeValue(kryo, out, keyCodec, keys[k], "an ORMap's keys");
        int from = starts[positions[k]];
        int to = starts[positions[k] + 1];
        out.writeVarInt(to - from, true);
        for (int j = from; j < to; j++) {
          out.writeVarInt(table.indexOf(dots[j].replica()), true);
          out.writeVarLong(dots[j].counter(), true);
          Wire.writeValue(kryo, out, valueCodec, values[j], "an ORMap's values");
        }
      }
    }

    /**
     * An ORMap's values in flat arrays, as {@link ORMap#forEachValue} gives them: the keys in map
     * order, where each key's values start, every dot and value, and the classes seen.
     */
    private static final class Flat implements ORMap.ValueConsumer<Object, Object> {
      final Object[] keys;
      /** Where each key's values start in dots and values; one more slot for the end. */
      final int[] starts;
      Dot[] dots;
      Object[] values;
      int count;
      private int key = -1;
      Class<?> keyClass;
      boolean mixedKeys;
      Class<?> valueClass;
      boolean mixedValues;

      Flat(int keys) {
        this.keys = new Object[keys];
        this.starts = new int[keys + 1];
        this.dots = new Dot[keys];
        this.values = new Object[keys];
      }

      @Override
      public void accept(Object k, Dot dot, Object value) {
        if (key < 0 || keys[key] != k) {
          keys[++key] = k;
          starts[key] = count;
          if (keyClass == null) {
            keyClass = k.getClass();
          } else if (k.getClass() != keyClass) {
            mixedKeys = true;
          }
        }
        if (count == dots.length) {
          dots = Arrays.copyOf(dots, Math.max(8, 2 * count));
          values = Arrays.copyOf(values, dots.length);
        }
        dots[count] = dot;
        values[count++] = value;
        if (valueClass == null) {
          valueClass = value.getClass();
        } else if (value.getClass() != valueClass) {
          mixedValues = true;
        }
      }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    ORMap<?, ?> readBody(Kryo kryo, Input in) {
      ReplicaId[] table = Wire.Table.read(in, settings, tables);
      CausalContext c = Wire.readContext(in, settings, table);
      int at = in.position();
      Object zero = Wire.readTyped(kryo, in, "an ORMap's zero value");
      if (!(zero instanceof Lattice)) {
        throw Wire.fail(in, at, "the zero value is not a Lattice: " + zero.getClass().getName());
      }
      int keyCodec = Wire.readCodec(in);
      Registration keyType = Wire.readCodecClass(kryo, in, keyCodec);
      int valueCodec = Wire.readCodec(in);
      Registration valueType = Wire.readCodecClass(kryo, in, valueCodec);
      int n = Wire.readCount(in, settings, 5, "key");
      Map<Object, Map<Dot, Lattice>> entries = new HashMap<>();
      for (int k = 0; k < n; k++) {
        Object key = Wire.readValue(kryo, in, settings, keyCodec, keyType, "an ORMap's keys");
        int m = Wire.readCount(in, settings, 3, "value");
        Map<Dot, Lattice> byDot = new LinkedHashMap<>(Wire.capacity(m));
        for (int v = 0; v < m; v++) {
          ReplicaId r = Wire.readReplica(in, table);
          Dot d = new Dot(r, Wire.readCounter(in, "counter of a dot"));
          int vat = in.position();
          Object value = Wire.readValue(kryo, in, settings, valueCodec, valueType, "an ORMap's values");
          if (!(value instanceof Lattice) || value.getClass() != zero.getClass()) {
            throw Wire.fail(in, vat, "a value of " + value.getClass().getName() + " in a map of " + zero.getClass().getName());
          }
          if (byDot.put(d, (Lattice) value) != null) {
            throw Wire.fail(in, vat, "dot " + d + " repeats");
          }
        }
        if (entries.put(key, byDot) != null) {
          throw Wire.fail(in, in.position(), "key '" + key + "' appears twice");
        }
      }
      return ORMap.of((Lattice) zero, c, (Map) entries);
    }
  }
}
