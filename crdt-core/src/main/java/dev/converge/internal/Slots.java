package dev.converge.internal;

import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import java.util.Arrays;

/**
 * The join of dot stores (Almeida, Shoker, Baquero 2018): a dot survives a merge when both sides
 * hold it, or when one side holds it and the other has not seen it. A dot one side has seen but no
 * longer holds was removed there, and stays removed.
 *
 * <p>A slot is a {@link Dot} (one dot, no value), a sorted {@code Dot[]} of length at least 2 (an
 * element added concurrently), or a {@link Tagged} (values tagged with their dots). {@code null}
 * stands for "no dot left".
 */
public final class Slots {

  private Slots() {}

  /**
   * The slot after merging {@code a} (from a state with context {@code ca}) with {@code b} (context
   * {@code cb}). Returns {@code a} itself when the result equals {@code a}, else {@code b} itself
   * when it equals {@code b}, else a new slot, or {@code null} when no dot survives.
   */
  public static Object merge(Object a, Object b, CausalContext ca, CausalContext cb) {
    if (a == b) {
      return a;
    }
    if (a instanceof Dot && b instanceof Dot) {
      Dot da = (Dot) a;
      Dot db = (Dot) b;
      if (da.equals(db)) {
        return a;
      }
      boolean keepA = !cb.contains(da);
      boolean keepB = !ca.contains(db);
      if (keepA && keepB) {
        return da.compareTo(db) < 0 ? new Dot[] {da, db} : new Dot[] {db, da};
      }
      return keepA ? a : keepB ? b : null;
    }
    if (a instanceof Tagged) {
      return mergeTagged((Tagged) a, (Tagged) b, ca, cb);
    }
    return mergeDots(dots(a), dots(b), a, b, ca, cb);
  }

  /** The slot after dropping the dots {@code seen} contains: {@code a} itself, a new slot, or {@code null}. */
  public static Object filter(Object a, CausalContext seen) {
    if (a instanceof Dot) {
      return seen.contains((Dot) a) ? null : a;
    }
    if (a instanceof Tagged) {
      Tagged t = (Tagged) a;
      int keep = 0;
      for (Dot d : t.dots) {
        if (!seen.contains(d)) {
          keep++;
        }
      }
      if (keep == t.dots.length) {
        return a;
      }
      if (keep == 0) {
        return null;
      }
      Dot[] ds = new Dot[keep];
      Object[] vs = new Object[keep];
      for (int i = 0, k = 0; i < t.dots.length; i++) {
        if (!seen.contains(t.dots[i])) {
          ds[k] = t.dots[i];
          vs[k++] = t.values[i];
        }
      }
      return new Tagged(ds, vs);
    }
    Dot[] ds = (Dot[]) a;
    int keep = 0;
    for (Dot d : ds) {
      if (!seen.contains(d)) {
        keep++;
      }
    }
    if (keep == ds.length) {
      return a;
    }
    Dot[] out = new Dot[keep];
    for (int i = 0, k = 0; i < ds.length; i++) {
      if (!seen.contains(ds[i])) {
        out[k++] = ds[i];
      }
    }
    return ofDots(out);
  }

  /** The dots of a slot, in ascending order (a view for {@code Dot[]} slots: do not modify). */
  public static Dot[] dots(Object slot) {
    if (slot instanceof Dot) {
      return new Dot[] {(Dot) slot};
    }
    if (slot instanceof Tagged) {
      return ((Tagged) slot).dots;
    }
    return (Dot[]) slot;
  }

  /** The number of dots of a slot. */
  public static int dotCount(Object slot) {
    if (slot instanceof Dot) {
      return 1;
    }
    if (slot instanceof Tagged) {
      return ((Tagged) slot).dots.length;
    }
    return ((Dot[]) slot).length;
  }

  /** Whether two slots hold the same dots (and values). */
  public static boolean same(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a instanceof Dot[] && b instanceof Dot[]) {
      return Arrays.equals((Dot[]) a, (Dot[]) b);
    }
    return a.equals(b);
  }

  /** A hash of a slot, consistent with {@link #same}. */
  public static int hash(Object slot) {
    return slot instanceof Dot[] ? Arrays.hashCode((Dot[]) slot) : slot.hashCode();
  }

  /** {@code a:1} or {@code [a:1, b:2]}. */
  public static String toString(Object slot) {
    return slot instanceof Dot[] ? Arrays.toString((Dot[]) slot) : slot.toString();
  }

  private static Object ofDots(Dot[] ds) {
    return ds.length == 0 ? null : ds.length == 1 ? ds[0] : ds;
  }

  private static Object mergeDots(Dot[] x, Dot[] y, Object a, Object b, CausalContext ca, CausalContext cb) {
    Tagged t = join(x, null, y, null, ca, cb);
    if (t == null) {
      return null;
    }
    if (Arrays.equals(t.dots, x)) {
      return a;
    }
    if (Arrays.equals(t.dots, y)) {
      return b;
    }
    return ofDots(t.dots);
  }

  private static Object mergeTagged(Tagged a, Tagged b, CausalContext ca, CausalContext cb) {
    Tagged t = join(a.dots, a.values, b.dots, b.values, ca, cb);
    return t == null ? null : t.equals(a) ? a : t.equals(b) ? b : t;
  }

  /**
   * The per-dot join of two sorted dot arrays, carrying the values along when there are some
   * ({@code xv}/{@code yv} are {@code null} for slots without values): a dot held by both sides
   * stays, a dot held by one side stays unless the other side has seen it. {@code null} when no dot
   * stays.
   */
  private static Tagged join(Dot[] x, Object[] xv, Dot[] y, Object[] yv, CausalContext ca, CausalContext cb) {
    Dot[] ds = new Dot[x.length + y.length];
    Object[] vs = xv == null ? null : new Object[ds.length];
    int k = 0;
    int i = 0;
    int j = 0;
    while (i < x.length || j < y.length) {
      int c = i == x.length ? 1 : j == y.length ? -1 : x[i].compareTo(y[j]);
      if (c <= 0 && (c == 0 || !cb.contains(x[i]))) {
        if (vs != null) {
          vs[k] = xv[i];
        }
        ds[k++] = x[i];
      } else if (c > 0 && !ca.contains(y[j])) {
        if (vs != null) {
          vs[k] = yv[j];
        }
        ds[k++] = y[j];
      }
      if (c <= 0) {
        i++;
      }
      if (c >= 0) {
        j++;
      }
    }
    if (k == 0) {
      return null;
    }
    return new Tagged(Arrays.copyOf(ds, k), vs == null ? null : Arrays.copyOf(vs, k));
  }
}
