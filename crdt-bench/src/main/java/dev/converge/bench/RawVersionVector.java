package dev.converge.bench;

import java.util.Arrays;

/**
 * The lower bound for version-vector benchmarks: Converge's algorithm on primitive arrays, with
 * replicas as ints instead of objects.
 *
 * <p>Guarantees: immutable once built (the arrays are never written after construction); ids
 * strictly ascending, every counter at least 1. Compare is one merge-walk with early exit; merge
 * makes a first pass for dominance and the size of the union (no allocation, returns an input when
 * one side dominates), then a second pass into exactly-sized new arrays, sharing the id array when
 * both sides hold the same replicas; increment copies the counter array only.
 *
 * <p>Benchmark-only code: no argument checks beyond what the benchmark needs.
 */
final class RawVersionVector {

  /** Compare results, numbered like {@code dev.converge.Causality}'s constants. */
  static final int BEFORE = 0;

  static final int AFTER = 1;
  static final int EQUAL = 2;
  static final int CONCURRENT = 3;

  /** Strictly ascending replica numbers. */
  final int[] ids;
  /** Parallel to {@link #ids}; every counter is at least 1. */
  final long[] counters;

  private RawVersionVector(int[] ids, long[] counters) {
    this.ids = ids;
    this.counters = counters;
  }

  /**
   * The vector {@code ids[i]=counters[i]}; both arrays are copied.
   *
   * @param ids strictly ascending replica numbers
   * @param counters parallel counters, each at least 1
   * @return the vector
   */
  static RawVersionVector of(int[] ids, long[] counters) {
    if (ids.length != counters.length) {
      throw new IllegalArgumentException(ids.length + " ids but " + counters.length + " counters");
    }
    for (int i = 0; i < ids.length; i++) {
      if ((i > 0 && ids[i] <= ids[i - 1]) || counters[i] < 1) {
        throw new IllegalArgumentException(
            "ids must ascend and counters be >= 1, got " + Arrays.toString(ids) + " " + Arrays.toString(counters));
      }
    }
    return new RawVersionVector(ids.clone(), counters.clone());
  }

  /**
   * Where this vector stands relative to {@code other}.
   *
   * @param other the other vector
   * @return {@link #BEFORE}, {@link #AFTER}, {@link #EQUAL} or {@link #CONCURRENT}
   */
  int compare(RawVersionVector other) {
    int[] a = ids;
    int[] b = other.ids;
    long[] ca = counters;
    long[] cb = other.counters;
    int n = a.length;
    int m = b.length;
    boolean less = n < m;
    boolean greater = n > m;
    int i = 0;
    int j = 0;
    while (i < n && j < m) {
      int x = a[i];
      int y = b[j];
      if (x == y) {
        long p = ca[i++];
        long q = cb[j++];
        if (p < q) {
          if (greater) {
            return CONCURRENT;
          }
          less = true;
        } else if (p > q) {
          if (less) {
            return CONCURRENT;
          }
          greater = true;
        }
      } else if (x < y) {
        if (less) {
          return CONCURRENT;
        }
        greater = true;
        i++;
      } else {
        if (greater) {
          return CONCURRENT;
        }
        less = true;
        j++;
      }
    }
    if (i < n) {
      greater = true;
    }
    if (j < m) {
      less = true;
    }
    if (less) {
      return greater ? CONCURRENT : BEFORE;
    }
    return greater ? AFTER : EQUAL;
  }

  /**
   * The pointwise maximum of the two vectors.
   *
   * @param other the other vector
   * @return {@code this} or {@code other} when one dominates, else a new vector
   */
  RawVersionVector merge(RawVersionVector other) {
    int[] a = ids;
    int[] b = other.ids;
    long[] ca = counters;
    long[] cb = other.counters;
    int n = a.length;
    int m = b.length;
    // Pass 1: dominance and the size of the union, without allocating.
    boolean less = false;
    boolean greater = false;
    int union = 0;
    int i = 0;
    int j = 0;
    while (i < n && j < m) {
      int x = a[i];
      int y = b[j];
      if (x == y) {
        long p = ca[i++];
        long q = cb[j++];
        less |= p < q;
        greater |= p > q;
      } else if (x < y) {
        greater = true;
        i++;
      } else {
        less = true;
        j++;
      }
      union++;
    }
    if (i < n) {
      greater = true;
      union += n - i;
    }
    if (j < m) {
      less = true;
      union += m - j;
    }
    if (!less) {
      return this;
    }
    if (!greater) {
      return other;
    }
    // Pass 2: into exactly-sized arrays.
    long[] values = new long[union];
    if (union == n && union == m) {
      for (int k = 0; k < n; k++) {
        values[k] = Math.max(ca[k], cb[k]);
      }
      return new RawVersionVector(a, values);
    }
    int[] merged = new int[union];
    int k = 0;
    i = 0;
    j = 0;
    while (i < n && j < m) {
      int x = a[i];
      int y = b[j];
      if (x == y) {
        merged[k] = x;
        values[k++] = Math.max(ca[i++], cb[j++]);
      } else if (x < y) {
        merged[k] = x;
        values[k++] = ca[i++];
      } else {
        merged[k] = y;
        values[k++] = cb[j++];
      }
    }
    for (; i < n; i++, k++) {
      merged[k] = a[i];
      values[k] = ca[i];
    }
    for (; j < m; j++, k++) {
      merged[k] = b[j];
      values[k] = cb[j];
    }
    return new RawVersionVector(merged, values);
  }

  /**
   * The vector after one more event of {@code replica}.
   *
   * @param replica the replica number
   * @return a new vector
   */
  RawVersionVector increment(int replica) {
    int i = Arrays.binarySearch(ids, replica);
    if (i >= 0) {
      long[] next = counters.clone();
      next[i]++;
      return new RawVersionVector(ids, next);
    }
    int at = -i - 1;
    int n = ids.length;
    int[] nextIds = new int[n + 1];
    long[] next = new long[n + 1];
    System.arraycopy(ids, 0, nextIds, 0, at);
    System.arraycopy(counters, 0, next, 0, at);
    nextIds[at] = replica;
    next[at] = 1;
    System.arraycopy(ids, at, nextIds, at + 1, n - at);
    System.arraycopy(counters, at, next, at + 1, n - at);
    return new RawVersionVector(nextIds, next);
  }
}
