package dev.converge.delta;

import dev.converge.Lattice;
import dev.converge.Prunable;
import dev.converge.ReplicaId;
import dev.converge.internal.Pruning;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One replica's side of delta-state anti-entropy with causal delivery (Almeida, Shoker, Baquero,
 * "Delta State Replicated Data Types", 2018, Algorithm 2).
 *
 * <p>The replica keeps its state, a log of the deltas it applied (its own and those it received,
 * so deltas travel on transitively), numbered by a sequence counter, and for each peer the
 * sequence number up to which the peer has acknowledged. {@link #messageFor} ships a peer the join
 * of the deltas it has not acknowledged, a <em>delta interval</em>, or the full state when the log
 * no longer reaches back far enough. {@link #receive} applies an interval only when it starts where
 * the previous interval from the same sender ended (or before), so deltas are applied in causal
 * order even when the network reorders, duplicates or drops messages; it answers with an
 * acknowledgement.
 *
 * <p>Why: deltas of causal types ({@code ORSet}, {@code ORMap}, {@code MVRegister}) carry only the
 * dots an operation touched. Applied out of order, a remove's delta may arrive before the add it
 * undoes, and merging it then loses nothing but also removes nothing: the add arrives later and
 * stays. The join would still converge eventually only if every delta arrives; intervals with
 * acknowledgements make delivery reliable and causal. Counters and {@code LWWRegister} do not
 * need causal delivery, but shipping their deltas this way is equally correct.
 *
 * <pre>{@code
 * DeltaReplicator<ORSet<String>> a = new DeltaReplicator<>(idA, ORSet.empty(), 1_000);
 * a.applyLocal(a.state().addDelta(idA, "shoes"));
 * a.messageFor(idB).ifPresent(network::send);       // an interval, or the full state
 * // on b: b.receive(message).ifPresent(network::send); on a: a.acknowledge(ack)
 * }</pre>
 *
 * <p>Not a value: the replicator is mutable and thread-safe (every method is synchronized); the
 * states and deltas it holds are immutable values.
 *
 * @param <T> the replicated lattice type
 */
public final class DeltaReplicator<T extends Lattice<T>> {

  /**
   * A message between two replicas: the join of the sender's deltas {@code [start, end)}, or its
   * full state (then {@code start} is 0).
   *
   * @param from the sender
   * @param to the receiver
   * @param start the first sequence number of the sender's log in the payload
   * @param end one past the last sequence number in the payload
   * @param payload the delta interval, or the full state
   * @param fullState whether the payload is the sender's full state
   * @param <T> the replicated lattice type
   */
  public record Message<T>(ReplicaId from, ReplicaId to, long start, long end, T payload, boolean fullState) {
    /**
     * Validates the message.
     *
     * @param from the sender
     * @param to the receiver
     * @param start the first sequence number in the payload
     * @param end one past the last sequence number
     * @param payload the delta interval or full state
     * @param fullState whether the payload is the full state
     * @throws NullPointerException if a reference is {@code null}
     * @throws IllegalArgumentException if {@code 0 <= start <= end} does not hold
     */
    public Message {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(payload, "payload");
      if (start < 0 || end < start) {
        throw new IllegalArgumentException("interval must satisfy 0 <= start <= end, got [" + start + ", " + end + ")");
      }
    }
  }

  /**
   * An acknowledgement: {@code from} has applied the deltas of {@code to}'s log up to {@code upTo}
   * (exclusive).
   *
   * @param from the replica acknowledging
   * @param to the replica whose deltas are acknowledged
   * @param upTo one past the last sequence number applied
   */
  public record Ack(ReplicaId from, ReplicaId to, long upTo) {
    /**
     * Validates the acknowledgement.
     *
     * @param from the replica acknowledging
     * @param to the replica whose deltas are acknowledged
     * @param upTo one past the last sequence number applied
     * @throws NullPointerException if a replica is {@code null}
     * @throws IllegalArgumentException if {@code upTo} is negative
     */
    public Ack {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (upTo < 0) {
        throw new IllegalArgumentException("upTo must be >= 0, got " + upTo);
      }
    }
  }

  private final ReplicaId self;
  private final int maxLog;
  private T state;
  /** Sequence number to delta; entries below every peer's acknowledgement are dropped. */
  private final TreeMap<Long, T> log = new TreeMap<>();
  private long next;
  /** Per peer: how far it acknowledged our log. */
  private final Map<ReplicaId, Long> acked = new HashMap<>();
  /** Per sender: how far we applied its log. */
  private final Map<ReplicaId, Long> applied = new HashMap<>();
  /** Retired replica to heir: every payload received is cleaned up of these before it is merged. */
  private final Map<ReplicaId, ReplicaId> retirements = new LinkedHashMap<>();

  /**
   * Creates the replicator of replica {@code self}.
   *
   * @param self this replica's id
   * @param initial the initial state
   * @param maxLog the most deltas kept for slow peers; a peer further behind gets the full state
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code maxLog} is below 1
   */
  public DeltaReplicator(ReplicaId self, T initial, int maxLog) {
    this.self = Objects.requireNonNull(self, "self");
    this.state = Objects.requireNonNull(initial, "initial");
    if (maxLog < 1) {
      throw new IllegalArgumentException("maxLog must be >= 1, got " + maxLog);
    }
    this.maxLog = maxLog;
  }

  /**
   * The replica's current state.
   *
   * @return the state
   */
  public synchronized T state() {
    return state;
  }

  /**
   * The next sequence number of this replica's delta log.
   *
   * @return how many deltas were logged so far
   */
  public synchronized long sequence() {
    return next;
  }

  /**
   * The number of deltas kept in the log.
   *
   * @return the log's size
   */
  public synchronized int logSize() {
    return log.size();
  }

  /**
   * Applies a delta of a local operation (from a type's delta mutator, such as
   * {@code state().addDelta(self, element)}) and logs it for the peers.
   *
   * @param delta the delta
   * @return the new state
   * @throws NullPointerException if {@code delta} is {@code null}
   */
  public synchronized T applyLocal(T delta) {
    Objects.requireNonNull(delta, "delta");
    state = state.merge(delta);
    append(delta);
    return state;
  }

  private void append(T delta) {
    log.put(next++, delta);
    while (log.size() > maxLog) {
      log.pollFirstEntry();
    }
  }

  /**
   * The message that brings {@code peer} up to date: the join of the deltas it has not
   * acknowledged, or the full state when the log does not reach back to its acknowledgement.
   *
   * @param peer the receiver
   * @return the message, or empty when the peer has acknowledged everything
   * @throws NullPointerException if {@code peer} is {@code null}
   */
  public synchronized Optional<Message<T>> messageFor(ReplicaId peer) {
    Objects.requireNonNull(peer, "peer");
    if (retirements.containsKey(peer)) {
      return Optional.empty();
    }
    // From the first message on, the log keeps the peer's deltas until it acknowledges them.
    long from = acked.computeIfAbsent(peer, p -> 0L);
    if (from >= next) {
      return Optional.empty();
    }
    if (log.isEmpty() || log.firstKey() > from) {
      return Optional.of(fullStateFor(peer));
    }
    T interval = null;
    for (T d : log.tailMap(from, true).values()) {
      interval = interval == null ? d : interval.merge(d);
    }
    return Optional.of(new Message<>(self, peer, from, next, interval, false));
  }

  /**
   * A full-state message for {@code peer}, for periodic anti-entropy or a peer that lost its state.
   *
   * @param peer the receiver
   * @return the message holding this replica's state and log position
   * @throws NullPointerException if {@code peer} is {@code null}
   */
  public synchronized Message<T> fullStateFor(ReplicaId peer) {
    Objects.requireNonNull(peer, "peer");
    return new Message<>(self, peer, 0, next, state, true);
  }

  /**
   * Receives a message. A full state is always merged. A delta interval is applied only when it
   * starts at or before the end of the last interval applied from the same sender (so no delta is
   * applied before the ones it may depend on); a later interval is dropped, to be resent.
   *
   * @param message the message, addressed to this replica
   * @return the acknowledgement to send back, empty when the interval was dropped
   * @throws NullPointerException if {@code message} is {@code null}
   * @throws IllegalArgumentException if the message is addressed to another replica
   */
  public synchronized Optional<Ack> receive(Message<T> message) {
    Objects.requireNonNull(message, "message");
    if (!message.to().equals(self)) {
      throw new IllegalArgumentException("message for " + message.to() + " delivered to " + self);
    }
    ReplicaId sender = message.from();
    long have = applied.getOrDefault(sender, 0L);
    if (!message.fullState() && message.start() > have) {
      return Optional.empty(); // a gap: an earlier interval is missing
    }
    if (message.end() > have || message.fullState()) {
      T payload = cleanedUp(message.payload());
      T merged = state.merge(payload);
      if (merged != state) {
        state = merged;
        append(payload); // forward what we learned to the other peers
      }
      if (!retirements.containsKey(sender)) { // no bookkeeping for a retired sender's late message
        applied.put(sender, Math.max(have, message.end()));
      }
    }
    return Optional.of(new Ack(self, sender, applied.getOrDefault(sender, have)));
  }

  /**
   * The heir's step of retiring replica {@code retired} (see {@link Prunable}): call it on the
   * heir once the retired replica's last state has reached every live replica. The state is
   * pruned, and the pruned state is logged as a delta, so every peer receives the heir's re-issued
   * entries. Hand the returned state to every other live replica, for {@link #pruneCleanup}.
   *
   * <p>From now on every payload received is cleaned up before it is merged (an old delta still
   * in flight cannot bring the retired replica back), and the retired peer's acknowledgements are
   * forgotten, so the log is no longer held for it.
   *
   * @param retired the replica that left for good
   * @return the heir's pruned state
   * @throws NullPointerException if {@code retired} is {@code null}
   * @throws IllegalArgumentException if {@code retired} is this replica
   * @throws UnsupportedOperationException if the state's type is not {@link Prunable}
   */
  public synchronized T prune(ReplicaId retired) {
    checkRetirement(retired, self);
    T pruned = prunable(state).prune(retired, self); // may throw: nothing has changed yet
    startRetirement(retired, self);
    if (pruned != state) {
      state = pruned;
      append(pruned);
    }
    return state;
  }

  /**
   * Every other replica's step of retiring replica {@code retired}: merges the heir's pruned state
   * (from the heir's {@link #prune}), then cleans up. Merging first matters: a state cleaned up
   * before it has the heir's re-issued entries hides what only the retired replica held, and a
   * write made on it (say, an {@code ORMap} counter updated from zero) would lose updates.
   *
   * <p>From now on every payload received is cleaned up before it is merged, and the retired
   * peer's acknowledgements are forgotten. Until this call, payloads are merged as they are: a
   * replica that receives the heir's pruned state before its own call may, until then, read a
   * counter that holds the retired replica's count twice (once folded into the heir's); the call
   * settles it.
   *
   * @param retired the replica that left for good
   * @param heir the live replica that pruned it
   * @param prunedByHeir the state the heir's {@link #prune} returned
   * @return the new state
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} is this replica or {@code heir}, or if
   *     {@code heir} is this replica (the heir calls {@link #prune})
   * @throws UnsupportedOperationException if the state's type is not {@link Prunable}
   */
  public synchronized T pruneCleanup(ReplicaId retired, ReplicaId heir, T prunedByHeir) {
    Objects.requireNonNull(retired, "retired");
    Objects.requireNonNull(heir, "heir");
    Objects.requireNonNull(prunedByHeir, "prunedByHeir");
    if (heir.equals(self)) {
      throw new IllegalArgumentException(self + " is the heir of " + retired + ": call prune(retired)");
    }
    checkRetirement(retired, heir);
    ReplicaId before = retirements.put(retired, heir);
    T received;
    T next;
    try {
      received = cleanedUp(prunedByHeir);
      next = cleanedUp(state.merge(received));
    } catch (RuntimeException e) { // nothing has changed
      if (before == null) {
        retirements.remove(retired);
      } else {
        retirements.put(retired, before);
      }
      throw e;
    }
    startRetirement(retired, heir);
    if (next != state) {
      state = next;
      append(received); // forward the heir's entries to peers that lack them
    }
    return state;
  }

  private void checkRetirement(ReplicaId retired, ReplicaId heir) {
    Objects.requireNonNull(retired, "retired");
    if (retired.equals(self)) {
      throw new IllegalArgumentException(self + " cannot retire itself: it stops, the others retire it");
    }
    Pruning.check(retired, heir);
    if (!(state instanceof Prunable)) {
      throw new UnsupportedOperationException(state.getClass().getName() + " is not Prunable");
    }
  }

  private void startRetirement(ReplicaId retired, ReplicaId heir) {
    retirements.put(retired, heir);
    log.replaceAll((seq, delta) -> cleanedUp(delta));
    acked.remove(retired);
    applied.remove(retired);
  }

  private T cleanedUp(T value) {
    T out = value;
    for (Map.Entry<ReplicaId, ReplicaId> e : retirements.entrySet()) {
      out = prunable(out).pruneCleanup(e.getKey(), e.getValue());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static <T> Prunable<T> prunable(T value) {
    return (Prunable<T>) value;
  }

  /**
   * Records a peer's acknowledgement and drops the deltas every known peer has acknowledged.
   *
   * @param ack the acknowledgement, addressed to this replica
   * @throws NullPointerException if {@code ack} is {@code null}
   * @throws IllegalArgumentException if the acknowledgement is for another replica or acknowledges
   *     deltas this replica never logged
   */
  public synchronized void acknowledge(Ack ack) {
    Objects.requireNonNull(ack, "ack");
    if (!ack.to().equals(self)) {
      throw new IllegalArgumentException("acknowledgement for " + ack.to() + " delivered to " + self);
    }
    if (ack.upTo() > next) {
      throw new IllegalArgumentException(
          ack.from() + " acknowledges " + ack.upTo() + " deltas but " + self + " logged only " + next);
    }
    if (retirements.containsKey(ack.from())) {
      return; // a late acknowledgement of a retired peer must not hold the log again
    }
    acked.merge(ack.from(), ack.upTo(), Math::max);
    long lowest = Long.MAX_VALUE;
    for (long a : acked.values()) {
      lowest = Math.min(lowest, a);
    }
    log.headMap(lowest, false).clear();
  }
}
