package dev.converge.internal;

import dev.converge.Causality;
import dev.converge.ReplicaId;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * An immutable map from keys to dot slots (see {@link Slots}), the store behind ORSet and ORMap.
 *
 * <p>Entries are kept in parallel arrays sorted by the keys' hash codes, so lookups are a binary
 * search and a merge is one linear walk over both maps (no hashing, no tree). Keys with equal hash
 * codes are ordered by {@link #TIE_BREAK}; the walk matches them group by group, so it stays
 * correct even where the tie-break cannot order two distinct keys.
 *
 * <p>An entry whose slot is one {@link Dot} (almost every element of an ORSet) is stored
 * <em>inline</em>: its replica in {@code replicas} and its counter in {@code counters}, with no
 * {@code Dot} object, so a merge reads the dots of both maps from two sequential arrays instead of
 * chasing one object per entry. Replica ids are canonical instances (see {@link ReplicaId#of}),
 * so inline dots compare by reference. Every other slot (a {@code Dot[]} or a {@link Tagged}) is
 * in {@code slots}. The representation is canonical: a single dot is always inline, never in
 * {@code slots}. {@link #slot(int)} and {@link #get(Object)} build the {@code Dot} of an inline
 * entry when asked.
 */
public final class DotMap {

  private static final Object[] NO_KEYS = {};
  private static final int[] NO_HASHES = {};

  /** The empty map. */
  public static final DotMap EMPTY = new DotMap(NO_KEYS, NO_HASHES, null, null, null);

  /** Orders distinct keys with equal hash codes deterministically. */
  static final Comparator<Object> TIE_BREAK = Canonical.TIE_BREAK;

  private final Object[] keys;
  private final int[] hashes;
  /** The replica of entry {@code i}'s dot when the entry is inline, else {@code null}; {@code null} when no entry is. */
  private final ReplicaId[] replicas;
  /** The counter of entry {@code i}'s dot when the entry is inline; {@code null} with {@code replicas}. */
  private final long[] counters;
  /** The slot of entry {@code i} when it is not inline, else {@code null}; {@code null} when every entry is inline. */
  private final Object[] slots;

  private DotMap(Object[] keys, int[] hashes, ReplicaId[] replicas, long[] counters, Object[] slots) {
    this.keys = keys;
    this.hashes = hashes;
    this.replicas = replicas;
    this.counters = counters;
    this.slots = slots;
  }

  /** The number of keys. */
  public int size() {
    return keys.length;
  }

  /** Key {@code i} in the map's order. */
  public Object key(int i) {
    return keys[i];
  }

  /** The slot of key {@code i} (a new {@link Dot} for an entry with one dot). */
  public Object slot(int i) {
    ReplicaId r = replicas == null ? null : replicas[i];
    return r != null ? new Dot(r, counters[i]) : slots[i];
  }

  /** The number of dots of key {@code i}, without building its slot. */
  public int dotCount(int i) {
    return replicas != null && replicas[i] != null ? 1 : Slots.dotCount(slots[i]);
  }

  /** The index of {@code key}, or {@code -1}. */
  public int indexOf(Object key) {
    int h = key.hashCode();
    int lo = firstWithHash(h);
    for (int i = lo; i < hashes.length && hashes[i] == h; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /** The slot of {@code key}, or {@code null}. */
  public Object get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : slot(i);
  }

  /** The first index whose hash is at least {@code h}. */
  private int firstWithHash(int h) {
    int lo = 0;
    int hi = hashes.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (hashes[mid] < h) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private boolean isInline(int i) {
    return replicas != null && replicas[i] != null;
  }

  /** The map with {@code key} bound to {@code slot} (replacing its slot, or inserted in order). */
  public DotMap put(Object key, Object slot) {
    int n = keys.length;
    int h = key.hashCode();
    int at = firstWithHash(h);
    for (; at < n && hashes[at] == h; at++) {
      if (keys[at].equals(key)) {
        Out o = new Out(n);
        o.copyRange(this, 0, at);
        o.put(keys[at], h, slot);
        o.copyRange(this, at + 1, n);
        return o.build();
      }
      if (TIE_BREAK.compare(keys[at], key) > 0) {
        break;
      }
    }
    Out o = new Out(n + 1);
    o.copyRange(this, 0, at);
    o.put(key, h, slot);
    o.copyRange(this, at, n);
    return o.build();
  }

  /** The map without {@code key}; {@code this} when absent. */
  public DotMap remove(Object key) {
    int i = indexOf(key);
    if (i < 0) {
      return this;
    }
    int n = keys.length;
    Out o = new Out(n - 1);
    o.copyRange(this, 0, i);
    o.copyRange(this, i + 1, n);
    return o.build();
  }

  /** The map without the keys in {@code remove}; one pass. {@code this} when none is present. */
  public DotMap removeAll(Collection<?> remove) {
    Set<?> set = remove instanceof Set ? (Set<?>) remove : new HashSet<>(remove);
    int n = keys.length;
    Out o = null;
    int run = 0; // start of the current run of kept entries
    for (int i = 0; i < n; i++) {
      if (set.contains(keys[i])) {
        if (o == null) {
          o = new Out(n - 1);
        }
        o.copyRange(this, run, i);
        run = i + 1;
      }
    }
    if (o == null) {
      return this;
    }
    o.copyRange(this, run, n);
    return o.build();
  }

  /**
   * The map with every key of {@code keys} bound to the slot {@code slotFor} gives it (replacing
   * present keys): one sort of the new keys and one merge pass.
   */
  public DotMap putAll(List<?> newKeys, IntFunction<Object> slotFor) {
    int m = newKeys.size();
    if (m == 0) {
      return this;
    }
    int[] order = sortByHash(newKeys);
    Out add = new Out(m);
    for (int i = 0; i < m; i++) {
      Object key = newKeys.get(order[i]);
      add.put(key, key.hashCode(), slotFor.apply(order[i]));
    }
    DotMap added = add.build();
    if (keys.length == 0) {
      return added;
    }
    // Walk both; on equal keys the added slot wins.
    int n = keys.length;
    Out o = new Out(n + m);
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      int c = i == n ? 1 : j == m ? -1 : compareAt(this, i, added, j);
      if (c < 0) {
        o.copy(this, i++);
      } else if (c > 0) {
        o.copy(added, j++);
      } else if (keys[i].equals(added.keys[j])) {
        o.copy(added, j++);
        i++;
      } else {
        o.copy(this, i++); // distinct keys the tie-break cannot order
      }
    }
    return o.build();
  }

  /**
   * The indexes of {@code keys} in map order: a primitive sort of (hash, index) pairs packed in
   * longs, then the tie-break within runs of equal hashes.
   */
  private static int[] sortByHash(List<?> keys) {
    int m = keys.size();
    long[] packed = new long[m];
    for (int i = 0; i < m; i++) {
      packed[i] = ((long) keys.get(i).hashCode() << 32) | i;
    }
    Arrays.sort(packed);
    int[] order = new int[m];
    for (int i = 0; i < m; i++) {
      order[i] = (int) packed[i];
    }
    for (int i = 0; i < m; ) {
      int h = (int) (packed[i] >> 32);
      int j = i + 1;
      while (j < m && (int) (packed[j] >> 32) == h) {
        j++;
      }
      if (j - i > 1) {
        Integer[] run = new Integer[j - i];
        for (int k = i; k < j; k++) {
          run[k - i] = order[k];
        }
        Arrays.sort(run, (x, y) -> TIE_BREAK.compare(keys.get(x), keys.get(y)));
        for (int k = i; k < j; k++) {
          order[k] = run[k - i];
        }
      }
      i = j;
    }
    return order;
  }

  private static int compareAt(DotMap a, int i, DotMap b, int j) {
    int c = Integer.compare(a.hashes[i], b.hashes[j]);
    return c != 0 ? c : TIE_BREAK.compare(a.keys[i], b.keys[j]);
  }

  /**
   * The join of this map (from a state with context {@code ca}) and {@code other} (context
   * {@code cb}): a linear walk over both. Returns {@code this} or {@code other} itself when the
   * result equals one of them.
   */
  public DotMap merge(DotMap other, CausalContext ca, CausalContext cb) {
    Builder b = new Builder(this, other, false);
    walk(other, ca, cb, b);
    return b.result();
  }

  /**
   * The lattice order of two dot-store states (this map with context {@code ca}, {@code other}
   * with {@code cb}): one is below the other exactly when merging gives back the other, that is
   * when its context is included and the merge walk changes nothing of the other's entries. No
   * result is built.
   */
  public Causality order(DotMap other, CausalContext ca, CausalContext cb) {
    Causality contexts = ca.compare(cb);
    Builder b = new Builder(this, other, true);
    walk(other, ca, cb, b);
    boolean le = contexts.isBeforeOrEqual() && b.sameAsB();
    boolean ge = contexts.isAfterOrEqual() && b.sameAsA();
    if (le) {
      return ge ? Causality.EQUAL : Causality.BEFORE;
    }
    return ge ? Causality.AFTER : Causality.CONCURRENT;
  }

  /** An unmodifiable set view of the keys, in map order; {@code contains} is a lookup. */
  public Set<Object> keyView() {
    return new AbstractSet<>() {
      @Override
      public boolean contains(Object o) {
        return o != null && indexOf(o) >= 0;
      }

      @Override
      public Iterator<Object> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < keys.length;
          }

          @Override
          public Object next() {
            if (next >= keys.length) {
              throw new NoSuchElementException();
            }
            return keys[next++];
          }
        };
      }

      @Override
      public int size() {
        return keys.length;
      }
    };
  }

  /** Key pairs compared per block of the merge walk (see {@link #walk}). */
  private static final int BLOCK = 256;

  /**
   * The merge walk: entries of one side only are filtered by the other side's context, entries of
   * both are merged. Inline entries are handled from the arrays, without building a {@code Dot}.
   *
   * <p>The walk goes block by block. A first pass over the hash arrays alone finds the next
   * {@link #BLOCK} pairs of keys with a hash of their own on each side; a tight loop then compares
   * those keys; a second pass over the same stretch of the hash arrays emits the entries. Comparing
   * keys means reading both key objects, which in a large map are all over the heap: in the tight
   * loop the processor overlaps those reads, while in the branchy walk every mispredicted branch
   * discards the reads under way (measured: 5 to 10 times slower at 100k keys).
   */
  private void walk(DotMap other, CausalContext ca, CausalContext cb, Builder b) {
    Object[] ka = keys;
    Object[] kb = other.keys;
    int[] ha = hashes;
    int[] hb = other.hashes;
    int n = ka.length;
    int m = kb.length;
    int block = Math.min(BLOCK, Math.min(n, m));
    int[] pairA = new int[block];
    int[] pairB = new int[block];
    boolean[] equal = new boolean[block];
    int i = 0;
    int j = 0;
    while (i < n && j < m && b.live()) {
      // Pass 1: the pairs of the block, and where the block ends (ei, ej).
      int ei = i;
      int ej = j;
      int pairs = 0;
      while (ei < n && ej < m && pairs < block) {
        int x = ha[ei];
        int y = hb[ej];
        if (x < y) {
          ei++;
        } else if (x > y) {
          ej++;
        } else if ((ei + 1 == n || ha[ei + 1] != x) && (ej + 1 == m || hb[ej + 1] != y)) {
          pairA[pairs] = ei++;
          pairB[pairs++] = ej++;
        } else {
          ei = endOfGroup(ha, ei);
          ej = endOfGroup(hb, ej);
        }
      }
      // The keys of the pairs.
      for (int p = 0; p < pairs; p++) {
        Object x = ka[pairA[p]];
        Object y = kb[pairB[p]];
        equal[p] = x == y || x.equals(y);
      }
      // Pass 2: the same steps as pass 1, emitting.
      int pair = 0;
      while ((i < ei || j < ej) && b.live()) {
        int x = ha[i];
        int y = hb[j];
        if (x < y) {
          filterA(i, cb, b);
          i++;
        } else if (x > y) {
          other.filterB(j, ca, b);
          j++;
        } else if ((i + 1 == n || ha[i + 1] != x) && (j + 1 == m || hb[j + 1] != y)) {
          if (equal[pair++]) {
            mergePair(other, i, j, ca, cb, b);
          } else {
            mergeGroup(other, i, i + 1, j, j + 1, ca, cb, b);
          }
          i++;
          j++;
        } else {
          int i2 = endOfGroup(ha, i);
          int j2 = endOfGroup(hb, j);
          mergeGroup(other, i, i2, j, j2, ca, cb, b);
          i = i2;
          j = j2;
        }
      }
    }
    for (; i < n && b.live(); i++) {
      filterA(i, cb, b);
    }
    for (; j < m && b.live(); j++) {
      other.filterB(j, ca, b);
    }
  }

  /** The index after the run of entries with the hash of entry {@code i}. */
  private static int endOfGroup(int[] hashes, int i) {
    int h = hashes[i];
    int e = i + 1;
    while (e < hashes.length && hashes[e] == h) {
      e++;
    }
    return e;
  }

  /** Entry {@code i} of map a (this), whose key map b lacks, after dropping what {@code seen} has. */
  private void filterA(int i, CausalContext seen, Builder b) {
    ReplicaId r = replicas == null ? null : replicas[i];
    if (r != null) {
      if (!seen.contains(r, counters[i])) {
        b.fromA(i);
      }
      return;
    }
    Object s = Slots.filter(slots[i], seen);
    if (s == slots[i]) {
      b.fromA(i);
    } else if (s != null) {
      b.fresh(keys[i], hashes[i], s);
    }
  }

  /** Entry {@code j} of map b (this), whose key map a lacks, after dropping what {@code seen} has. */
  private void filterB(int j, CausalContext seen, Builder b) {
    ReplicaId r = replicas == null ? null : replicas[j];
    if (r != null) {
      if (!seen.contains(r, counters[j])) {
        b.fromB(j);
      }
      return;
    }
    Object s = Slots.filter(slots[j], seen);
    if (s == slots[j]) {
      b.fromB(j);
    } else if (s != null) {
      b.fresh(keys[j], hashes[j], s);
    }
  }

  /** Entry {@code i} of this map and entry {@code j} of {@code other}, whose keys are equal. */
  private void mergePair(DotMap other, int i, int j, CausalContext ca, CausalContext cb, Builder b) {
    ReplicaId ra = replicas == null ? null : replicas[i];
    ReplicaId rb = other.replicas == null ? null : other.replicas[j];
    if (ra != null && rb != null) {
      long x = counters[i];
      long y = other.counters[j];
      if (ra == rb && x == y) {
        b.fromBoth(i, j);
        return;
      }
      boolean keepA = !cb.contains(ra, x);
      boolean keepB = !ca.contains(rb, y);
      if (keepA && keepB) {
        Dot da = new Dot(ra, x);
        Dot db = new Dot(rb, y);
        b.fresh(keys[i], hashes[i], da.compareTo(db) < 0 ? new Dot[] {da, db} : new Dot[] {db, da});
      } else if (keepA) {
        b.fromA(i);
      } else if (keepB) {
        b.fromB(j);
      }
      return;
    }
    Object sa = slot(i);
    Object sb = other.slot(j);
    Object s = Slots.merge(sa, sb, ca, cb);
    b.emit(keys[i], hashes[i], s, s == sa ? i : -1, s == sb || (s == sa && Slots.same(sa, sb)) ? j : -1);
  }

  /** Keys sharing one hash code: match them pairwise, emit in tie-break order. */
  private void mergeGroup(DotMap other, int i, int i2, int j, int j2, CausalContext ca, CausalContext cb, Builder b) {
    List<Object[]> out = new ArrayList<>();
    boolean[] matched = new boolean[j2 - j];
    for (int p = i; p < i2; p++) {
      Object sa = slot(p);
      Object s = null;
      int fromB = -1;
      boolean found = false;
      for (int q = j; q < j2; q++) {
        if (!matched[q - j] && keys[p].equals(other.keys[q])) {
          matched[q - j] = true;
          Object sb = other.slot(q);
          s = Slots.merge(sa, sb, ca, cb);
          fromB = s == sb || (s == sa && Slots.same(sa, sb)) ? q : -1;
          found = true;
          break;
        }
      }
      if (!found) {
        s = Slots.filter(sa, cb);
      }
      if (s != null) {
        out.add(new Object[] {keys[p], s, s == sa ? p : -1, fromB});
      }
    }
    for (int q = j; q < j2; q++) {
      if (!matched[q - j]) {
        Object sb = other.slot(q);
        Object s = Slots.filter(sb, ca);
        if (s != null) {
          out.add(new Object[] {other.keys[q], s, -1, s == sb ? q : -1});
        }
      }
    }
    out.sort((x, y) -> TIE_BREAK.compare(x[0], y[0]));
    int h = hashes[i];
    for (Object[] e : out) {
      b.emit(e[0], h, e[1], (Integer) e[2], (Integer) e[3]);
    }
  }

  /**
   * Collects entries into new arrays: whole ranges or single entries of existing maps, or new
   * slots. The inline and slot arrays are allocated when first needed.
   */
  private static final class Out {
    private final int cap;
    private final Object[] keys;
    private final int[] hashes;
    private ReplicaId[] replicas;
    private long[] counters;
    private Object[] slots;
    private int n;

    Out(int cap) {
      this.cap = cap;
      this.keys = new Object[cap];
      this.hashes = new int[cap];
    }

    private void needInline() {
      if (replicas == null) {
        replicas = new ReplicaId[cap];
        counters = new long[cap];
      }
    }

    private void needSlots() {
      if (slots == null) {
        slots = new Object[cap];
      }
    }

    /** Appends entries {@code [from, to)} of {@code src}. */
    void copyRange(DotMap src, int from, int to) {
      int len = to - from;
      if (len <= 0) {
        return;
      }
      System.arraycopy(src.keys, from, keys, n, len);
      System.arraycopy(src.hashes, from, hashes, n, len);
      if (src.replicas != null) {
        needInline();
        System.arraycopy(src.replicas, from, replicas, n, len);
        System.arraycopy(src.counters, from, counters, n, len);
      }
      if (src.slots != null) {
        needSlots();
        System.arraycopy(src.slots, from, slots, n, len);
      }
      n += len;
    }

    /** Appends entry {@code i} of {@code src}. */
    void copy(DotMap src, int i) {
      int k = n++;
      keys[k] = src.keys[i];
      hashes[k] = src.hashes[i];
      ReplicaId r = src.replicas == null ? null : src.replicas[i];
      if (r != null) {
        needInline();
        replicas[k] = r;
        counters[k] = src.counters[i];
      } else {
        needSlots();
        slots[k] = src.slots[i];
      }
    }

    /** Appends {@code key} with {@code slot}; a single {@link Dot} is stored inline. */
    void put(Object key, int hash, Object slot) {
      int k = n++;
      keys[k] = key;
      hashes[k] = hash;
      if (slot instanceof Dot) {
        Dot d = (Dot) slot;
        needInline();
        replicas[k] = d.replica();
        counters[k] = d.counter();
      } else {
        needSlots();
        slots[k] = slot;
      }
    }

    int size() {
      return n;
    }

    DotMap build() {
      if (n == 0) {
        return EMPTY;
      }
      ReplicaId[] r = replicas != null && anyNonNull(replicas, n) ? replicas : null;
      Object[] s = slots != null && anyNonNull(slots, n) ? slots : null;
      if (n == cap) {
        return new DotMap(keys, hashes, r, r == null ? null : counters, s);
      }
      return new DotMap(Arrays.copyOf(keys, n), Arrays.copyOf(hashes, n),
          r == null ? null : Arrays.copyOf(r, n), r == null ? null : Arrays.copyOf(counters, n),
          s == null ? null : Arrays.copyOf(s, n));
    }

    private static boolean anyNonNull(Object[] a, int n) {
      for (int i = 0; i < n; i++) {
        if (a[i] != null) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Collects a walk's output. Writes nothing while the output repeats map {@code a} or map
   * {@code b} entry for entry, so a merge whose result is one of its operands allocates nothing.
   * Each entry comes with where it is known to be unchanged from: entry {@code i} of {@code a},
   * entry {@code j} of {@code b} (both, for equal entries), or neither.
   */
  private static final class Builder {
    private final DotMap a;
    private final DotMap b;
    private final boolean dryRun;
    private Out out;
    private int count;
    private boolean sameA = true;
    private boolean sameB = true;

    Builder(DotMap a, DotMap b, boolean dryRun) {
      this.a = a;
      this.b = b;
      this.dryRun = dryRun;
    }

    boolean live() {
      return !dryRun || sameA || sameB;
    }

    /** Entry {@code i} of {@code a}, unchanged (its key is not in {@code b}, or its entry there differs). */
    void fromA(int i) {
      int k = count++;
      if (out != null) {
        out.copy(a, i);
        return;
      }
      boolean wasA = sameA;
      sameA = sameA && k == i;
      sameB = false;
      if (!sameA) {
        diverged(wasA, k);
        if (out != null) {
          out.copy(a, i);
        }
      }
    }

    /** Entry {@code j} of {@code b}, unchanged. */
    void fromB(int j) {
      int k = count++;
      if (out != null) {
        out.copy(b, j);
        return;
      }
      boolean wasA = sameA;
      sameA = false;
      sameB = sameB && k == j;
      if (!sameB) {
        diverged(wasA, k);
        if (out != null) {
          out.copy(b, j);
        }
      }
    }

    /** Entry {@code i} of {@code a}, equal to entry {@code j} of {@code b}. */
    void fromBoth(int i, int j) {
      int k = count++;
      if (out != null) {
        out.copy(a, i);
        return;
      }
      boolean wasA = sameA;
      sameA = sameA && k == i;
      sameB = sameB && k == j;
      if (!sameA && !sameB) {
        diverged(wasA, k);
        if (out != null) {
          out.copy(a, i);
        }
      }
    }

    /** A new slot for {@code key}. */
    void fresh(Object key, int hash, Object slot) {
      int k = count++;
      if (out == null) {
        boolean wasA = sameA;
        sameA = false;
        sameB = false;
        diverged(wasA, k);
        if (out == null) {
          return;
        }
      }
      out.put(key, hash, slot);
    }

    /** {@code slot} (or nothing when {@code null}), unchanged from entry {@code i} of a and/or {@code j} of b ({@code -1}: not). */
    void emit(Object key, int hash, Object slot, int i, int j) {
      if (slot == null) {
        return;
      }
      if (i >= 0 && j >= 0) {
        fromBoth(i, j);
      } else if (i >= 0) {
        fromA(i);
      } else if (j >= 0) {
        fromB(j);
      } else {
        fresh(key, hash, slot);
      }
    }

    /**
     * The output stopped repeating both maps at entry {@code k}: copy the prefix it repeated (of a
     * when it still repeated a, else of b) and write from here on. Not in a dry run.
     */
    private void diverged(boolean wasA, int k) {
      if (dryRun) {
        return;
      }
      out = new Out(a.keys.length + b.keys.length);
      out.copyRange(wasA ? a : b, 0, k);
    }

    boolean sameAsA() {
      return sameA && count == a.keys.length;
    }

    boolean sameAsB() {
      return sameB && count == b.keys.length;
    }

    DotMap result() {
      if (sameAsA()) {
        return a;
      }
      if (sameAsB()) {
        return b;
      }
      if (out == null) {
        // The output is a strict prefix of a map it repeated.
        Out o = new Out(count);
        o.copyRange(sameA ? a : b, 0, count);
        return o.build();
      }
      return out.build();
    }
  }

  /** Whether entry {@code i} of {@code x} and entry {@code j} of {@code y} hold the same dots (and values). */
  private static boolean sameEntry(DotMap x, int i, DotMap y, int j) {
    boolean xi = x.isInline(i);
    if (xi != y.isInline(j)) {
      return false;
    }
    return xi
        ? x.replicas[i] == y.replicas[j] && x.counters[i] == y.counters[j]
        : Slots.same(x.slots[i], y.slots[j]);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DotMap)) {
      return false;
    }
    DotMap d = (DotMap) o;
    if (!Arrays.equals(hashes, d.hashes)) {
      return false;
    }
    for (int i = 0; i < keys.length; i++) {
      // Usually the other map holds the key at the same index; else its hash group is searched.
      int j = keys[i] == d.keys[i] || keys[i].equals(d.keys[i]) ? i : d.indexOf(keys[i]);
      if (j < 0 || !sameEntry(this, i, d, j)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (int i = 0; i < keys.length; i++) {
      int s = isInline(i) ? 31 * replicas[i].hashCode() + Long.hashCode(counters[i]) : Slots.hash(slots[i]);
      h += 31 * hashes[i] + s; // order-independent within hash groups
    }
    return h;
  }

  /** Checks the arrays are sorted by hash; used by validation. */
  public boolean isSorted() {
    for (int i = 1; i < hashes.length; i++) {
      if (hashes[i - 1] > hashes[i]) {
        return false;
      }
    }
    return true;
  }

  /** {@code Objects.requireNonNull} for every key of a collection. */
  public static void requireNoNulls(Collection<?> keys, String what) {
    Objects.requireNonNull(keys, what);
    for (Object k : keys) {
      if (k == null) {
        throw new NullPointerException(what + " contains null");
      }
    }
  }
}
