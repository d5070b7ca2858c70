package dev.converge.laws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Causality;
import dev.converge.Lattice;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The harness itself: a broken lattice must fail the suite, with a seed that reproduces it. */
final class PropertyTest {

  /** A max-register whose merge is not commutative: it keeps the left side on ties of parity. */
  record Broken(long value) implements Lattice<Broken> {
    @Override
    public Broken merge(Broken other) {
      return value % 2 == other.value % 2 ? this : value > other.value ? this : other;
    }

    @Override
    public Causality compare(Broken other) {
      return value < other.value ? Causality.BEFORE : value > other.value ? Causality.AFTER : Causality.EQUAL;
    }
  }

  static final Model<Broken> BROKEN = new Model<>() {
    @Override
    public Broken empty() {
      return new Broken(0);
    }

    @Override
    public Operation<Broken> randomOperation(SplittableRandom random, int replicaCount) {
      int add = 1 + random.nextInt(3);
      return new Operation<>() {
        @Override
        public Broken apply(int replica, World<Broken> world) {
          return new Broken(world.state(replica).value() + add);
        }

        @Override
        public String toString() {
          return "add " + add;
        }
      };
    }
  };

  static void commutative(LawCase<Broken> c) {
    List<Broken> s = c.states();
    assertEquals(s.get(0).merge(s.get(1)), s.get(1).merge(s.get(0)));
  }

  @Test
  void forAll_brokenLattice_failsWithSeedAndShrunkHistory() {
    AssertionError e = assertThrows(AssertionError.class, () -> Property.forAll(
        "broken", 1_000, r -> LawCase.random(BROKEN, r, 30), LawCase::shrink, PropertyTest::commutative));
    String message = e.getMessage();
    assertTrue(message.contains("-Dconverge.seed="), message);
    Matcher steps = Pattern.compile("(\\d+) replicas, (\\d+) steps").matcher(message);
    assertTrue(steps.find(), message);
    // Shrinking is greedy (one or two steps at a time): a local minimum, far below the 30 steps generated.
    assertTrue(Integer.parseInt(steps.group(2)) <= 10, "shrunk to a few steps: " + message);

    // The printed seed reproduces the failure on its own.
    Matcher seed = Pattern.compile("seed (-?\\d+)").matcher(message);
    assertTrue(seed.find());
    String previous = System.setProperty(Property.SEED, seed.group(1));
    try {
      List<Long> ran = new ArrayList<>();
      assertThrows(AssertionError.class, () -> Property.forAll("broken", 1_000, r -> {
        ran.add(1L);
        return LawCase.random(BROKEN, r, 30);
      }, c -> List.of(), PropertyTest::commutative));
      assertEquals(1, ran.size(), "-Dconverge.seed runs exactly one case");
    } finally {
      if (previous == null) {
        System.clearProperty(Property.SEED);
      } else {
        System.setProperty(Property.SEED, previous);
      }
    }
  }

  @Test
  void forAll_passingProperty_runsEveryTry() {
    int[] count = {0};
    int ran = Property.forAll("count", 1_000, r -> r.nextInt(), c -> List.of(), c -> count[0]++);
    assertEquals(ran, count[0]);
    if (System.getProperty(Property.SEED) == null && System.getProperty(Property.TRIES) == null) {
      assertEquals(1_000, ran);
    }
  }
}
