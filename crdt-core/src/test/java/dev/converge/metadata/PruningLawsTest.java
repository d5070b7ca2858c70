package dev.converge.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Lattice;
import dev.converge.Prunable;
import dev.converge.ReplicaId;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.causal.Siblings;
import dev.converge.causal.VersionVector;
import dev.converge.internal.Pruning;
import dev.converge.counter.PNCounter;
import dev.converge.laws.History;
import dev.converge.laws.Model;
import dev.converge.laws.Ops;
import dev.converge.laws.Property;
import dev.converge.laws.World;
import dev.converge.map.ORMap;
import dev.converge.register.MVRegister;
import dev.converge.set.ORSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The laws of {@link Prunable} on every type, on states from random histories of the law suite's
 * replicas {@code r0..r4}: replica {@code r0} retires and {@code r1} is its heir.
 *
 * <p>After step (1) of the protocol (every replica has merged the retired replica's last state):
 *
 * <ul>
 *   <li>the heir's {@code prune} keeps its value, and the pruned state names the retired replica
 *       nowhere;
 *   <li>{@code pruneCleanup} is idempotent, leaves no trace of the retired replica, commutes with
 *       merge, and is monotone for states from earlier in the history (so an old state cleaned on
 *       arrival never undoes anything);
 *   <li>with no concurrent activity, every replica ends with the value it had: the cleaned state
 *       merged with the heir's pruned one has the unpruned value;
 *   <li>the live replicas go on writing and merging (receiving old states, cleaned on arrival):
 *       the lattice laws hold among the pruned states, they converge, and the retired replica never
 *       comes back.
 * </ul>
 */
final class PruningLawsTest {

  static final ReplicaId RETIRED = History.IDS.get(0);
  static final ReplicaId HEIR = History.IDS.get(1);

  /** What the laws need to know of a type: its model, its value, and whether it names a replica. */
  record Spec<T extends Lattice<T> & Prunable<T>>(
      String name, Model<T> model, Function<T, Object> value, Predicate<T> namesRetired) {}

  static boolean named(List<Dot> dots) {
    for (Dot d : dots) {
      if (d.replica().equals(RETIRED)) {
        return true;
      }
    }
    return false;
  }

  static boolean names(PNCounter c) {
    return c.increments().get(RETIRED) + c.decrements().get(RETIRED) > 0;
  }

  static boolean names(ORSet<?> s) {
    List<Dot> dots = new ArrayList<>();
    s.forEachDot((e, d) -> dots.add(d));
    return s.context().mentions(RETIRED) || named(dots);
  }

  static <V extends Lattice<V>> boolean names(ORMap<Integer, V> m, Predicate<V> valueNames) {
    if (m.context().mentions(RETIRED)) {
      return true;
    }
    for (Integer k : m.keySet()) {
      Map<Dot, V> values = m.valuesByDot(k);
      if (named(new ArrayList<>(values.keySet())) || values.values().stream().anyMatch(valueNames)) {
        return true;
      }
    }
    return false;
  }

  static final Spec<PNCounter> COUNTER = new Spec<>("PNCounter", Model.of(PNCounter.empty(), r -> {
    long amount = 1 + r.nextInt(3);
    boolean up = r.nextInt(3) > 0;
    return Ops.op((up ? "increment " : "decrement ") + amount,
        (i, w) -> up ? w.state(i).increment(w.id(i), amount) : w.state(i).decrement(w.id(i), amount));
  }), PNCounter::bigValue, PruningLawsTest::names);

  static final Spec<ORSet<Integer>> SET = new Spec<>("ORSet", Model.of(ORSet.<Integer>empty(), r -> {
    int e = r.nextInt(6);
    return r.nextInt(3) > 0
        ? Ops.op("add " + e, (i, w) -> w.state(i).add(w.id(i), e))
        : Ops.op("remove " + e, (i, w) -> w.state(i).remove(e));
  }), ORSet::elements, PruningLawsTest::names);

  static final Spec<MVRegister<Integer>> REGISTER = new Spec<>("MVRegister", Model.of(MVRegister.<Integer>empty(), r -> {
    int v = r.nextInt(10);
    return Ops.op("write " + v, (i, w) -> w.state(i).write(w.id(i), v));
  }), m -> new java.util.HashSet<>(m.values()),
      m -> m.context().mentions(RETIRED) || named(new ArrayList<>(m.valuesByDot().keySet())));

  static final Spec<ORMap<Integer, PNCounter>> CART = new Spec<>("ORMap<Integer, PNCounter>",
      Model.of(ORMap.<Integer, PNCounter>empty(PNCounter.empty()), r -> {
        int k = r.nextInt(4);
        switch (r.nextInt(4)) {
          case 0:
            return Ops.op("remove " + k, (i, w) -> w.state(i).remove(k));
          case 1:
            return Ops.op("decrement " + k, (i, w) -> w.state(i).update(w.id(i), k, q -> q.decrement(w.id(i), 1)));
          default:
            return Ops.op("increment " + k, (i, w) -> w.state(i).update(w.id(i), k, q -> q.increment(w.id(i), 1)));
        }
      }), m -> m.toMap().entrySet().stream().collect(
          java.util.stream.Collectors.toMap(e -> e.getKey(), e -> e.getValue().bigValue())),
      m -> names(m, PruningLawsTest::names));

  static final Spec<ORMap<Integer, ORSet<Integer>>> NESTED = new Spec<>("ORMap<Integer, ORSet<Integer>>",
      Model.of(ORMap.<Integer, ORSet<Integer>>empty(ORSet.empty()), r -> {
        int k = r.nextInt(3);
        int e = r.nextInt(3);
        switch (r.nextInt(4)) {
          case 0:
            return Ops.op("remove key " + k, (i, w) -> w.state(i).remove(k));
          case 1:
            return Ops.op("remove " + e + " from " + k, (i, w) -> w.state(i).update(w.id(i), k, s -> s.remove(e)));
          default:
            return Ops.op("add " + e + " to " + k, (i, w) -> w.state(i).update(w.id(i), k, s -> s.add(w.id(i), e)));
        }
      }), m -> m.toMap().entrySet().stream().collect(
          java.util.stream.Collectors.toMap(e -> e.getKey(), e -> e.getValue().elements())),
      m -> names(m, PruningLawsTest::names));

  static final Spec<Siblings<Integer>> SIBLINGS = new Spec<>("Siblings", Model.of(Siblings.<Integer>empty(), r -> {
    int v = r.nextInt(10);
    int readFrom = r.nextInt(5);
    return Ops.op("write " + v + " with the context read from r" + readFrom, (i, w) -> {
      Siblings<Integer> read = w.state(readFrom % w.size());
      return w.state(i).update(read.context(), v, w.id(i));
    });
  }), s -> new java.util.HashSet<>(s.values()), s -> s.context().get(RETIRED) > 0);

  static final Spec<CausalContext> CONTEXT = new Spec<>("CausalContext", Model.of(CausalContext.empty(), r -> {
    return Ops.op("next dot", (i, w) -> w.state(i).add(w.state(i).nextDot(w.id(i))));
  }), c -> {
    // A context has no value; what pruning must keep is what it knows of the other replicas.
    java.util.Map<ReplicaId, Long> others = new java.util.HashMap<>(c.versionVector().toMap());
    others.remove(RETIRED);
    return List.of(others, Pruning.without(c.cloud(), RETIRED));
  }, c -> c.mentions(RETIRED));

  static final Spec<VersionVector> VECTOR = new Spec<>("VersionVector",
      Model.of(VersionVector.empty(), r -> Ops.op("increment", (i, w) -> w.state(i).increment(w.id(i)))), v -> {
        java.util.Map<ReplicaId, Long> others = new java.util.HashMap<>(v.toMap());
        others.remove(RETIRED);
        return others;
      }, v -> v.get(RETIRED) > 0);

  @Test
  void versionVector() {
    check(VECTOR);
  }

  @Test
  void pnCounter() {
    check(COUNTER);
  }

  @Test
  void orSet() {
    check(SET);
  }

  @Test
  void mvRegister() {
    check(REGISTER);
  }

  @Test
  void orMapOfCounters() {
    check(CART);
  }

  @Test
  void orMapOfSets() {
    check(NESTED);
  }

  @Test
  void siblings() {
    check(SIBLINGS);
  }

  @Test
  void causalContext() {
    check(CONTEXT);
  }

  static <T extends Lattice<T> & Prunable<T>> void check(Spec<T> spec) {
    int runs = Property.forAll("pruning " + spec.name(), 500,
        r -> new Case<>(History.random(spec.model(), r, 30), r.nextLong()), Case::shrink, c -> c.check(spec));
    assertTrue(runs >= 1);
  }

  /** A history, and the seed of what the live replicas do after the pruning. */
  record Case<T extends Lattice<T> & Prunable<T>>(History<T> history, long after) {

    List<Case<T>> shrink() {
      List<Case<T>> out = new ArrayList<>();
      for (int i = history.steps().size() - 1; i >= 0; i--) {
        out.add(new Case<>(history.without(i), after));
      }
      return out;
    }

    void check(Spec<T> spec) {
      List<T> states = history.replay();
      int n = states.size();
      T last = states.get(0);
      // Step (1): every live replica has merged the retired replica's last state.
      List<T> synced = new ArrayList<>();
      for (T s : states) {
        synced.add(s.merge(last));
      }
      T heirState = synced.get(1);
      T pruned = heirState.prune(RETIRED, HEIR);
      assertEquals(spec.value().apply(heirState), spec.value().apply(pruned), "the heir's prune keeps the value");
      assertFalse(spec.namesRetired().test(pruned), () -> "the pruned state still names " + RETIRED + ": " + pruned);
      assertEquals(pruned, pruned.pruneCleanup(RETIRED, HEIR), "the pruned state is clean");

      List<T> cleaned = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        T s = synced.get(i);
        T c = s.pruneCleanup(RETIRED, HEIR);
        assertFalse(spec.namesRetired().test(c), () -> "cleanup left a trace of " + RETIRED + ": " + c);
        assertEquals(c, c.pruneCleanup(RETIRED, HEIR), "cleanup is idempotent");
        T old = states.get(i).pruneCleanup(RETIRED, HEIR);
        assertEquals(c, c.merge(old), "an older state, cleaned, adds nothing to a cleaned newer one");
        assertEquals(s.merge(pruned).pruneCleanup(RETIRED, HEIR), c.merge(pruned),
            "cleaning up before or after merging the heir's pruned state gives the same state");
        cleaned.add(c);
      }
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          assertEquals(synced.get(i).merge(synced.get(j)).pruneCleanup(RETIRED, HEIR),
              cleaned.get(i).merge(cleaned.get(j)), "cleanup commutes with merge");
        }
      }
      // No concurrent activity: every replica holds the merge of all; values survive pruning.
      T all = synced.get(0);
      for (T s : synced) {
        all = all.merge(s);
      }
      T allPruned = all.prune(RETIRED, HEIR);
      T everyoneElse = all.pruneCleanup(RETIRED, HEIR).merge(allPruned);
      assertEquals(spec.value().apply(all), spec.value().apply(everyoneElse), "values are unchanged by pruning");
      assertEquals(allPruned, everyoneElse, "the others converge on the heir's pruned state");

      // The live replicas go on: they write, merge states received (old ones too, cleaned on
      // arrival), and never mint a dot of the retired replica.
      List<T> live = new ArrayList<>(cleaned);
      live.set(1, pruned);
      live.set(0, pruned); // the retired replica's slot, read by clients but never written
      SplittableRandom random = new SplittableRandom(after);
      World<T> world = World.of(live);
      for (int step = 0; step < 20 && n > 1; step++) {
        int r = 1 + random.nextInt(n - 1);
        int kind = random.nextInt(3);
        if (kind == 0) {
          live.set(r, spec.model().randomOperation(random, n).apply(r, world));
        } else if (kind == 1) {
          live.set(r, live.get(r).merge(live.get(1 + random.nextInt(n - 1))));
        } else {
          T received = (random.nextBoolean() ? states : synced).get(random.nextInt(n));
          live.set(r, live.get(r).merge(received.pruneCleanup(RETIRED, HEIR)));
        }
        assertFalse(spec.namesRetired().test(live.get(r)), () -> RETIRED + " came back: " + live.get(r));
      }
      T a = live.get(n - 1);
      T b = live.get(1);
      T x = live.get(Math.max(1, n - 2));
      assertEquals(a, a.merge(a), "idempotent among pruned states");
      assertEquals(a.merge(b), b.merge(a), "commutative among pruned states");
      assertEquals(a.merge(b).merge(x), a.merge(b.merge(x)), "associative among pruned states");
      T end = live.get(1);
      for (int i = 1; i < n; i++) {
        end = end.merge(live.get(i));
      }
      for (int i = 1; i < n; i++) {
        assertEquals(end, live.get(i).merge(end), "replicas converge");
      }
      assertFalse(spec.namesRetired().test(end));
    }

    @Override
    public String toString() {
      return history + "\n  then live replicas run seed " + after;
    }
  }
}
