package dev.converge.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.Causality;
import dev.converge.ReplicaId;
import dev.converge.Stats;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.causal.VersionVector;
import dev.converge.counter.GCounter;
import dev.converge.counter.PNCounter;
import dev.converge.kryo.ConvergeKryo;
import dev.converge.laws.History;
import dev.converge.laws.LawCase;
import dev.converge.laws.Model;
import dev.converge.laws.Ops;
import dev.converge.laws.Property;
import dev.converge.set.ORSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Retired replicas pruned from counters, and the metadata figures of {@code stats()}. */
final class PruneAndStatsTest {

  static final ReplicaId A = ReplicaId.of("a");
  static final ReplicaId B = ReplicaId.of("b");
  static final ReplicaId RETIRED = History.IDS.get(0);
  static final ReplicaId HEIR = History.IDS.get(1);

  static final Model<PNCounter> PN = new Model<>() {
    @Override
    public PNCounter empty() {
      return PNCounter.empty();
    }

    @Override
    public dev.converge.laws.Operation<PNCounter> randomOperation(SplittableRandom random, int replicaCount) {
      long amount = random.nextInt(4);
      boolean up = random.nextBoolean();
      return Ops.op((up ? "increment " : "decrement ") + amount,
          (r, w) -> up ? w.state(r).increment(w.id(r), amount) : w.state(r).decrement(w.id(r), amount));
    }
  };

  @Test
  void prune_keepsTheValue_dropsTheEntry_andLawsHoldAmongPrunedStates() {
    int runs = Property.forAll("prune PNCounter", 1_000, r -> LawCase.random(PN, r, 30), LawCase::shrink, c -> {
      // Step (1) of the protocol: the retired replica's last state has reached every state pruned.
      PNCounter last = c.history().replay().get(0);
      List<PNCounter> states = new ArrayList<>();
      for (PNCounter s : c.states()) {
        states.add(s.merge(last));
      }
      List<PNCounter> pruned = new ArrayList<>();
      for (PNCounter s : states) {
        PNCounter p = s.prune(RETIRED, HEIR);
        assertEquals(s.value(), p.value(), "pruning keeps the value");
        assertEquals(0, p.increments().get(RETIRED) + p.decrements().get(RETIRED), "the retired replica is gone");
        assertTrue(p.stats().replicas() <= s.stats().replicas(), "pruning never adds a replica");
        pruned.add(p);
      }
      PNCounter a = pruned.get(0);
      PNCounter b = pruned.get(1);
      PNCounter x = pruned.get(2);
      assertEquals(a, a.merge(a));
      assertEquals(a.merge(b), b.merge(a));
      assertEquals(a.merge(b).merge(x), a.merge(b.merge(x)));
      Causality order = a.compare(b);
      assertEquals(order == Causality.BEFORE, a.merge(b).equals(b) && !a.equals(b));
      // Pruning commutes with merge: pruned states merge to the pruned merge.
      assertEquals(states.get(0).merge(states.get(1)).prune(RETIRED, HEIR), a.merge(b));
    });
    assertTrue(runs >= 1);
  }

  // The protocol's pitfall: an old state from before the pruning, merged without pruning it first.
  @Test
  void prune_oldStateMergedLater_mustBeCleanedUpFirst() {
    GCounter beforeRetirement = GCounter.empty().increment(RETIRED, 5).increment(HEIR, 2); // value 7
    GCounter pruned = beforeRetirement.prune(RETIRED, HEIR).increment(HEIR, 1); // {heir=8}, value 8
    assertEquals(8, pruned.value());
    // Merged as it is, the old state brings the retired entry back: its 5 are counted twice.
    assertEquals(13, pruned.merge(beforeRetirement).value());
    // Cleaned up on receipt, as the protocol says, it merges correctly.
    assertEquals(8, pruned.merge(beforeRetirement.pruneCleanup(RETIRED, HEIR)).value());
    // Another replica cleans up before or after merging the heir's state: the same counter.
    GCounter other = beforeRetirement.increment(A, 1);
    assertEquals(other.pruneCleanup(RETIRED, HEIR).merge(pruned), other.merge(pruned).pruneCleanup(RETIRED, HEIR));
    assertEquals(9, other.pruneCleanup(RETIRED, HEIR).merge(pruned).value());
    assertEquals(3, other.pruneCleanup(RETIRED, HEIR).value(), "without the heir's state, the retired count is missing");
    assertSame(pruned, pruned.prune(RETIRED, HEIR), "nothing left to prune");
    assertThrows(IllegalArgumentException.class, () -> pruned.prune(HEIR, HEIR));
    assertThrows(NullPointerException.class, () -> pruned.prune(null, HEIR));
  }

  @Test
  void stats_countReplicasElementsDotsAndCloud() {
    ORSet<String> set = ORSet.<String>empty().addAll(A, List.of("x", "y", "z")).remove("y")
        .merge(ORSet.<String>empty().add(B, "x"));
    Stats s = set.stats();
    assertEquals(2, s.replicas());
    assertEquals(2, s.elements());
    assertEquals(3, s.dots(), "x carries two concurrent adds");
    assertEquals(0, s.cloud());
    Stats c = CausalContext.of(VersionVector.of(A, 1)).add(new Dot(A, 3)).stats();
    assertEquals(1, c.cloud());
    assertThrows(IllegalArgumentException.class, () -> new Stats(-1, 0, 0, 0, 0));
  }

  @Test
  void stats_estimatedBytes_isExactForCountersAndVectors() {
    Kryo kryo = ConvergeKryo.register(new Kryo());
    GCounter g = GCounter.empty().increment(A, 300).increment(B, 1L << 40);
    PNCounter p = PNCounter.empty().increment(A, 3).decrement(B, 70_000).increment(B, 1);
    VersionVector v = VersionVector.of(A, 1).increment(B);
    for (Object value : List.of(g, p, v, GCounter.empty(), PNCounter.empty())) {
      Output out = new Output(64, -1);
      kryo.writeObject(out, value);
      long estimate = value instanceof GCounter ? ((GCounter) value).stats().estimatedBytes()
          : value instanceof PNCounter ? ((PNCounter) value).stats().estimatedBytes()
          : ((VersionVector) value).stats().estimatedBytes();
      assertEquals(out.total(), estimate, "estimate of " + value);
    }
  }

  @Test
  void stats_estimatedBytes_isCloseForSets() {
    Kryo kryo = ConvergeKryo.register(new Kryo());
    ORSet<String> set = ORSet.empty();
    for (int i = 0; i < 1_000; i++) {
      set = set.add(History.IDS.get(i % 4), "element-" + i);
    }
    Output out = new Output(1024, -1);
    kryo.writeObject(out, set);
    long estimate = set.stats().estimatedBytes();
    assertTrue(Math.abs(estimate - out.total()) <= out.total() / 10,
        "estimate " + estimate + " within 10% of the encoding's " + out.total() + " bytes");
  }

  /**
   * 100,000 random operations with merges over 5 live replicas; now and then a replica retires for
   * good and a fresh one takes its place. Metadata stays bounded by the live elements and replicas:
   * no tombstones in the sets, and counters pruned of retired replicas.
   */
  @Test
  void metadata_staysBoundedOver100kOperations() {
    SplittableRandom random = new SplittableRandom(2026);
    int live = 5;
    List<ReplicaId> ids = new ArrayList<>();
    List<ORSet<Integer>> sets = new ArrayList<>();
    List<PNCounter> counters = new ArrayList<>();
    for (int i = 0; i < live; i++) {
      ids.add(ReplicaId.of("node-" + i));
      sets.add(ORSet.empty());
      counters.add(PNCounter.empty());
    }
    int nextId = live;
    long expectedValue = 0;
    int retirements = 0;
    long maxDotsOverElements = 0;
    for (int op = 0; op < 100_000; op++) {
      int r = random.nextInt(live);
      int kind = random.nextInt(100);
      if (kind < 40) {
        sets.set(r, sets.get(r).add(ids.get(r), random.nextInt(200)));
      } else if (kind < 75) {
        sets.set(r, sets.get(r).remove(random.nextInt(200)));
      } else if (kind < 85) {
        long amount = random.nextInt(5);
        counters.set(r, counters.get(r).increment(ids.get(r), amount));
        expectedValue += amount;
      } else if (kind < 99) {
        int from = random.nextInt(live);
        sets.set(r, sets.get(r).merge(sets.get(from)));
        counters.set(r, counters.get(r).merge(counters.get(from)));
      } else if (op % 1_000 == 999 || kind == 99 && random.nextInt(20) == 0) {
        // Replica r retires. (1) Its last state reaches everyone. (2) The heir prunes. (3) Everyone
        // else cleans up and merges the heir's pruned state. A fresh replica takes r's place,
        // starting from the heir's state.
        int h = (r + 1) % live;
        ReplicaId retired = ids.get(r);
        ReplicaId heir = ids.get(h);
        for (int i = 0; i < live; i++) {
          sets.set(i, sets.get(i).merge(sets.get(r)));
          counters.set(i, counters.get(i).merge(counters.get(r)));
        }
        sets.set(h, sets.get(h).prune(retired, heir));
        counters.set(h, counters.get(h).prune(retired, heir));
        for (int i = 0; i < live; i++) {
          if (i != h) {
            sets.set(i, sets.get(i).pruneCleanup(retired, heir).merge(sets.get(h)));
            counters.set(i, counters.get(i).pruneCleanup(retired, heir).merge(counters.get(h)));
          }
        }
        ids.set(r, ReplicaId.of("node-" + nextId++));
        sets.set(r, sets.get(h));
        counters.set(r, counters.get(h));
        retirements++;
      }
      for (int i = 0; i < live; i++) {
        Stats s = sets.get(i).stats();
        assertTrue(s.replicas() <= live, "the set's context tracks live replicas only");
        assertEquals(0, s.cloud(), "state merges keep the context compact");
        assertTrue(s.elements() <= 200, "at most the 200 live elements");
        assertTrue(s.dots() <= (long) s.elements() * live, "no tombstones: dots per element bounded by live writers");
        maxDotsOverElements = Math.max(maxDotsOverElements, s.dots() - s.elements());
      }
      if (op % 10_000 == 0) {
        for (int i = 0; i < live; i++) {
          assertTrue(counters.get(i).stats().replicas() <= live, "retired replicas pruned from counters");
        }
      }
    }
    PNCounter total = PNCounter.empty();
    ORSet<Integer> all = ORSet.empty();
    for (int i = 0; i < live; i++) {
      total = total.merge(counters.get(i));
      all = all.merge(sets.get(i));
    }
    assertEquals(expectedValue, total.value(), "pruning lost no increment");
    assertTrue(total.stats().replicas() <= live, "counter tracks only live replicas: " + total.stats());
    assertTrue(retirements >= 30, "replicas retired along the way: " + retirements);
    System.out.println("100k operations, " + retirements + " retirements: final set " + all.stats()
        + ", counter " + total.stats() + ", max extra dots " + maxDotsOverElements);
    assertTrue(all.stats().replicas() <= live, "set tracks only live replicas: " + all.stats());
    assertTrue(all.stats().estimatedBytes() <= 200 * 16 + live * 32,
        "encoded size bounded by the live elements and replicas: " + all.stats());
  }
}
