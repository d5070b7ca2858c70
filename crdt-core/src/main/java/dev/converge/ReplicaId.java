package dev.converge;

import java.util.Objects;

/**
 * The identity of a replica: a node, a process or a client that issues writes.
 *
 * <p>Guarantees: immutable and thread-safe; equal by value; ordered by its string (the canonical
 * order of every vector and context in Converge). The string is interned, so two equal ids share
 * one string and equality is a reference comparison on the hot paths of compare and merge.
 *
 * <pre>{@code
 * ReplicaId a = ReplicaId.of("node-a");
 * ReplicaId b = ReplicaId.of("node-b");
 * assert a.compareTo(b) < 0 && a.equals(ReplicaId.of("node-a"));
 * }</pre>
 *
 * <p>Replica ids must be unique among all replicas that ever write: a replica that restarts without
 * its state must come back under a new id, or it will reissue events other replicas already hold.
 *
 * @param id the replica's name, non-empty
 */
public record ReplicaId(String id) implements Comparable<ReplicaId> {

  /**
   * Creates a replica id.
   *
   * @param id the replica's name, non-empty
   * @throws NullPointerException if {@code id} is {@code null}
   * @throws IllegalArgumentException if {@code id} is empty
   */
  public ReplicaId {
    Objects.requireNonNull(id, "id");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("id must be non-empty, got \"\"");
    }
    id = id.intern();
  }

  /**
   * The replica id named {@code id}.
   *
   * @param id the replica's name, non-empty
   * @return the replica id
   * @throws NullPointerException if {@code id} is {@code null}
   * @throws IllegalArgumentException if {@code id} is empty
   */
  public static ReplicaId of(String id) {
    return new ReplicaId(id);
  }

  @Override
  public int compareTo(ReplicaId other) {
    String o = other.id;
    return id == o ? 0 : id.compareTo(o);
  }

  @Override
  public boolean equals(Object o) {
    // Both strings are interned by the constructor, so reference equality is value equality.
    return this == o || (o instanceof ReplicaId && ((ReplicaId) o).id == id);
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
