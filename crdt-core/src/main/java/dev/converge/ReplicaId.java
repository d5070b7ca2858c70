package dev.converge;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The identity of a replica: a node, a process or a client that issues writes.
 *
 * <p>Guarantees: immutable and thread-safe; equal by value; ordered by its string (the canonical
 * order of every vector and context in Converge). Ids are canonicalized: {@link #of} returns the
 * same instance for equal strings while any is in use (a weak intern pool, like Guava's weak
 * interner), so comparing the ids of two vectors on the hot paths of compare and merge is a
 * reference comparison, even for vectors decoded from the network. Unused ids are garbage
 * collected.
 *
 * <pre>{@code
 * ReplicaId a = ReplicaId.of("node-a");
 * ReplicaId b = ReplicaId.of("node-b");
 * assert a.compareTo(b) < 0 && a.equals(ReplicaId.of("node-a"));
 * }</pre>
 *
 * <p>Replica ids must be unique among all replicas that ever write: a replica that restarts without
 * its state must come back under a new id, or it will reissue events other replicas already hold.
 */
public final class ReplicaId implements Comparable<ReplicaId> {

  private static final ConcurrentHashMap<String, Ref> POOL = new ConcurrentHashMap<>();
  private static final ReferenceQueue<ReplicaId> CLEARED = new ReferenceQueue<>();

  private final String id;

  private ReplicaId(String id) {
    this.id = id;
  }

  /**
   * The replica id named {@code id}.
   *
   * @param id the replica's name, non-empty
   * @return the replica id (the same instance for equal names while it is in use)
   * @throws NullPointerException if {@code id} is {@code null}
   * @throws IllegalArgumentException if {@code id} is empty
   */
  public static ReplicaId of(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("id must be non-empty, got \"\"");
    }
    Ref ref = POOL.get(id);
    ReplicaId known = ref == null ? null : ref.get();
    return known != null ? known : intern(id);
  }

  private static ReplicaId intern(String id) {
    expungeCleared();
    ReplicaId fresh = new ReplicaId(id);
    while (true) {
      Ref ref = POOL.putIfAbsent(id, new Ref(fresh, CLEARED));
      if (ref == null) {
        return fresh;
      }
      ReplicaId known = ref.get();
      if (known != null) {
        return known;
      }
      POOL.remove(id, ref); // cleared but not yet expunged: replace it
    }
  }

  private static void expungeCleared() {
    for (Object r; (r = CLEARED.poll()) != null; ) {
      Ref ref = (Ref) r;
      POOL.remove(ref.key, ref);
    }
  }

  /** A weak reference that remembers its key, so a cleared entry can be removed. */
  private static final class Ref extends WeakReference<ReplicaId> {
    final String key;

    Ref(ReplicaId id, ReferenceQueue<ReplicaId> queue) {
      super(id, queue);
      this.key = id.id;
    }
  }

  /**
   * The replica's name.
   *
   * @return the non-empty string this id was made from
   */
  public String id() {
    return id;
  }

  @Override
  public int compareTo(ReplicaId other) {
    return this == other ? 0 : id.compareTo(other.id);
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof ReplicaId && ((ReplicaId) o).id.equals(id));
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  /** Returns the id's string itself, as it appears in every Converge {@code toString}. */
  @Override
  public String toString() {
    return id;
  }
}
