package dev.converge.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Causality;
import dev.converge.ReplicaId;
import dev.converge.causal.Dot;
import dev.converge.laws.History;
import dev.converge.laws.LatticeLaws;
import dev.converge.laws.Model;
import dev.converge.laws.Operation;
import dev.converge.laws.Ops;
import dev.converge.laws.Property;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class MVRegisterTest extends LatticeLaws<MVRegister<String>> {

  static final ReplicaId A = ReplicaId.of("a");
  static final ReplicaId B = ReplicaId.of("b");

  @Override
  protected MVRegister<String> rebuild(MVRegister<String> r) {
    return MVRegister.of(r.context(), r.valuesByDot());
  }

  @Override
  protected Model<MVRegister<String>> model() {
    return new Model<>() {
      @Override
      public MVRegister<String> empty() {
        return MVRegister.empty();
      }

      @Override
      public Operation<MVRegister<String>> randomOperation(SplittableRandom random, int replicaCount) {
        String value = "v" + random.nextInt(4);
        return Ops.op("write " + value,
            (r, w) -> w.state(r).write(w.id(r), value),
            (r, w) -> w.state(r).writeDelta(w.id(r), value));
      }
    };
  }

  @Override
  protected boolean hasDeltas() {
    return true;
  }

  @Test
  void write_concurrentWritesAreKept_andALaterWriteReplacesThem() {
    MVRegister<String> r = MVRegister.<String>empty().write(A, "draft");
    MVRegister<String> onA = r.write(A, "Alice");
    MVRegister<String> onB = r.write(B, "Bob");
    MVRegister<String> merged = onA.merge(onB);
    assertEquals(List.of("Alice", "Bob"), merged.values());
    assertEquals(Causality.CONCURRENT, onA.compare(onB));
    MVRegister<String> resolved = merged.write(A, "Alice & Bob");
    assertEquals(List.of("Alice & Bob"), resolved.values());
    assertEquals(List.of("Alice & Bob"), resolved.merge(onB).values(), "Bob's write was seen: it does not come back");
    assertEquals("MVRegister{[a:3=Alice & Bob], context={a=3, b=1}}", resolved.toString());
  }

  @Test
  void write_sameValueConcurrently_staysTwoWrites() {
    MVRegister<String> x = MVRegister.<String>empty().write(A, "same");
    MVRegister<String> y = MVRegister.<String>empty().write(B, "same");
    assertEquals(List.of("same", "same"), x.merge(y).values());
    assertEquals(Set.of(new Dot(A, 1), new Dot(B, 1)), x.merge(y).valuesByDot().keySet());
  }

  @Test
  void badInput_isRejected() {
    assertThrows(NullPointerException.class, () -> MVRegister.<String>empty().write(null, "x"));
    assertThrows(NullPointerException.class, () -> MVRegister.<String>empty().write(A, null));
    assertThrows(NullPointerException.class, () -> MVRegister.<String>empty().merge(null));
    assertEquals(List.of(), MVRegister.empty().values());
  }

  /** Specification: the values are exactly the writes in a replica's history that no write in it has seen. */
  @Test
  void values_areExactlyTheWritesNoOtherWriteHasSeen() {
    int runs = Property.forAll("MVRegister spec", 500, r -> r.nextLong(), x -> List.of(), seed -> {
      SplittableRandom random = new SplittableRandom(seed);
      int n = 2 + random.nextInt(4);
      List<MVRegister<String>> regs = new ArrayList<>();
      List<Set<Integer>> histories = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        regs.add(MVRegister.empty());
        histories.add(new HashSet<>());
      }
      List<Set<Integer>> pastOf = new ArrayList<>(); // writes each write had seen
      for (int step = 0; step < 40; step++) {
        int r = random.nextInt(n);
        if (random.nextInt(3) == 0) {
          int from = random.nextInt(n);
          regs.set(r, regs.get(r).merge(regs.get(from)));
          histories.get(r).addAll(histories.get(from));
        } else {
          int id = pastOf.size();
          pastOf.add(new HashSet<>(histories.get(r)));
          histories.get(r).add(id);
          regs.set(r, regs.get(r).write(History.IDS.get(r), "w" + id));
        }
        for (int i = 0; i < n; i++) {
          Set<String> expected = new HashSet<>();
          for (int w : histories.get(i)) {
            boolean seen = false;
            for (int other : histories.get(i)) {
              seen |= pastOf.get(other).contains(w);
            }
            if (!seen) {
              expected.add("w" + w);
            }
          }
          assertEquals(expected, new HashSet<>(regs.get(i).values()), "replica r" + i + " after step " + step);
          assertEquals(expected.size(), regs.get(i).size());
        }
      }
    });
    assertTrue(runs >= 1);
  }
}
