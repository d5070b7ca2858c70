package dev.converge.laws;

import dev.converge.Lattice;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One generated case of the law suite: a history and three of its replicas, whose final states
 * are {@code a}, {@code b} and {@code c}. The picks may coincide.
 *
 * @param <T> the lattice type
 */
public record LawCase<T extends Lattice<T>>(History<T> history, int pickA, int pickB, int pickC) {

  /** A random case from histories of up to {@code maxSteps} steps. */
  public static <T extends Lattice<T>> LawCase<T> random(Model<T> model, SplittableRandom random, int maxSteps) {
    History<T> h = History.random(model, random, maxSteps);
    int r = h.replicas();
    return new LawCase<>(h, random.nextInt(r), random.nextInt(r), random.nextInt(r));
  }

  /** The final states of the picked replicas: {@code [a, b, c]}. */
  public List<T> states() {
    List<T> all = history.replay();
    return List.of(all.get(pickA), all.get(pickB), all.get(pickC));
  }

  /**
   * Smaller candidates: the history without one step, then without two (some failures need an
   * even number of steps, or an operation together with the merge that spreads it).
   */
  public List<LawCase<T>> shrink() {
    List<LawCase<T>> out = new ArrayList<>();
    int n = history.steps().size();
    for (int i = n - 1; i >= 0; i--) {
      out.add(new LawCase<>(history.without(i), pickA, pickB, pickC));
    }
    for (int i = n - 1; i >= 1; i--) {
      for (int j = i - 1; j >= 0; j--) {
        out.add(new LawCase<>(history.without(i).without(j), pickA, pickB, pickC));
      }
    }
    return out;
  }

  @Override
  public String toString() {
    List<T> s;
    String states;
    try {
      s = states();
      states = "a = r" + pickA + " = " + s.get(0) + "\n    b = r" + pickB + " = " + s.get(1) + "\n    c = r" + pickC + " = " + s.get(2);
    } catch (RuntimeException e) {
      states = "(replay throws " + e + ")";
    }
    return history.toString().replace("\n", "\n  ") + "\n    " + states;
  }
}
