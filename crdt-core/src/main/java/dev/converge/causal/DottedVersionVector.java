package dev.converge.causal;

import dev.converge.Causality;
import dev.converge.ReplicaId;
import java.util.Objects;

/**
 * The clock of one event: its {@link Dot} plus the {@link VersionVector} of the events it causally
 * follows (Preguiça, Baquero, Almeida, Fonte, Gonçalves, "Dotted Version Vectors", 2010/2012).
 *
 * <p>A server that stamps writes with plain per-server version vectors has to choose between
 * losing an update and reporting false concurrency, because two writes it coordinates from the same
 * client context get vectors that are either ordered or equal. A dotted version vector names each
 * write by its own dot, so the order between two events is exact:
 *
 * <ul>
 *   <li>{@code x} is {@link Causality#BEFORE} {@code y} exactly when {@code y}'s past holds
 *       {@code x}'s dot;
 *   <li>two events with the same causal past and different dots are {@link Causality#CONCURRENT}.
 * </ul>
 *
 * <pre>{@code
 * VersionVector read = VersionVector.of(s, 1);               // both clients read {s=1}
 * DottedVersionVector w1 = DottedVersionVector.of(new Dot(s, 2), read);
 * DottedVersionVector w2 = DottedVersionVector.of(new Dot(s, 3), read);
 * w1.compare(w2);                                            // CONCURRENT: neither saw the other
 * }</pre>
 *
 * <p>Guarantees: immutable, thread-safe, equal by value. Not a lattice: the join of two events is
 * not an event; use {@link #history()} to obtain the causal context of an event.
 */
public final class DottedVersionVector {

  private final Dot dot;
  private final VersionVector past;

  private DottedVersionVector(Dot dot, VersionVector past) {
    this.dot = dot;
    this.past = past;
  }

  /**
   * The clock of the event {@code dot} that follows the events of {@code past}.
   *
   * @param dot the event's own dot
   * @param past the events it causally follows; must not contain {@code dot} itself
   * @return the clock
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code past} already contains {@code dot}
   */
  public static DottedVersionVector of(Dot dot, VersionVector past) {
    Objects.requireNonNull(dot, "dot");
    Objects.requireNonNull(past, "past");
    if (past.contains(dot)) {
      throw new IllegalArgumentException("past " + past + " already contains the event's own dot " + dot);
    }
    return new DottedVersionVector(dot, past);
  }

  /**
   * The clock a server assigns to a new write: the write follows the client's {@code context}, and
   * gets the next dot of {@code server} after everything the server and the context have seen.
   *
   * @param server the replica that coordinates the write
   * @param context the version vector the client read before writing
   * @param serverClock the events the server has seen so far
   * @return the clock of the new write
   * @throws NullPointerException if an argument is {@code null}
   * @throws ArithmeticException if the server's counter would overflow
   */
  public static DottedVersionVector event(ReplicaId server, VersionVector context, VersionVector serverClock) {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(serverClock, "serverClock");
    long seen = Math.max(context.get(server), serverClock.get(server));
    if (seen == Long.MAX_VALUE) {
      throw new ArithmeticException("counter of replica " + server + " overflows Long.MAX_VALUE");
    }
    return new DottedVersionVector(new Dot(server, seen + 1), context);
  }

  /**
   * The event's own dot.
   *
   * @return the dot
   */
  public Dot dot() {
    return dot;
  }

  /**
   * The events this event causally follows.
   *
   * @return the version vector of its past, not containing {@link #dot()}
   */
  public VersionVector past() {
    return past;
  }

  /**
   * The event's full causal history: its past plus its own dot.
   *
   * @return a causal context holding both
   */
  public CausalContext history() {
    return CausalContext.of(past).add(dot);
  }

  /**
   * Whether {@code event} is this event or part of its past.
   *
   * @param event the dot to look for
   * @return {@code true} when this event has seen {@code event}
   * @throws NullPointerException if {@code event} is {@code null}
   */
  public boolean contains(Dot event) {
    Objects.requireNonNull(event, "event");
    return dot.equals(event) || past.contains(event);
  }

  /**
   * The exact causal order of two events.
   *
   * @param other the other event
   * @return {@link Causality#BEFORE} when {@code other} has seen this event, {@link Causality#AFTER}
   *     when this event has seen {@code other}, {@link Causality#EQUAL} for the same event,
   *     {@link Causality#CONCURRENT} otherwise
   * @throws NullPointerException if {@code other} is {@code null}
   * @throws IllegalArgumentException if the two clocks are inconsistent: the same dot with
   *     different pasts, or each event in the other's past (a replica reused a dot)
   */
  public Causality compare(DottedVersionVector other) {
    Objects.requireNonNull(other, "other");
    if (dot.equals(other.dot)) {
      if (!past.equals(other.past)) {
        throw new IllegalArgumentException(
            "dot " + dot + " appears with two different pasts, " + past + " and " + other.past + ": a replica reused a dot");
      }
      return Causality.EQUAL;
    }
    boolean seenByOther = other.past.contains(dot);
    boolean seesOther = past.contains(other.dot);
    if (seenByOther && seesOther) {
      throw new IllegalArgumentException("events " + this + " and " + other + " each contain the other: a replica reused a dot");
    }
    if (seenByOther) {
      return Causality.BEFORE;
    }
    return seesOther ? Causality.AFTER : Causality.CONCURRENT;
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof DottedVersionVector
            && dot.equals(((DottedVersionVector) o).dot)
            && past.equals(((DottedVersionVector) o).past));
  }

  @Override
  public int hashCode() {
    return 31 * dot.hashCode() + past.hashCode();
  }

  /** Returns the dot and the past, for example {@code DottedVersionVector{s:3, past={s=1}}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("DottedVersionVector{").append(dot).append(", past={");
    past.appendEntries(sb);
    return sb.append("}}").toString();
  }
}
