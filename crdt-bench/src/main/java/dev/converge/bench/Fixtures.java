package dev.converge.bench;

import dev.converge.ReplicaId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.ddata.FastMerge;
import org.apache.pekko.cluster.ddata.ORSet;
import org.apache.pekko.cluster.ddata.PNCounter;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;

/**
 * Replicas, elements and Pekko hygiene shared by the benchmarks of the replicated types (not by
 * {@link VersionVectorBenchmark}, which keeps its own names).
 *
 * <p><b>Replica ids.</b> Replica {@code i} is, in Pekko, {@code UniqueAddress(pekko://bench@host-0i:2552,
 * uid i + 1)}, and in Converge the replica id whose string is that address's string,
 * {@code "pekko://bench@host-0i:2552"} (26 characters): the same identity text on both sides. Pekko's
 * wire format carries the host, the port and the uid (protocol and system name come from the
 * receiving system); Converge's carries the whole string. Two-digit hosts keep Pekko's address order
 * equal to Converge's string order for up to 100 replicas.
 *
 * <p><b>Separate objects.</b> Every call to {@link #node}, {@link #self} and {@link #element} builds new
 * objects, so operands built by separate calls share nothing and compare by value, as if just
 * decoded from the network. (Converge's {@link ReplicaId#of} interns its string by design; that is
 * the library's behaviour, not a benchmark shortcut.)
 *
 * <p><b>Pekko's caches.</b> Pekko's {@code ORSet}, {@code GCounter} (also inside {@code PNCounter}) and
 * {@code ORMap}'s key set keep two hidden fields: {@code delta} (every operation since the last
 * {@code resetDelta}) and the {@code FastMerge} {@code ancestor} (the previous state). {@code merge}
 * returns its argument at once when one operand is the other's recorded ancestor. {@link #detached}
 * drops both: {@code resetDelta()}, then {@code clearAncestor()} on the result (and on a
 * {@code PNCounter}'s two {@code GCounter}s), so a benchmark measures the full merge algorithm on
 * states shaped as if received from another node.
 */
final class Fixtures {

  /** The port of every replica. */
  static final int PORT = 2552;

  private static final long ELEMENT_SEED = 0x0E1E_3E47L;

  private Fixtures() {}

  /** A new {@code Address} of replica {@code i}. */
  static Address address(int i) {
    return new Address("pekko", "bench", String.format(Locale.ROOT, "host-%02d", i), PORT);
  }

  /** A new {@code UniqueAddress} of replica {@code i}. */
  static UniqueAddress node(int i) {
    return new UniqueAddress(address(i), i + 1L);
  }

  /** A new {@code SelfUniqueAddress} of replica {@code i}, for Pekko's public update methods. */
  static SelfUniqueAddress self(int i) {
    return new SelfUniqueAddress(node(i));
  }

  /** Converge's id of replica {@code i}: the string of Pekko's address of that replica. */
  static ReplicaId replica(int i) {
    return ReplicaId.of(address(i).toString());
  }

  /**
   * Element {@code i}: 16 lowercase hex digits of a bijective mix of {@code i}, so elements are
   * distinct, look random (as ids and hashes do) and are reproducible. A new string on every call.
   */
  static String element(long i) {
    long z = i + ELEMENT_SEED;
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    z ^= z >>> 31;
    String hex = Long.toHexString(z);
    return "0".repeat(16 - hex.length()) + hex;
  }

  /** New strings of elements {@code from} (inclusive) to {@code to} (exclusive). */
  static List<String> elements(long from, long to) {
    List<String> list = new ArrayList<>((int) (to - from));
    for (long i = from; i < to; i++) {
      list.add(element(i));
    }
    return list;
  }

  /** Adds every element, one {@code add} each (Pekko has no bulk add). */
  static ORSet<String> addAll(ORSet<String> set, SelfUniqueAddress node, List<String> elements) {
    ORSet<String> s = set;
    for (String e : elements) {
      s = s.add(node, e);
    }
    return s;
  }

  /** Removes every element, one {@code remove} each. */
  static ORSet<String> removeAll(ORSet<String> set, SelfUniqueAddress node, List<String> elements) {
    ORSet<String> s = set;
    for (String e : elements) {
      s = s.remove(node, e);
    }
    return s;
  }

  /**
   * The state without Pekko's {@code delta} and {@code FastMerge} ancestor (see the class
   * documentation).
   */
  @SuppressWarnings("unchecked")
  static <T> T detached(T data) {
    Object d = data;
    if (d instanceof org.apache.pekko.cluster.ddata.DeltaReplicatedData) {
      d = ((org.apache.pekko.cluster.ddata.DeltaReplicatedData) d).resetDelta();
    }
    if (d instanceof FastMerge) {
      ((FastMerge) d).clearAncestor();
    }
    if (d instanceof PNCounter) {
      ((PNCounter) d).increments().clearAncestor();
      ((PNCounter) d).decrements().clearAncestor();
    }
    if (d instanceof org.apache.pekko.cluster.ddata.ORMap) {
      ((org.apache.pekko.cluster.ddata.ORMap<?, ?>) d).keys().clearAncestor();
    }
    return (T) d;
  }

  /**
   * Whether Pekko's fast path could fire between {@code a} and {@code b}: one is the other, or the
   * recorded ancestor of the other.
   */
  static boolean pekkoShortcut(FastMerge a, FastMerge b) {
    return a == b
        || a.isAncestorOf((org.apache.pekko.cluster.ddata.ReplicatedData) b)
        || b.isAncestorOf((org.apache.pekko.cluster.ddata.ReplicatedData) a);
  }
}
