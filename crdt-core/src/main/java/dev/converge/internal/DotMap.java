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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
 * <em>inline</em>, without a {@code Dot} object: the index of its replica in the map's small
 * table of replicas ({@code replicas}, one entry per replica with an inline dot) and its counter,
 * in two primitive arrays. A merge then reads the dots of both maps sequentially from those
 * arrays, decides membership in the other side's context by comparing the counter with that
 * replica's entry (looked up once per replica, not per entry), and writes no reference but the
 * key. Every other slot (a {@code Dot[]} or a {@link Tagged}) is in {@code slots}: one per entry
 * when no entry is inline (ORMap), else only those of the entries that are not inline, each
 * entry pointing to its own with a negative replica index (an ORSet after concurrent adds of a
 * few elements carries no array of references as long as the map besides its keys). The
 * representation is canonical where it matters: a single dot is always inline, and the replica
 * table holds exactly the replicas of the inline dots (its order is not part of the value).
 * {@link #slot(int)} and {@link #get(Object)} build the {@code Dot} of an inline entry when asked.
 */
public final class DotMap {

  private static final Object[] NO_KEYS = {};
  private static final int[] NO_INTS = {};
  private static final ReplicaId[] NO_REPLICAS = {};

  /** The empty map. */
  public static final DotMap EMPTY = new DotMap(NO_KEYS, NO_INTS, NO_REPLICAS, null, null, null);

  /** Orders distinct keys with equal hash codes deterministically. */
  static final Comparator<Object> TIE_BREAK = Canonical.TIE_BREAK;

  /** Key pairs compared per block of the merge walk (see {@link Join#walk}). */
  private static final int BLOCK = 256;

  private final Object[] keys;
  private final int[] hashes;
  /** The distinct replicas of the inline dots, in no particular order. */
  private final ReplicaId[] replicas;
  /**
   * Per entry, the index in {@code replicas} of its dot's replica, or {@code -(s + 1)} when the
   * entry is not inline and its slot is {@code slots[s]}; {@code null} when no entry is inline.
   */
  private final int[] dotReplica;
  /** Per entry, its dot's counter when it is inline; {@code null} with {@code dotReplica}. */
  private final long[] dotCounter;
  /**
   * The slots of the entries that are not inline: entry {@code i}'s at {@code i} when
   * {@code dotReplica} is {@code null}, else where {@code dotReplica[i]} says; {@code null} when
   * every entry is inline.
   */
  private final Object[] slots;

  private DotMap(Object[] keys, int[] hashes, ReplicaId[] replicas, int[] dotReplica, long[] dotCounter, Object[] slots) {
    this.keys = keys;
    this.hashes = hashes;
    this.replicas = replicas;
    this.dotReplica = dotReplica;
    this.dotCounter = dotCounter;
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
    if (dotReplica == null) {
      return slots[i];
    }
    int r = dotReplica[i];
    return r >= 0 ? new Dot(replicas[r], dotCounter[i]) : slots[-r - 1];
  }

  /** The slot of key {@code i}, which is not inline. */
  private Object slotAt(int i) {
    return dotReplica == null ? slots[i] : slots[-dotReplica[i] - 1];
  }

  /** The number of dots of key {@code i}, without building its slot. */
  public int dotCount(int i) {
    return isInline(i) ? 1 : Slots.dotCount(slotAt(i));
  }

  private boolean isInline(int i) {
    return dotReplica != null && dotReplica[i] >= 0;
  }

  /**
   * For encoders that read the dots without building them: the replica of key {@code i}'s one dot
   * as an index for {@link #inlineReplicaId(int)}, or a negative number when the key is not stored
   * inline (its slot, from {@link #slot(int)}, holds several dots; every single dot is inline).
   */
  public int inlineReplica(int i) {
    return dotReplica == null ? -1 : dotReplica[i];
  }

  /** The counter of key {@code i}'s one dot; only for a key whose {@link #inlineReplica(int)} is not negative. */
  public long inlineCounter(int i) {
    return dotCounter[i];
  }

  /** The number of replicas that {@link #inlineReplica(int)} indexes. */
  public int inlineReplicaCount() {
    return replicas.length;
  }

  /** The replica of index {@code r} of {@link #inlineReplica(int)}. */
  public ReplicaId inlineReplicaId(int r) {
    return replicas[r];
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

  /** The map with {@code key} bound to {@code slot} (replacing its slot, or inserted in order). */
  public DotMap put(Object key, Object slot) {
    int n = keys.length;
    int h = key.hashCode();
    int at = firstWithHash(h);
    for (; at < n && hashes[at] == h; at++) {
      if (keys[at].equals(key)) {
        Out o = new Out(n, true, replicas);
        o.copyRange(this, 0, at, null);
        o.put(keys[at], h, slot);
        o.copyRange(this, at + 1, n, null);
        return o.build();
      }
      if (TIE_BREAK.compare(keys[at], key) > 0) {
        break;
      }
    }
    Out o = new Out(n + 1, true, replicas);
    o.copyRange(this, 0, at, null);
    o.put(key, h, slot);
    o.copyRange(this, at, n, null);
    return o.build();
  }

  /** The map without {@code key}; {@code this} when absent. */
  public DotMap remove(Object key) {
    int i = indexOf(key);
    if (i < 0) {
      return this;
    }
    int n = keys.length;
    Out o = new Out(n - 1, true, replicas);
    o.copyRange(this, 0, i, null);
    o.copyRange(this, i + 1, n, null);
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
          o = new Out(n - 1, false, replicas);
        }
        o.copyRange(this, run, i, null);
        run = i + 1;
      }
    }
    if (o == null) {
      return this;
    }
    o.copyRange(this, run, n, null);
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
    Out add = new Out(m, true, replicas);
    for (int i = 0; i < m; i++) {
      Object key = newKeys.get(order[i]);
      add.put(key, key.hashCode(), slotFor.apply(order[i]));
    }
    if (keys.length == 0) {
      return add.build();
    }
    // The added map's table extends this map's (it is built on it, before pruning).
    DotMap added = add.buildUnpruned();
    int n = keys.length;
    Out o = new Out(n + m, false, added.replicas);
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      int c = i == n ? 1 : j == m ? -1 : compareAt(this, i, added, j);
      if (c < 0) {
        o.copy(this, i++, null);
      } else if (c > 0) {
        o.copy(added, j++, null);
      } else if (keys[i].equals(added.keys[j])) {
        o.copy(added, j++, null); // on equal keys the added slot wins
        i++;
      } else {
        // Distinct keys the tie-break cannot order: the key equal to one of them may stand anywhere
        // in the rest of this hash's run on either side, so the runs are matched as a whole.
        int h = hashes[i];
        int i2 = i;
        while (i2 < n && hashes[i2] == h) {
          i2++;
        }
        int j2 = j;
        while (j2 < m && added.hashes[j2] == h) {
          j2++;
        }
        int p = i;
        int q = j;
        while (p < i2 || q < j2) {
          if (p < i2 && runContains(added, j, j2, keys[p])) {
            p++; // replaced by the added slot
          } else if (q == j2 || p < i2 && TIE_BREAK.compare(keys[p], added.keys[q]) <= 0) {
            o.copy(this, p++, null);
          } else {
            o.copy(added, q++, null);
          }
        }
        i = i2;
        j = j2;
      }
    }
    return o.build();
  }

  /**
   * The map of {@code n} keys given in any order, for decoders that validated the dots: one
   * primitive sort by hash, the tie-break within runs of equal hashes (stable, so keys it cannot
   * order keep their given order, as {@link #putAll} keeps them), and the representation built
   * directly. Equal keys are found in those runs, so no hash set of the keys is built.
   *
   * @param keys the keys, none {@code null} (only the first {@code n} are read; not kept)
   * @param n the number of keys
   * @param table the replicas the inline dots refer to (not kept; may hold others)
   * @param replica per key, the index in {@code table} of its one dot's replica, or -1 when its
   *     slot is in {@code slots}
   * @param counter per key with one dot, its counter
   * @param slots per key that is not inline, its slot (a {@code Dot[]} of at least two dots,
   *     ascending); may be {@code null} when every key has one dot
   * @param what what a key is, for the message of a duplicate
   * @return the map
   * @throws IllegalArgumentException if two keys are equal (the message shows the key)
   */
  public static DotMap ofDistinct(Object[] keys, int n, ReplicaId[] table, int[] replica, long[] counter,
      Object[] slots, String what) {
    long[] packed = new long[n];
    for (int i = 0; i < n; i++) {
      packed[i] = ((long) keys[i].hashCode() << 32) | i;
    }
    return ofDistinct(keys, packed, n, table, replica, counter, slots, what);
  }

  /**
   * {@link #ofDistinct(Object[], int, ReplicaId[], int[], long[], Object[], String)} with the keys'
   * hash codes computed by the caller (a decoder that hashes a string's bytes as it reads them, so
   * the new string never computes its own), each packed with its key's index.
   *
   * @param keys the keys, none {@code null} (only the first {@code n} are read; not kept)
   * @param hashed per key {@code i}, {@code (long) keys[i].hashCode() << 32 | i} (trusted: a wrong
   *     hash builds a map that cannot find the key); only the first {@code n} are read, and they
   *     are overwritten
   * @param n the number of keys
   * @param table the replicas the inline dots refer to (not kept; may hold others)
   * @param replica per key, the index in {@code table} of its one dot's replica, or -1 when its
   *     slot is in {@code slots}
   * @param counter per key with one dot, its counter
   * @param slots per key that is not inline, its slot (a {@code Dot[]} of at least two dots,
   *     ascending); may be {@code null} when every key has one dot
   * @param what what a key is, for the message of a duplicate
   * @return the map
   * @throws IllegalArgumentException if two keys are equal (the message shows the key)
   */
  public static DotMap ofDistinct(Object[] keys, long[] hashed, int n, ReplicaId[] table, int[] replica,
      long[] counter, Object[] slots, String what) {
    if (n == 0) {
      return EMPTY;
    }
    long[] packed = sortPacked(hashed, n);
    int[] sorted = new int[n];
    boolean ties = false;
    for (int i = 0, previous = 0; i < n; i++) {
      int h = (int) (packed[i] >> 32);
      sorted[i] = h;
      ties |= h == previous && i > 0;
      previous = h;
    }
    if (ties) {
      for (int i = 0; i < n; ) {
        int h = sorted[i];
        int j = i + 1;
        while (j < n && sorted[j] == h) {
          j++;
        }
        if (j - i > 1) {
          int[] run = new int[j - i];
          for (int x = i; x < j; x++) {
            run[x - i] = (int) packed[x];
          }
          sortRun(keys, run, 0, j - i, what);
          for (int x = i; x < j; x++) {
            packed[x] = (long) h << 32 | run[x - i];
          }
        }
        i = j;
      }
    }
    Object[] k = new Object[n];
    int[] used = new int[table.length]; // per replica, 1 + its index in the new table, or 0
    int tableSize = 0;
    int slotCount = 0;
    int[] dr = new int[n];
    long[] dc = new long[n];
    for (int i = 0; i < n; i++) {
      int o = (int) packed[i];
      k[i] = keys[o];
      int r = replica[o];
      if (r < 0) {
        slotCount++;
        dr[i] = -1; // numbered below
      } else {
        int u = used[r];
        if (u == 0) {
          u = ++tableSize;
          used[r] = u;
        }
        dr[i] = u - 1;
        dc[i] = counter[o];
      }
    }
    if (tableSize == 0) {
      Object[] s = new Object[n];
      for (int i = 0; i < n; i++) {
        s[i] = slots[(int) packed[i]];
      }
      return new DotMap(k, sorted, NO_REPLICAS, null, null, s);
    }
    ReplicaId[] t = new ReplicaId[tableSize];
    for (int r = 0; r < table.length; r++) {
      if (used[r] != 0) {
        t[used[r] - 1] = table[r];
      }
    }
    Object[] dense = null;
    if (slotCount > 0) {
      dense = new Object[slotCount];
      for (int i = 0, next = 0; i < n; i++) {
        if (dr[i] < 0) {
          dense[next] = slots[(int) packed[i]];
          dr[i] = -(++next);
        }
      }
    }
    return new DotMap(k, sorted, t, dr, dc, dense);
  }

  /**
   * Sorts the first {@code n} (hash, index) pairs packed in longs, all distinct, into the order of
   * {@code Arrays.sort}; returns the sorted array ({@code packed} itself or a new one of length
   * {@code n}). Beyond a few dozen pairs: one counting pass and one scatter by the top bits of the
   * hash into buckets of one or two pairs on average, then each bucket sorted where it lies
   * (insertion sort, or {@code Arrays.sort} for a bucket larger than {@value #SMALL_BUCKET}, so
   * hashes chosen to share their top bits cost {@code O(n log n)}, never {@code O(n^2)}).
   */
  static long[] sortPacked(long[] packed, int n) {
    if (n < 64) {
      Arrays.sort(packed, 0, n);
      return packed;
    }
    int bits = Math.min(16, 31 - Integer.numberOfLeadingZeros(n - 1)); // 1 to 2 pairs a bucket
    int shift = 64 - bits;
    int[] end = new int[1 << bits];
    for (int i = 0; i < n; i++) {
      // the sign bit flipped, so negative hashes come first
      end[(int) ((packed[i] ^ Long.MIN_VALUE) >>> shift)]++;
    }
    boolean large = false;
    for (int b = 0, sum = 0; b < end.length; b++) {
      int c = end[b];
      large |= c > SMALL_BUCKET;
      end[b] = sum; // the bucket's start; its end once the pairs are placed
      sum += c;
    }
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      long p = packed[i];
      out[end[(int) ((p ^ Long.MIN_VALUE) >>> shift)]++] = p;
    }
    if (large) {
      for (int b = 0, from = 0; b < end.length; from = end[b++]) {
        if (end[b] - from > SMALL_BUCKET) {
          Arrays.sort(out, from, end[b]);
        }
      }
    }
    // Every pair is in its bucket and the buckets are in order: insertion sort moves pairs within
    // a bucket only, at most SMALL_BUCKET places (the large buckets are sorted already).
    for (int i = 1; i < n; i++) {
      long p = out[i];
      int j = i - 1;
      if (out[j] > p) {
        do {
          out[j + 1] = out[j];
          j--;
        } while (j >= 0 && out[j] > p);
        out[j + 1] = p;
      }
    }
    return out;
  }

  /** The largest bucket {@link #sortPacked} sorts by insertion. */
  private static final int SMALL_BUCKET = 32;

  /**
   * Sorts {@code order[from, to)} (indexes of keys with one hash) by {@link #TIE_BREAK}, stably,
   * and rejects equal keys: they compare as 0, so they end up among the neighbours that do.
   */
  private static void sortRun(Object[] keys, int[] order, int from, int to, String what) {
    Integer[] run = new Integer[to - from];
    for (int x = from; x < to; x++) {
      run[x - from] = order[x];
    }
    Arrays.sort(run, (x, y) -> TIE_BREAK.compare(keys[x], keys[y]));
    for (int x = from; x < to; x++) {
      order[x] = run[x - from];
    }
    boolean small = to - from <= 16;
    for (int x = from; x < to; ) {
      // the subrun the tie-break cannot order (usually one key): compared pairwise; a short run whole
      int y = x + 1;
      while (y < to && (small || TIE_BREAK.compare(keys[order[x]], keys[order[y]]) == 0)) {
        y++;
      }
      for (int p = x; p < y; p++) {
        for (int q = p + 1; q < y; q++) {
          if (keys[order[p]].equals(keys[order[q]])) {
            throw new IllegalArgumentException(what + " '" + keys[order[p]] + "' appears twice");
          }
        }
      }
      x = y;
    }
  }

  private static boolean runContains(DotMap map, int from, int to, Object key) {
    for (int k = from; k < to; k++) {
      if (map.keys[k].equals(key)) {
        return true;
      }
    }
    return false;
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
    Join j = new Join(this, other, ca, cb, false);
    j.walk();
    return j.result();
  }

  /**
   * The lattice order of two dot-store states (this map with context {@code ca}, {@code other}
   * with {@code cb}): one is below the other exactly when merging gives back the other, that is
   * when its context is included and the merge walk changes nothing of the other's entries. No
   * result is built.
   */
  public Causality order(DotMap other, CausalContext ca, CausalContext cb) {
    Causality contexts = ca.compare(cb);
    Join j = new Join(this, other, ca, cb, true);
    j.walk();
    boolean le = contexts.isBeforeOrEqual() && j.sameAsB();
    boolean ge = contexts.isAfterOrEqual() && j.sameAsA();
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

  /** For each replica of {@code table}, its entry in the vector of {@code context}. */
  private static long[] seenBy(ReplicaId[] table, CausalContext context) {
    long[] seen = new long[table.length];
    for (int r = 0; r < table.length; r++) {
      seen[r] = context.versionVector().get(table[r]);
    }
    return seen;
  }

  /** Each replica of {@code table} to its index (ids are canonical, so identity is equality). */
  private static Map<ReplicaId, Integer> positions(ReplicaId[] table) {
    Map<ReplicaId, Integer> out = new java.util.IdentityHashMap<>(table.length * 2);
    for (int i = 0; i < table.length; i++) {
      out.put(table[i], i);
    }
    return out;
  }

  /** The index of {@code r} in {@code table} (by reference: ids are canonical), or -1. */
  private static int find(ReplicaId[] table, int size, ReplicaId r) {
    for (int i = 0; i < size; i++) {
      if (table[i] == r) {
        return i;
      }
    }
    return -1;
  }

  /**
   * One merge walk (or, in a dry run, one comparison) of map {@code a} with context {@code ca} and
   * map {@code b} with context {@code cb}, and its output. Writes nothing while the output repeats
   * {@code a} or {@code b} entry for entry, so a merge whose result is one of its operands
   * allocates nothing but this object. Each entry is emitted with where it is known to be
   * unchanged from: entry {@code i} of {@code a}, entry {@code j} of {@code b}, both (equal
   * entries), or neither (a new slot).
   */
  private static final class Join {
    private final DotMap a;
    private final DotMap b;
    private final CausalContext ca;
    private final CausalContext cb;
    private final boolean dryRun;
    /** Per replica of a's table, the counter up to which cb's vector has seen its dots. */
    private final long[] aSeen;
    /** Per replica of b's table, the counter up to which ca's vector has seen its dots. */
    private final long[] bSeen;
    /** Whether the contexts have clouds (then a dot above the vector may still be seen). */
    private final boolean caCloud;
    private final boolean cbCloud;
    /** Per replica of a's table, its index in b's table, or -1. */
    private final int[] aToB;
    /** The output's replica table: a's, then b's replicas a lacks. */
    private final ReplicaId[] union;
    /** Per replica of b's table, its index in {@code union} (a's indexes are unchanged). */
    private final int[] bToOut;
    private Out out;
    private int count;
    private boolean sameA = true;
    private boolean sameB = true;

    Join(DotMap a, DotMap b, CausalContext ca, CausalContext cb, boolean dryRun) {
      this.a = a;
      this.b = b;
      this.ca = ca;
      this.cb = cb;
      this.dryRun = dryRun;
      this.aSeen = seenBy(a.replicas, cb);
      this.bSeen = seenBy(b.replicas, ca);
      this.caCloud = ca.cloudSize() > 0;
      this.cbCloud = cb.cloudSize() > 0;
      ReplicaId[] ta = a.replicas;
      ReplicaId[] tb = b.replicas;
      this.aToB = new int[ta.length];
      // Small tables: a scan. Large ones (many writers): hash lookups, so the cost is not |ta|*|tb|.
      boolean small = (long) ta.length * tb.length <= 1024;
      Map<ReplicaId, Integer> inA = small ? null : positions(ta);
      Map<ReplicaId, Integer> inB = small ? null : positions(tb);
      for (int r = 0; r < ta.length; r++) {
        aToB[r] = small ? find(tb, tb.length, ta[r]) : inB.getOrDefault(ta[r], -1);
      }
      this.bToOut = new int[tb.length];
      ReplicaId[] u = Arrays.copyOf(ta, ta.length + tb.length);
      int size = ta.length;
      for (int r = 0; r < tb.length; r++) {
        int at = small ? find(ta, ta.length, tb[r]) : inA.getOrDefault(tb[r], -1);
        if (at < 0) {
          at = size;
          u[size++] = tb[r];
        }
        bToOut[r] = at;
      }
      this.union = size == u.length ? u : Arrays.copyOf(u, size);
    }

    boolean live() {
      return !dryRun || sameA || sameB;
    }

    /**
     * The walk goes block by block. A first pass over the hash arrays alone finds the next
     * {@link #BLOCK} pairs of keys with a hash of their own on each side; a tight loop then
     * compares those keys; a second pass over the same stretch of the hash arrays emits the
     * entries. Comparing keys reads both key objects, which in a large map lie all over the heap:
     * in the tight loop the processor overlaps those reads, while in the branchy walk each
     * mispredicted branch discarded the reads under way (5 to 10 times slower at 100k keys).
     *
     * <p>Keys whose entries hold the same single dot are not compared at all (see
     * {@link #sameDot}): in merges of replicas that share most of their history, that is most
     * keys, and the walk then reads only the maps' arrays.
     */
    void walk() {
      Object[] ka = a.keys;
      Object[] kb = b.keys;
      int[] ha = a.hashes;
      int[] hb = b.hashes;
      int n = ka.length;
      int m = kb.length;
      int block = Math.min(BLOCK, Math.min(n, m));
      int[] pairA = new int[block];
      int[] pairB = new int[block];
      boolean[] equal = new boolean[block];
      int i = 0;
      int j = 0;
      while (i < n && j < m && live()) {
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
            if (!sameDot(ei, ej)) {
              pairA[pairs] = ei;
              pairB[pairs++] = ej;
            }
            ei++;
            ej++;
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
        while ((i < ei || j < ej) && live()) {
          int x = ha[i];
          int y = hb[j];
          if (x < y) {
            onlyA(i++);
          } else if (x > y) {
            onlyB(j++);
          } else if ((i + 1 == n || ha[i + 1] != x) && (j + 1 == m || hb[j + 1] != y)) {
            if (sameDot(i, j)) {
              fromBoth(i, j); // the same add on both sides: the same key, the same entry
            } else if (equal[pair++]) {
              pair(i, j);
            } else {
              group(i, i + 1, j, j + 1);
            }
            i++;
            j++;
          } else {
            int i2 = endOfGroup(ha, i);
            int j2 = endOfGroup(hb, j);
            group(i, i2, j, j2);
            i = i2;
            j = j2;
          }
        }
      }
      for (; i < n && live(); i++) {
        onlyA(i);
      }
      for (; j < m && live(); j++) {
        onlyB(j);
      }
    }

    /**
     * Whether entry {@code i} of a and entry {@code j} of b, whose keys have the same hash code
     * (and no other key of either map has it), each hold one dot, the same. A dot names one add
     * event, which added one key: so the keys are equal, without reading them. This relies on the
     * invariant every dot store relies on, that a dot tags one key only (a replica never reuses a
     * dot; {@code ORSet.of} and {@code validate} reject states that break it, and
     * {@code checkMergeable} detects two states that do). For states that break it, the merge
     * was already wrong (a remove of one key would also remove the other); with this test, two
     * such keys that also share a hash code become one.
     */
    private boolean sameDot(int i, int j) {
      int[] ra = a.dotReplica;
      int[] rb = b.dotReplica;
      if (ra == null || rb == null) {
        return false;
      }
      int x = ra[i];
      return x >= 0 && a.dotCounter[i] == b.dotCounter[j] && aToB[x] == rb[j] && rb[j] >= 0;
    }

    /** Whether cb has seen the inline dot of entry {@code i} of a. */
    private boolean seenByB(int i) {
      int r = a.dotReplica[i];
      long c = a.dotCounter[i];
      return c <= aSeen[r] || (cbCloud && cb.contains(a.replicas[r], c));
    }

    /** Whether ca has seen the inline dot of entry {@code j} of b. */
    private boolean seenByA(int j) {
      int r = b.dotReplica[j];
      long c = b.dotCounter[j];
      return c <= bSeen[r] || (caCloud && ca.contains(b.replicas[r], c));
    }

    /** Entry {@code i} of a, whose key b lacks: what cb has not seen of it. */
    private void onlyA(int i) {
      if (a.isInline(i)) {
        if (!seenByB(i)) {
          fromA(i);
        }
        return;
      }
      Object sa = a.slotAt(i);
      Object s = Slots.filter(sa, cb);
      if (s == sa) {
        fromA(i);
      } else if (s != null) {
        fresh(a.keys[i], a.hashes[i], s);
      }
    }

    /** Entry {@code j} of b, whose key a lacks: what ca has not seen of it. */
    private void onlyB(int j) {
      if (b.isInline(j)) {
        if (!seenByA(j)) {
          fromB(j);
        }
        return;
      }
      Object sb = b.slotAt(j);
      Object s = Slots.filter(sb, ca);
      if (s == sb) {
        fromB(j);
      } else if (s != null) {
        fresh(b.keys[j], b.hashes[j], s);
      }
    }

    /** Entry {@code i} of a and entry {@code j} of b, whose keys are equal. */
    private void pair(int i, int j) {
      if (a.isInline(i) && b.isInline(j)) {
        int ra = a.dotReplica[i];
        long x = a.dotCounter[i];
        long y = b.dotCounter[j];
        if (x == y && aToB[ra] == b.dotReplica[j]) {
          fromBoth(i, j);
          return;
        }
        boolean keepA = !seenByB(i);
        boolean keepB = !seenByA(j);
        if (keepA && keepB) {
          Dot da = new Dot(a.replicas[ra], x);
          Dot db = new Dot(b.replicas[b.dotReplica[j]], y);
          fresh(a.keys[i], a.hashes[i], da.compareTo(db) < 0 ? new Dot[] {da, db} : new Dot[] {db, da});
        } else if (keepA) {
          fromA(i);
        } else if (keepB) {
          fromB(j);
        }
        return;
      }
      Object sa = a.slot(i);
      Object sb = b.slot(j);
      Object s = Slots.merge(sa, sb, ca, cb);
      emit(a.keys[i], a.hashes[i], s, s == sa ? i : -1, s == sb || (s == sa && Slots.same(sa, sb)) ? j : -1);
    }

    /** Keys sharing one hash code, a's {@code [i, i2)} and b's {@code [j, j2)}: matched pairwise, emitted in tie-break order. */
    private void group(int i, int i2, int j, int j2) {
      List<Object[]> found = new ArrayList<>();
      boolean[] matched = new boolean[j2 - j];
      for (int p = i; p < i2; p++) {
        Object sa = a.slot(p);
        Object s = null;
        int fromB = -1;
        boolean paired = false;
        for (int q = j; q < j2; q++) {
          if (!matched[q - j] && a.keys[p].equals(b.keys[q])) {
            matched[q - j] = true;
            Object sb = b.slot(q);
            s = Slots.merge(sa, sb, ca, cb);
            fromB = s == sb || (s == sa && Slots.same(sa, sb)) ? q : -1;
            paired = true;
            break;
          }
        }
        if (!paired) {
          s = Slots.filter(sa, cb);
        }
        if (s != null) {
          found.add(new Object[] {a.keys[p], s, s == sa ? p : -1, fromB});
        }
      }
      for (int q = j; q < j2; q++) {
        if (!matched[q - j]) {
          Object sb = b.slot(q);
          Object s = Slots.filter(sb, ca);
          if (s != null) {
            found.add(new Object[] {b.keys[q], s, -1, s == sb ? q : -1});
          }
        }
      }
      found.sort((x, y) -> TIE_BREAK.compare(x[0], y[0]));
      int h = a.hashes[i];
      for (Object[] e : found) {
        emit(e[0], h, e[1], (Integer) e[2], (Integer) e[3]);
      }
    }

    /** Entry {@code i} of a, unchanged (its key is not in b, or b's entry differs). */
    private void fromA(int i) {
      int k = count++;
      if (out == null) {
        boolean wasA = sameA;
        sameA = sameA && k == i;
        sameB = false;
        if (sameA || !diverged(wasA, k)) {
          return;
        }
      }
      out.copy(a, i, null);
    }

    /** Entry {@code j} of b, unchanged. */
    private void fromB(int j) {
      int k = count++;
      if (out == null) {
        boolean wasA = sameA;
        sameA = false;
        sameB = sameB && k == j;
        if (sameB || !diverged(wasA, k)) {
          return;
        }
      }
      out.copy(b, j, bToOut);
    }

    /** Entry {@code i} of a, equal to entry {@code j} of b. */
    private void fromBoth(int i, int j) {
      int k = count++;
      if (out == null) {
        boolean wasA = sameA;
        sameA = sameA && k == i;
        sameB = sameB && k == j;
        if (sameA || sameB || !diverged(wasA, k)) {
          return;
        }
      }
      out.copy(a, i, null);
    }

    /** A new slot for {@code key}. */
    private void fresh(Object key, int hash, Object slot) {
      int k = count++;
      if (out == null) {
        boolean wasA = sameA;
        sameA = false;
        sameB = false;
        if (!diverged(wasA, k)) {
          return;
        }
      }
      out.put(key, hash, slot);
    }

    /** {@code slot} (nothing when {@code null}), unchanged from entry {@code i} of a and/or {@code j} of b (-1: not). */
    private void emit(Object key, int hash, Object slot, int i, int j) {
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
     * The output stopped repeating both maps at entry {@code k}: copies the prefix it repeated
     * (of a when it still repeated a, else of b) to go on writing from there. Returns whether it
     * writes, that is, unless this is a dry run.
     */
    private boolean diverged(boolean wasA, int k) {
      if (dryRun) {
        return false;
      }
      out = new Out(a.keys.length + b.keys.length, false, union);
      if (wasA) {
        out.copyRange(a, 0, k, null);
      } else {
        out.copyRange(b, 0, k, bToOut);
      }
      return true;
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
        DotMap source = sameA ? a : b;
        Out o = new Out(count, true, source.replicas);
        o.copyRange(source, 0, count, null);
        return o.build();
      }
      return out.build();
    }
  }

  /**
   * New arrays being filled in order: with ranges or single entries of existing maps, or new
   * slots. When the size is known, the entries go straight into arrays of that size. Otherwise
   * they go into chunks of at most {@link #CHUNK} entries, copied once into arrays of the exact
   * size by {@link #build()}: no array of a guessed capacity is allocated, zeroed, trimmed by a
   * second copy and thrown away, and no reference is stored one at a time into an array large
   * enough for G1 to allocate it in old regions (where each such store costs a memory fence). The
   * inline and slot arrays of a chunk are allocated when first needed. The replica table starts
   * as a given one (shared until a replica is added) and is pruned to the replicas still used.
   */
  private static final class Out {
    static final int CHUNK = 4096;

    /** The filled chunks, each {keys, hashes, dotReplica, dotCounter, slots}. */
    private List<Object[]> full;
    private Object[] keys;
    private int[] hashes;
    private int[] dotReplica;
    private long[] dotCounter;
    private Object[] slots;
    /** Entries in the current chunk. */
    private int pos;
    /** Entries in the filled chunks. */
    private int before;
    private ReplicaId[] table;
    private int tableSize;
    private boolean tableShared = true;
    /** Which replicas of the table an inline entry uses, and how many. */
    private boolean[] used;
    private int usedCount;
    /** The entries that are not inline. */
    private int slotCount;
    private Map<ReplicaId, Integer> index; // for large tables

    /**
     * For {@code size} entries when {@code exact}, else for up to about {@code size}, with replica
     * indexes into {@code table}.
     */
    Out(int size, boolean exact, ReplicaId[] table) {
      chunk(exact ? size : Math.min(size, CHUNK));
      this.table = table;
      this.tableSize = table.length;
      this.used = new boolean[table.length];
    }

    private void chunk(int size) {
      keys = new Object[size];
      hashes = new int[size];
      dotReplica = null;
      dotCounter = null;
      slots = null;
      pos = 0;
    }

    /** Room for one more entry in the current chunk. */
    private void room() {
      if (pos == keys.length) {
        if (full == null) {
          full = new ArrayList<>();
        }
        full.add(new Object[] {keys, hashes, dotReplica, dotCounter, slots});
        before += pos;
        chunk(CHUNK);
      }
    }

    private void needInline() {
      if (dotReplica == null) {
        dotReplica = new int[keys.length];
        dotCounter = new long[keys.length];
        Arrays.fill(dotReplica, 0, pos, -1);
      }
    }

    private void needSlots() {
      if (slots == null) {
        slots = new Object[keys.length];
      }
    }

    private void use(int r) {
      if (!used[r]) {
        used[r] = true;
        usedCount++;
      }
    }

    /** The index of {@code r} in the table, added if absent. */
    private int replicaIndex(ReplicaId r) {
      int at;
      if (index == null && tableSize > 16) {
        index = new HashMap<>();
        for (int i = 0; i < tableSize; i++) {
          index.put(table[i], i);
        }
      }
      if (index != null) {
        Integer i = index.get(r);
        at = i == null ? -1 : i;
      } else {
        at = find(table, tableSize, r);
      }
      if (at >= 0) {
        return at;
      }
      if (tableShared || tableSize == table.length) {
        table = Arrays.copyOf(table, Math.max(4, tableSize * 2));
        used = Arrays.copyOf(used, table.length);
        tableShared = false;
      }
      table[tableSize] = r;
      if (index == null && tableSize >= 16) {
        index = new HashMap<>();
        for (int i = 0; i < tableSize; i++) {
          index.put(table[i], i);
        }
      }
      if (index != null) {
        index.put(r, tableSize);
      }
      return tableSize++;
    }

    /**
     * Appends entries {@code [from, to)} of {@code src}, whose replica indexes {@code map}
     * translates into this table's ({@code null}: the same).
     */
    void copyRange(DotMap src, int from, int to, int[] map) {
      while (from < to) {
        if (pos == keys.length) {
          room();
        }
        int len = Math.min(to - from, keys.length - pos);
        System.arraycopy(src.keys, from, keys, pos, len);
        System.arraycopy(src.hashes, from, hashes, pos, len);
        if (src.dotReplica == null) {
          // Every entry has a slot, at its own index.
          if (dotReplica != null) {
            Arrays.fill(dotReplica, pos, pos + len, -1);
          }
          needSlots();
          System.arraycopy(src.slots, from, slots, pos, len);
          slotCount += len;
        } else {
          needInline();
          System.arraycopy(src.dotCounter, from, dotCounter, pos, len);
          if (map == null && src.slots == null) {
            // Only inline entries, indexes unchanged.
            System.arraycopy(src.dotReplica, from, dotReplica, pos, len);
            for (int k = pos; k < pos + len && usedCount < tableSize; k++) {
              use(dotReplica[k]);
            }
          } else {
            for (int i = from, k = pos; i < from + len; i++, k++) {
              int r = src.dotReplica[i];
              if (r >= 0) {
                int t = map == null ? r : map[r];
                dotReplica[k] = t;
                use(t);
              } else {
                dotReplica[k] = -1;
                needSlots();
                slots[k] = src.slots[-r - 1];
                slotCount++;
              }
            }
          }
        }
        pos += len;
        from += len;
      }
    }

    /** Appends entry {@code i} of {@code src}, whose replica indexes {@code map} translates ({@code null}: the same). */
    void copy(DotMap src, int i, int[] map) {
      room();
      int k = pos++;
      keys[k] = src.keys[i];
      hashes[k] = src.hashes[i];
      int r = src.dotReplica == null ? -1 : src.dotReplica[i];
      if (r >= 0) {
        needInline();
        int t = map == null ? r : map[r];
        dotReplica[k] = t;
        dotCounter[k] = src.dotCounter[i];
        use(t);
      } else {
        needSlots();
        slots[k] = src.slotAt(i);
        slotCount++;
        if (dotReplica != null) {
          dotReplica[k] = -1;
        }
      }
    }

    /** Appends {@code key} with {@code slot}; a single {@link Dot} is stored inline. */
    void put(Object key, int hash, Object slot) {
      room();
      int k = pos++;
      keys[k] = key;
      hashes[k] = hash;
      if (slot instanceof Dot) {
        Dot d = (Dot) slot;
        needInline();
        int t = replicaIndex(d.replica());
        dotReplica[k] = t;
        dotCounter[k] = d.counter();
        use(t);
      } else {
        needSlots();
        slots[k] = slot;
        slotCount++;
        if (dotReplica != null) {
          dotReplica[k] = -1;
        }
      }
    }

    /** The map, its replica table pruned to the replicas its inline entries use. */
    DotMap build() {
      return build(true);
    }

    /** The map with the whole table as it is (for an intermediate map merged at once with its base). */
    DotMap buildUnpruned() {
      return build(false);
    }

    private DotMap build(boolean prune) {
      int n = before + pos;
      if (n == 0) {
        return EMPTY;
      }
      int[] renumber = null;
      if (prune && usedCount < tableSize) {
        renumber = new int[tableSize];
        ReplicaId[] t = new ReplicaId[usedCount];
        for (int r = 0, next = 0; r < tableSize; r++) {
          if (used[r]) {
            t[next] = table[r];
            renumber[r] = next++;
          }
        }
        table = t;
        tableSize = usedCount;
        index = null; // positions changed
      }
      ReplicaId[] t = table.length == tableSize ? table : Arrays.copyOf(table, tableSize);
      boolean inline = usedCount > 0;
      if (full == null && pos == keys.length) {
        // One chunk of the exact size: its arrays (this builder's own) become the map's.
        if (!inline) {
          return new DotMap(keys, hashes, t, null, null, slots);
        }
        Object[] dense = slotCount == 0 ? null : new Object[slotCount];
        if (dense != null || renumber != null) {
          finish(dotReplica, 0, n, renumber, slots, dense, 0);
        }
        return new DotMap(keys, hashes, t, dotReplica, dotCounter, dense);
      }
      if (full == null) {
        full = new ArrayList<>();
      }
      full.add(new Object[] {keys, hashes, dotReplica, dotCounter, slots}); // the last, partly filled
      Object[] k = new Object[n];
      int[] h = new int[n];
      int[] dr = inline ? new int[n] : null;
      long[] dc = inline ? new long[n] : null;
      Object[] s = slotCount == 0 ? null : new Object[inline ? slotCount : n];
      int at = 0;
      int dense = 0;
      for (Object[] c : full) {
        Object[] ck = (Object[]) c[0];
        int len = Math.min(ck.length, n - at);
        System.arraycopy(ck, 0, k, at, len);
        System.arraycopy((int[]) c[1], 0, h, at, len);
        Object[] cs = (Object[]) c[4];
        if (!inline) {
          if (cs != null) {
            System.arraycopy(cs, 0, s, at, len);
          }
        } else {
          int[] cr = (int[]) c[2];
          if (cr == null) {
            Arrays.fill(dr, at, at + len, -1);
          } else {
            System.arraycopy(cr, 0, dr, at, len);
            System.arraycopy((long[]) c[3], 0, dc, at, len);
          }
          if (cs != null || renumber != null) {
            dense = finish(dr, at, at + len, renumber, cs, s, dense);
          }
        }
        at += len;
      }
      return new DotMap(k, h, t, dr, dc, s);
    }

    /**
     * Entries {@code [from, to)} of {@code dotReplica}: renumbers the replicas ({@code renumber}
     * may be {@code null}), and moves the slot of each entry that is not inline from
     * {@code slots} (indexed from {@code from}) to {@code dense}, from index {@code next} on, where
     * its entry then points. Returns the next free index of {@code dense}.
     */
    private static int finish(int[] dotReplica, int from, int to, int[] renumber, Object[] slots, Object[] dense, int next) {
      for (int k = from; k < to; k++) {
        int r = dotReplica[k];
        if (r >= 0) {
          if (renumber != null) {
            dotReplica[k] = renumber[r];
          }
        } else {
          dense[next] = slots[k - from];
          dotReplica[k] = -(next + 1);
          next++;
        }
      }
      return next;
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

  /** Whether entry {@code i} of {@code x} and entry {@code j} of {@code y} hold the same dots (and values). */
  private static boolean sameEntry(DotMap x, int i, DotMap y, int j) {
    boolean xi = x.isInline(i);
    if (xi != y.isInline(j)) {
      return false;
    }
    return xi
        ? x.dotCounter[i] == y.dotCounter[j] && x.replicas[x.dotReplica[i]] == y.replicas[y.dotReplica[j]]
        : Slots.same(x.slotAt(i), y.slotAt(j));
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
      int s = isInline(i)
          ? 31 * replicas[dotReplica[i]].hashCode() + Long.hashCode(dotCounter[i])
          : Slots.hash(slotAt(i));
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
