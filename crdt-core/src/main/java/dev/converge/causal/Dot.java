package dev.converge.causal;

import dev.converge.ReplicaId;
import java.util.Objects;

/**
 * One event: the {@code counter}-th event issued by {@code replica}. Dots are the unit of causal
 * history: a version vector {@code {a=3}} holds the dots {@code a:1, a:2, a:3}.
 *
 * <p>Guarantees: immutable, thread-safe, equal by value. Ordered by replica, then counter (a total
 * order used for canonical iteration, not a causal order).
 *
 * <pre>{@code
 * Dot d = new Dot(ReplicaId.of("a"), 3);
 * assert VersionVector.empty().increment(a).increment(a).increment(a).contains(d);
 * }</pre>
 *
 * @param replica the replica that issued the event
 * @param counter the event's position in that replica's sequence, at least 1
 */
public record Dot(ReplicaId replica, long counter) implements Comparable<Dot> {

  /**
   * Creates a dot.
   *
   * @param replica the replica that issued the event
   * @param counter the event's position in that replica's sequence, at least 1
   * @throws NullPointerException if {@code replica} is {@code null}
   * @throws IllegalArgumentException if {@code counter} is below 1
   */
  public Dot {
    Objects.requireNonNull(replica, "replica");
    if (counter < 1) {
      throw new IllegalArgumentException("counter must be >= 1, got " + counter + " for replica " + replica);
    }
  }

  /**
   * The dot {@code replica:counter}.
   *
   * @param replica the replica that issued the event
   * @param counter the event's position in that replica's sequence, at least 1
   * @return the dot
   * @throws NullPointerException if {@code replica} is {@code null}
   * @throws IllegalArgumentException if {@code counter} is below 1
   */
  public static Dot of(ReplicaId replica, long counter) {
    return new Dot(replica, counter);
  }

  @Override
  public int compareTo(Dot other) {
    int c = replica.compareTo(other.replica);
    return c != 0 ? c : Long.compare(counter, other.counter);
  }

  /** Returns {@code replica:counter}, for example {@code a:3}. */
  @Override
  public String toString() {
    return replica + ":" + counter;
  }
}
