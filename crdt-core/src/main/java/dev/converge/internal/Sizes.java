package dev.converge.internal;

import dev.converge.ReplicaId;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.causal.VersionVector;
import java.nio.charset.StandardCharsets;

/** Estimates of encoded sizes in Converge's Kryo format, for {@code stats()}. */
public final class Sizes {

  private Sizes() {}

  /** Bytes of an unsigned varint. */
  public static int varint(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /** Bytes of a string written as its UTF-8 length and bytes. */
  public static int string(String s) {
    int b = s.length() < 128 && isAscii(s) ? s.length() : s.getBytes(StandardCharsets.UTF_8).length;
    return varint(b) + b;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Estimated bytes of a value inside a collection. */
  public static int value(Object v) {
    if (v instanceof String) {
      return string((String) v);
    }
    if (v instanceof Long || v instanceof Integer) {
      return 5;
    }
    return 8;
  }

  /** Bytes of a vector: its front-coded replica ids, then its counters. */
  public static long vector(VersionVector v) {
    long n = ids(v);
    for (int i = 0; i < v.size(); i++) {
      n += varint(v.counterAt(i));
    }
    return n;
  }

  /** Bytes of the front-coded ids of a vector (each: shared prefix length, rest of the string). */
  public static long ids(VersionVector v) {
    long n = varint(v.size());
    String previous = "";
    for (int i = 0; i < v.size(); i++) {
      String s = v.replicaAt(i).id();
      int p = 0;
      int max = Math.min(previous.length(), s.length());
      while (p < max && previous.charAt(p) == s.charAt(p)) {
        p++;
      }
      if (p > 0 && Character.isHighSurrogate(s.charAt(p - 1))) {
        p--;
      }
      n += varint(p) + string(s.substring(p));
      previous = s;
    }
    return n;
  }

  /** Bytes of a replica table plus a context referencing it. */
  public static long context(CausalContext c) {
    VersionVector v = c.versionVector();
    long n = vector(v) + v.size() + 1; // table strings counted once, plus an index per entry and the cloud count
    ReplicaId last = null;
    for (Dot d : c.cloud()) {
      n += varint(d.counter()) + (d.replica().equals(last) ? 0 : 2 + string(d.replica().id()));
      last = d.replica();
    }
    return n;
  }
}
