package dev.converge.laws;

import dev.converge.Lattice;
import dev.converge.ReplicaId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A history of operations and state merges on 2-5 replicas. Replaying it yields reachable states:
 * the only kind the law suite tests.
 *
 * @param <T> the lattice type
 */
public final class History<T extends Lattice<T>> {

  /** The replica ids every history uses, {@code r0..r4}. */
  public static final List<ReplicaId> IDS =
      List.of(ReplicaId.of("r0"), ReplicaId.of("r1"), ReplicaId.of("r2"), ReplicaId.of("r3"), ReplicaId.of("r4"));

  /** One step: an operation on one replica, or one replica merging the state of another. */
  public interface Step<T extends Lattice<T>> {}

  /** Replica {@code replica} applies {@code operation}. */
  public record Apply<T extends Lattice<T>>(int replica, Operation<T> operation) implements Step<T> {
    @Override
    public String toString() {
      return "r" + replica + ": " + operation;
    }
  }

  /** Replica {@code to} receives the state of replica {@code from} and merges it. */
  public record Merge<T extends Lattice<T>>(int from, int to) implements Step<T> {
    @Override
    public String toString() {
      return "r" + to + " <- merge r" + from;
    }
  }

  /** Observes each operation as it is replayed (used to check that mutators inflate). */
  public interface Observer<T> {
    /** {@code delta} is the operation's delta form, or {@code null} when it has none. */
    void applied(T before, T after, T delta, Step<?> step);

    /** Replica {@code to} merged another replica's state. */
    default void merged(int to) {}
  }

  private final Model<T> model;
  private final int replicas;
  private final List<Step<T>> steps;

  private History(Model<T> model, int replicas, List<Step<T>> steps) {
    this.model = model;
    this.replicas = replicas;
    this.steps = Collections.unmodifiableList(steps);
  }

  /**
   * A random history: 2-5 replicas, up to {@code maxSteps} steps, about two operations per merge.
   */
  public static <T extends Lattice<T>> History<T> random(Model<T> model, SplittableRandom random, int maxSteps) {
    int replicas = 2 + random.nextInt(4);
    int length = random.nextInt(maxSteps + 1);
    List<Step<T>> steps = new ArrayList<>(length);
    for (int s = 0; s < length; s++) {
      if (random.nextInt(3) == 0) {
        int from = random.nextInt(replicas);
        int to = (from + 1 + random.nextInt(replicas - 1)) % replicas;
        steps.add(new Merge<>(from, to));
      } else {
        steps.add(new Apply<>(random.nextInt(replicas), model.randomOperation(random, replicas)));
      }
    }
    return new History<>(model, replicas, steps);
  }

  public int replicas() {
    return replicas;
  }

  public List<Step<T>> steps() {
    return steps;
  }

  /** The same history without step {@code index}: a shrinking candidate. */
  public History<T> without(int index) {
    List<Step<T>> shorter = new ArrayList<>(steps);
    shorter.remove(index);
    return new History<>(model, replicas, shorter);
  }

  /** Replays the history and returns the final state of every replica. */
  public List<T> replay() {
    return replay((before, after, delta, step) -> {});
  }

  /** Replays the history, reporting every operation to {@code observer}. */
  public List<T> replay(Observer<T> observer) {
    List<T> states = new ArrayList<>(replicas);
    for (int i = 0; i < replicas; i++) {
      states.add(model.empty());
    }
    World<T> world = World.of(states);
    for (Step<T> step : steps) {
      if (step instanceof Apply) {
        Apply<T> apply = (Apply<T>) step;
        T before = states.get(apply.replica());
        T delta = apply.operation().delta(apply.replica(), world);
        T after = apply.operation().apply(apply.replica(), world);
        observer.applied(before, after, delta, step);
        states.set(apply.replica(), after);
      } else {
        Merge<T> merge = (Merge<T>) step;
        states.set(merge.to(), states.get(merge.to()).merge(states.get(merge.from())));
        observer.merged(merge.to());
      }
    }
    return states;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(replicas).append(" replicas, ").append(steps.size()).append(" steps:");
    for (Step<T> step : steps) {
      sb.append("\n    ").append(step);
    }
    return sb.toString();
  }
}
