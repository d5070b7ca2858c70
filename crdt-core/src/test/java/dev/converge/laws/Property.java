package dev.converge.laws;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A small property runner on JUnit 5: generates cases from seeded {@link SplittableRandom}s,
 * checks each, shrinks a failing case and reports its seed.
 *
 * <ul>
 *   <li>{@code -Dconverge.seed=N} re-runs exactly the case with seed {@code N};
 *   <li>{@code -Dconverge.tries=N} overrides the number of cases of every property.
 * </ul>
 */
public final class Property {

  /** The system property that re-runs one case. */
  public static final String SEED = "converge.seed";
  /** The system property that overrides the number of cases. */
  public static final String TRIES = "converge.tries";

  private static final int MAX_SHRINK_STEPS = 1_000;

  private Property() {}

  /**
   * Checks {@code check} on {@code tries} generated cases (or on the one case of
   * {@code -Dconverge.seed}).
   *
   * @param name the property, printed on failure
   * @param tries the number of cases
   * @param generate builds a case from a seeded random source
   * @param shrink smaller candidates of a failing case (may be empty)
   * @param check throws {@link AssertionError} (or any exception) when the property fails
   * @return the number of cases checked
   */
  public static <C> int forAll(
      String name, int tries, Function<SplittableRandom, C> generate, Function<C, List<C>> shrink, Consumer<C> check) {
    String fixed = System.getProperty(SEED);
    if (fixed != null && !fixed.isBlank()) {
      long seed = Long.parseLong(fixed.trim());
      runCase(name, seed, generate, shrink, check);
      return 1;
    }
    String override = System.getProperty(TRIES);
    int n = override == null || override.isBlank() ? tries : Integer.parseInt(override.trim());
    SplittableRandom seeds = new SplittableRandom();
    for (int i = 0; i < n; i++) {
      runCase(name, seeds.nextLong(), generate, shrink, check);
    }
    return n;
  }

  private static <C> void runCase(
      String name, long seed, Function<SplittableRandom, C> generate, Function<C, List<C>> shrink, Consumer<C> check) {
    C original = generate.apply(new SplittableRandom(seed));
    Throwable failure = failureOf(check, original);
    if (failure == null) {
      return;
    }
    C smallest = original;
    int steps = 0;
    boolean progress = true;
    while (progress && steps < MAX_SHRINK_STEPS) {
      progress = false;
      for (C candidate : shrink.apply(smallest)) {
        Throwable f = failureOf(check, candidate);
        steps++;
        if (f != null) {
          smallest = candidate;
          failure = f;
          progress = true;
          break;
        }
      }
    }
    AssertionError error = new AssertionError(
        "property '" + name + "' failed for seed " + seed + " (re-run it with -D" + SEED + "=" + seed + ")\n"
            + "  shrunk case (" + steps + " shrink attempts):\n    " + smallest + "\n"
            + "  failure: " + failure,
        failure);
    throw error;
  }

  private static <C> Throwable failureOf(Consumer<C> check, C value) {
    try {
      check.accept(value);
      return null;
    } catch (AssertionError | RuntimeException e) {
      return e;
    }
  }
}
