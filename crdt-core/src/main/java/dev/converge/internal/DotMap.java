package dev.converge.internal;

import dev.converge.Causality;
import dev.converge.causal.CausalContext;
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

/**
 * An immutable map from keys to dot slots (see {@link Slots}), the store behind ORSet and ORMap.
 *
 * <p>Entries are kept in three parallel arrays sorted by the keys' hash codes, so lookups are a
 * binary search and a merge is one linear walk over both maps (no hashing, no tree). Keys with
 * equal hash codes are ordered by {@link #TIE_BREAK}; the walk matches them group by group, so it
 * stays correct even where the tie-break cannot order two distinct keys.
 */
public final class DotMap {

  /** The empty map. */
  public static final DotMap EMPTY = new DotMap(new Object[0], new int[0], new Object[0]);

  /** Orders distinct keys with equal hash codes deterministically. */
  static final Comparator<Object> TIE_BREAK = Canonical.TIE_BREAK;

  private final Object[] keys;
  private final int[] hashes;
  private final Object[] slots;

  private DotMap(Object[] keys, int[] hashes, Object[] slots) {
    this.keys = keys;
    this.hashes = hashes;
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

  /** The slot of key {@code i}. */
  public Object slot(int i) {
    return slots[i];
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
    return i < 0 ? null : slots[i];
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
    int h = key.hashCode();
    int at = firstWithHash(h);
    for (; at < hashes.length && hashes[at] == h; at++) {
      if (keys[at].equals(key)) {
        Object[] s = slots.clone();
        s[at] = slot;
        return new DotMap(keys, hashes, s);
      }
      if (TIE_BREAK.compare(keys[at], key) > 0) {
        break;
      }
    }
    int n = keys.length;
    Object[] k = new Object[n + 1];
    int[] hs = new int[n + 1];
    Object[] s = new Object[n + 1];
    System.arraycopy(keys, 0, k, 0, at);
    System.arraycopy(hashes, 0, hs, 0, at);
    System.arraycopy(slots, 0, s, 0, at);
    k[at] = key;
    hs[at] = h;
    s[at] = slot;
    System.arraycopy(keys, at, k, at + 1, n - at);
    System.arraycopy(hashes, at, hs, at + 1, n - at);
    System.arraycopy(slots, at, s, at + 1, n - at);
    return new DotMap(k, hs, s);
  }

  /** The map without {@code key}; {@code this} when absent. */
  public DotMap remove(Object key) {
    int i = indexOf(key);
    if (i < 0) {
      return this;
    }
    int n = keys.length;
    if (n == 1) {
      return EMPTY;
    }
    Object[] k = new Object[n - 1];
    int[] hs = new int[n - 1];
    Object[] s = new Object[n - 1];
    System.arraycopy(keys, 0, k, 0, i);
    System.arraycopy(hashes, 0, hs, 0, i);
    System.arraycopy(slots, 0, s, 0, i);
    System.arraycopy(keys, i + 1, k, i, n - i - 1);
    System.arraycopy(hashes, i + 1, hs, i, n - i - 1);
    System.arraycopy(slots, i + 1, s, i, n - i - 1);
    return new DotMap(k, hs, s);
  }

  /** The map without the keys in {@code remove}; one pass. {@code this} when none is present. */
  public DotMap removeAll(Collection<?> remove) {
    Set<?> set = remove instanceof Set ? (Set<?>) remove : new HashSet<>(remove);
    int n = keys.length;
    Object[] k = null;
    int[] hs = null;
    Object[] s = null;
    int out = 0;
    for (int i = 0; i < n; i++) {
      if (set.contains(keys[i])) {
        if (k == null) {
          k = new Object[n];
          hs = new int[n];
          s = new Object[n];
          System.arraycopy(keys, 0, k, 0, i);
          System.arraycopy(hashes, 0, hs, 0, i);
          System.arraycopy(slots, 0, s, 0, i);
          out = i;
        }
      } else if (k != null) {
        k[out] = keys[i];
        hs[out] = hashes[i];
        s[out++] = slots[i];
      }
    }
    if (k == null) {
      return this;
    }
    return out == 0 ? EMPTY : new DotMap(Arrays.copyOf(k, out), Arrays.copyOf(hs, out), Arrays.copyOf(s, out));
  }

  /**
   * The map with every key of {@code keys} bound to the slot {@code slotFor} gives it (replacing
   * present keys): one sort of the new keys and one merge pass.
   */
  public DotMap putAll(List<?> newKeys, java.util.function.IntFunction<Object> slotFor) {
    int m = newKeys.size();
    int[] order = sortByHash(newKeys);
    DotMap added = new DotMap(new Object[m], new int[m], new Object[m]);
    for (int i = 0; i < m; i++) {
      Object key = newKeys.get(order[i]);
      added.keys[i] = key;
      added.hashes[i] = key.hashCode();
      added.slots[i] = slotFor.apply(order[i]);
    }
    if (keys.length == 0) {
      return m == 0 ? EMPTY : added;
    }
    // Walk both; on equal keys the added slot wins.
    Builder b = new Builder(this, added, false);
    int i = 0;
    int j = 0;
    while (i < keys.length || j < m) {
      int c = i == keys.length ? 1 : j == m ? -1 : compareAt(this, i, added, j);
      if (c < 0) {
        b.emit(keys[i], hashes[i], slots[i++]);
      } else if (c > 0) {
        b.emit(added.keys[j], added.hashes[j], added.slots[j++]);
      } else if (keys[i].equals(added.keys[j])) {
        b.emit(keys[i], hashes[i], added.slots[j++]);
        i++;
      } else {
        b.emit(keys[i], hashes[i], slots[i++]); // distinct keys the tie-break cannot order
      }
    }
    return b.result();
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

  private void walk(DotMap other, CausalContext ca, CausalContext cb, Builder b) {
    Object[] ka = keys;
    Object[] kb = other.keys;
    int[] ha = hashes;
    int[] hb = other.hashes;
    Object[] sa = slots;
    Object[] sb = other.slots;
    int n = ka.length;
    int m = kb.length;
    int i = 0;
    int j = 0;
    while (i < n && j < m && b.live()) {
      int x = ha[i];
      int y = hb[j];
      if (x < y) {
        b.emit(ka[i], x, Slots.filter(sa[i], cb));
        i++;
      } else if (x > y) {
        b.emit(kb[j], y, Slots.filter(sb[j], ca));
        j++;
      } else {
        int i2 = i + 1;
        while (i2 < n && ha[i2] == x) {
          i2++;
        }
        int j2 = j + 1;
        while (j2 < m && hb[j2] == y) {
          j2++;
        }
        if (i2 - i == 1 && j2 - j == 1 && (ka[i] == kb[j] || ka[i].equals(kb[j]))) {
          b.emit(ka[i], x, Slots.merge(sa[i], sb[j], ca, cb));
        } else {
          mergeGroup(other, i, i2, j, j2, ca, cb, b);
        }
        i = i2;
        j = j2;
      }
    }
    for (; i < n && b.live(); i++) {
      b.emit(ka[i], ha[i], Slots.filter(sa[i], cb));
    }
    for (; j < m && b.live(); j++) {
      b.emit(kb[j], hb[j], Slots.filter(sb[j], ca));
    }
  }

  /** Keys sharing one hash code: match them pairwise, emit in tie-break order. */
  private void mergeGroup(DotMap other, int i, int i2, int j, int j2, CausalContext ca, CausalContext cb, Builder b) {
    List<Object[]> out = new ArrayList<>();
    boolean[] matched = new boolean[j2 - j];
    for (int p = i; p < i2; p++) {
      Object slot = null;
      boolean found = false;
      for (int q = j; q < j2; q++) {
        if (!matched[q - j] && keys[p].equals(other.keys[q])) {
          matched[q - j] = true;
          slot = Slots.merge(slots[p], other.slots[q], ca, cb);
          found = true;
          break;
        }
      }
      out.add(new Object[] {keys[p], found ? slot : Slots.filter(slots[p], cb)});
    }
    for (int q = j; q < j2; q++) {
      if (!matched[q - j]) {
        out.add(new Object[] {other.keys[q], Slots.filter(other.slots[q], ca)});
      }
    }
    out.sort((x, y) -> TIE_BREAK.compare(x[0], y[0]));
    int h = hashes[i];
    for (Object[] e : out) {
      b.emit(e[0], h, e[1]);
    }
  }

  /**
   * Collects a walk's output. Writes nothing while the output repeats map {@code a} or map
   * {@code b} entry for entry, so a merge whose result is one of its operands allocates nothing.
   */
  private static final class Builder {
    private final DotMap a;
    private final DotMap b;
    private final boolean dryRun;
    private Object[] keys;
    private int[] hashes;
    private Object[] slots;
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

    void emit(Object key, int hash, Object slot) {
      if (slot == null) {
        return;
      }
      int k = count++;
      if (keys != null) {
        keys[k] = key;
        hashes[k] = hash;
        slots[k] = slot;
        return;
      }
      boolean wasA = sameA;
      if (sameA) {
        sameA = k < a.keys.length && a.keys[k] == key && (a.slots[k] == slot || Slots.same(a.slots[k], slot));
      }
      if (sameB) {
        sameB = k < b.keys.length && (b.keys[k] == key || b.keys[k].equals(key)) && Slots.same(b.slots[k], slot);
      }
      if (sameA || sameB || dryRun) {
        return; // the output so far repeats one of the maps: nothing to write yet
      }
      // Both diverged here: materialize the prefix from the map it repeated, then go on writing.
      DotMap source = wasA ? a : b;
      int cap = a.keys.length + b.keys.length;
      keys = new Object[cap];
      hashes = new int[cap];
      slots = new Object[cap];
      System.arraycopy(source.keys, 0, keys, 0, k);
      System.arraycopy(source.hashes, 0, hashes, 0, k);
      System.arraycopy(source.slots, 0, slots, 0, k);
      keys[k] = key;
      hashes[k] = hash;
      slots[k] = slot;
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
      if (keys == null) {
        // The output is a strict prefix of a map it repeated.
        DotMap source = sameA ? a : b;
        return count == 0 ? EMPTY
            : new DotMap(Arrays.copyOf(source.keys, count), Arrays.copyOf(source.hashes, count), Arrays.copyOf(source.slots, count));
      }
      return count == 0 ? EMPTY
          : new DotMap(Arrays.copyOf(keys, count), Arrays.copyOf(hashes, count), Arrays.copyOf(slots, count));
    }
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
      int j = d.indexOf(keys[i]);
      if (j < 0 || !Slots.same(slots[i], d.slots[j])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (int i = 0; i < keys.length; i++) {
      h += 31 * hashes[i] + Slots.hash(slots[i]); // order-independent within hash groups
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
