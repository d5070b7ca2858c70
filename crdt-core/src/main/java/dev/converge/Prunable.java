package dev.converge;

/**
 * A value whose metadata names replicas, and that can forget a replica that left for good.
 *
 * <p>Every replica that ever writes gets an entry in the metadata of the values it touched (a
 * counter entry, a causal-context entry, the dots of its writes). A cluster whose replicas come
 * and go would grow that metadata forever; pruning folds a retired replica into an <em>heir</em>,
 * a live replica, without changing any value, as Pekko's ddata pruning does.
 *
 * <h2>Protocol</h2>
 *
 * <ol>
 *   <li>The retired replica stops writing for good, and its last state reaches every live replica
 *       (each has merged it).
 *   <li>The heir, and only the heir, calls {@link #prune prune(retired, heir)} on its own state:
 *       counters fold the retired replica's counts into the heir's, and the dot-based types give
 *       the retired replica's live entries fresh dots of the heir (only the heir may mint its
 *       own dots; two replicas minting them would reuse dots).
 *   <li>Every other replica, when the heir's pruned state reaches it, merges it and then calls
 *       {@link #pruneCleanup pruneCleanup(retired, heir)} on the result, with no write in
 *       between; from then on it cleans up <em>every state it receives before merging it</em>. The
 *       heir does the same with the states it receives.
 * </ol>
 *
 * <p>Why merge first: a state cleaned up before it has the heir's pruned state lacks what only
 * the retired replica held (its counts, an element or key kept only by its write), and a write
 * made on it builds on that gap; an {@code ORMap} counter updated from zero there loses the
 * increments it had. The resulting state is the same in both orders ({@code pruneCleanup} commutes
 * with merge); only writes made in between differ. {@code DeltaReplicator.pruneCleanup} does both
 * steps at once.
 *
 * <p>{@code pruneCleanup} is what makes old states safe: a state from before the pruning, cleaned
 * up on arrival, merges as if it had been pruned. Merged without the cleanup, it brings the
 * retired replica back: a counter counts it twice (once folded into the heir, once on its own),
 * and a set may get back an element that was removed after the pruning, carried by the retired
 * replica's old dot.
 *
 * <p>What pruning changes: the heir's fresh dots act as writes of the heir, concurrent with
 * anything the other replicas did before they merged the heir's pruned state. A remove of an
 * element or key that held a dot of the retired replica, made concurrently with the pruning, is
 * undone by add-wins (the heir's add replaces all the element's dots); a register value
 * overwritten concurrently comes back as a sibling. Pekko's pruning has the same effect. Values
 * are unchanged in the absence of such concurrent operations.
 *
 * @param <T> the implementing type
 */
public interface Prunable<T> {

  /**
   * The heir's step: this state with {@code retired}'s metadata folded into {@code heir}. Call it
   * on the heir's own state only. The value (counter total, set elements, register values) is
   * unchanged.
   *
   * @param retired the replica that left for good
   * @param heir the live replica that takes over, the one calling
   * @return the pruned state, or {@code this} when the state holds nothing of {@code retired}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   */
  T prune(ReplicaId retired, ReplicaId heir);

  /**
   * Every other replica's step: this state without {@code retired}'s metadata, ready to merge
   * with states the heir pruned. Apply it to your own state right after merging the heir's pruned
   * state, and to every state received after that, before merging it. Counters drop the retired replica's entry and the dot-based types its dots and
   * causal-context entry: the heir's pruned state holds them folded into the heir's, or re-issued
   * under the heir's dots. The operation is idempotent, commutes with merge, and never drops
   * anything of a live replica.
   *
   * @param retired the replica that left for good
   * @param heir the live replica that took over
   * @return the cleaned state, or {@code this} when the state holds nothing of {@code retired}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code retired} and {@code heir} are the same replica
   */
  T pruneCleanup(ReplicaId retired, ReplicaId heir);
}
