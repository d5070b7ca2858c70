package dev.converge.laws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Causality;
import dev.converge.Lattice;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The join-semilattice laws of DESIGN.md section 5, checked on states built from operation
 * histories. A type's test extends this suite and supplies its {@link Model}; it inherits every law.
 *
 * <p>Each law runs {@link #tries()} generated cases (1,000 by default). A failure prints the seed,
 * the shrunk history and the states; {@code -Dconverge.seed=N} re-runs that case.
 *
 * @param <T> the lattice type
 */
public abstract class LatticeLaws<T extends Lattice<T>> {

  /** The type's model: its empty state and random operations. */
  protected abstract Model<T> model();

  /** Cases per law. */
  protected int tries() {
    return 1_000;
  }

  /** The longest history generated. */
  protected int maxSteps() {
    return 30;
  }

  private void forAll(String law, Consumer<List<T>> check) {
    Model<T> model = model();
    Property.forAll(
        getClass().getSimpleName() + "." + law,
        tries(),
        random -> LawCase.random(model, random, maxSteps()),
        LawCase::shrink,
        c -> check.accept(c.states()));
  }

  @Test
  public void merge_isIdempotent() {
    forAll("merge_isIdempotent", s -> {
      T a = s.get(0);
      assertEquals(a, a.merge(a), "a.merge(a) == a");
    });
  }

  @Test
  public void merge_isCommutative() {
    forAll("merge_isCommutative", s -> {
      T a = s.get(0);
      T b = s.get(1);
      assertEquals(a.merge(b), b.merge(a), "a.merge(b) == b.merge(a)");
    });
  }

  @Test
  public void merge_isAssociative() {
    forAll("merge_isAssociative", s -> {
      T a = s.get(0);
      T b = s.get(1);
      T c = s.get(2);
      assertEquals(a.merge(b).merge(c), a.merge(b.merge(c)), "(a.merge(b)).merge(c) == a.merge(b.merge(c))");
    });
  }

  @Test
  public void empty_isIdentity() {
    T empty = model().empty();
    forAll("empty_isIdentity", s -> {
      T a = s.get(0);
      assertEquals(a, empty.merge(a), "empty.merge(a) == a");
      assertEquals(a, a.merge(empty), "a.merge(empty) == a");
      assertTrue(empty.compare(a).isBeforeOrEqual(), "empty.compare(a) is BEFORE or EQUAL, was " + empty.compare(a));
    });
  }

  @Test
  public void merge_isUpperBound() {
    forAll("merge_isUpperBound", s -> {
      T a = s.get(0);
      T b = s.get(1);
      T m = a.merge(b);
      assertTrue(a.compare(m).isBeforeOrEqual(), "a.compare(a.merge(b)) is BEFORE or EQUAL, was " + a.compare(m));
      assertTrue(b.compare(m).isBeforeOrEqual(), "b.compare(a.merge(b)) is BEFORE or EQUAL, was " + b.compare(m));
    });
  }

  @Test
  public void compare_agreesWithMerge() {
    forAll("compare_agreesWithMerge", s -> {
      T a = s.get(0);
      T b = s.get(1);
      Causality order = a.compare(b);
      T m = a.merge(b);
      assertEquals(order.reverse(), b.compare(a), "b.compare(a) is a.compare(b) reversed");
      assertEquals(order == Causality.EQUAL, a.equals(b), "EQUAL iff equals; compare was " + order);
      assertEquals(order == Causality.BEFORE, m.equals(b) && !a.equals(b), "BEFORE iff a.merge(b) == b != a; compare was " + order);
      assertEquals(order == Causality.AFTER, m.equals(a) && !a.equals(b), "AFTER iff a.merge(b) == a != b; compare was " + order);
      if (order == Causality.CONCURRENT) {
        assertNotEquals(a, m, "a concurrent merge differs from a");
        assertNotEquals(b, m, "a concurrent merge differs from b");
      }
    });
  }

  @Test
  public void merge_returnsDominatingOperand() {
    forAll("merge_returnsDominatingOperand", s -> {
      T a = s.get(0);
      T b = s.get(1);
      Causality order = a.compare(b);
      if (order == Causality.BEFORE) {
        assertSame(b, a.merge(b), "a.merge(b) returns b itself when b dominates");
      } else if (order == Causality.AFTER || order == Causality.EQUAL) {
        assertSame(a, a.merge(b), "a.merge(b) returns a itself when a dominates or equals b");
      }
    });
  }

  @Test
  public void equalsAndHashCode_areConsistent() {
    forAll("equalsAndHashCode_areConsistent", s -> {
      T a = s.get(0);
      T b = s.get(1);
      T ab = a.merge(b);
      T ba = b.merge(a);
      assertEquals(ab, ba);
      assertEquals(ab.hashCode(), ba.hashCode(), "equal states have equal hash codes");
      assertEquals(ab.toString(), ba.toString(), "equal states print the same");
      assertEquals(a, a);
      assertNotEquals(null, a);
      if (a.equals(b)) {
        assertEquals(a.hashCode(), b.hashCode(), "equal states have equal hash codes");
      }
    });
  }

  /**
   * Rebuilds {@code state} from its public parts through the type's validating factory ({@code of}
   * for decoders and own wire formats), or returns {@code null} when the type has none.
   */
  protected T rebuild(T state) {
    return null;
  }

  @Test
  public void factory_rebuildsEveryReachableStateFromItsParts() {
    forAll("factory_rebuildsEveryReachableStateFromItsParts", s -> {
      T a = s.get(0);
      T rebuilt = rebuild(a);
      if (rebuilt != null) {
        assertEquals(a, rebuilt, "rebuilt from its parts");
        assertEquals(a.hashCode(), rebuilt.hashCode());
        assertEquals(Causality.EQUAL, a.compare(rebuilt));
      }
    });
  }

  /**
   * The delta law (Almeida, Shoker, Baquero 2018): for every operation with a delta form,
   * {@code state.merge(delta)} equals the mutated state; and the deltas of consecutive operations
   * of one replica, merged into a delta group, take the state before them to the state after them.
   */
  @Test
  public void deltas_mergeIntoTheMutatedState_aloneAndAsGroups() {
    Model<T> model = model();
    int[] deltas = {0};
    int runs = Property.forAll(
        getClass().getSimpleName() + ".deltas_mergeIntoTheMutatedState_aloneAndAsGroups",
        tries(),
        random -> LawCase.random(model, random, maxSteps()),
        LawCase::shrink,
        c -> {
          Map<Integer, T> groupBase = new HashMap<>();
          Map<Integer, T> group = new HashMap<>();
          c.history().replay(new History.Observer<T>() {
            @Override
            public void applied(T before, T after, T delta, History.Step<?> step) {
              int r = ((History.Apply<?>) step).replica();
              if (delta == null) {
                groupBase.remove(r);
                group.remove(r);
                return;
              }
              deltas[0]++;
              assertEquals(after, before.merge(delta), "state.merge(delta) equals the mutated state for " + step
                  + "\n    before = " + before + "\n    delta  = " + delta);
              groupBase.putIfAbsent(r, before);
              T g = group.containsKey(r) ? group.get(r).merge(delta) : delta;
              group.put(r, g);
              assertEquals(after, groupBase.get(r).merge(g), "a delta group takes the state before it to the state after it");
            }

            @Override
            public void merged(int to) {
              groupBase.remove(to);
              group.remove(to);
            }
          });
        });
    if (runs >= 100 && hasDeltas()) {
      assertTrue(deltas[0] > 0, "the model's operations have delta forms");
    }
  }

  /** Whether the model's operations have delta forms (checked by the delta law). */
  protected boolean hasDeltas() {
    return false;
  }

  /** Histories per run of the convergence property. */
  protected int networkRuns() {
    return 500;
  }

  @Test
  public void replicas_convergeOverLossyReorderingNetwork() {
    Model<T> model = model();
    int[] totals = new int[3];
    int runs = Property.forAll(
        getClass().getSimpleName() + ".replicas_convergeOverLossyReorderingNetwork",
        networkRuns(),
        random -> random.nextLong(),
        seed -> List.of(),
        seed -> {
          Network<T> net = Network.run(model, new java.util.SplittableRandom(seed), 60);
          T expected = net.mergeOfAll();
          List<T> after = net.fullExchange();
          for (int r = 0; r < after.size(); r++) {
            assertEquals(expected, after.get(r), "replica r" + r + " after the final exchange\n  " + net);
          }
          totals[0] += net.delivered();
          totals[1] += net.dropped();
          totals[2] += net.duplicated();
        });
    if (runs >= 100) {
      assertTrue(totals[0] > 0 && totals[1] > 0 && totals[2] > 0,
          "the network delivered, dropped and duplicated messages: " + java.util.Arrays.toString(totals));
    }
  }

  @Test
  public void mutators_inflate() {
    Model<T> model = model();
    Property.forAll(
        getClass().getSimpleName() + ".mutators_inflate",
        tries(),
        random -> LawCase.random(model, random, maxSteps()),
        LawCase::shrink,
        c -> c.history().replay((before, after, delta, step) -> {
          Causality order = before.compare(after);
          assertTrue(order.isBeforeOrEqual(), "x.compare(x.op()) is BEFORE or EQUAL for " + step + ", was " + order
              + "\n    before = " + before + "\n    after  = " + after);
          if (order == Causality.EQUAL) {
            assertSame(before, after, "a mutator that changes nothing returns this: " + step);
          }
        }));
  }
}
