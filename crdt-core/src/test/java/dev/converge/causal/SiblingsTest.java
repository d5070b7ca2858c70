package dev.converge.causal;

import static dev.converge.Causality.AFTER;
import static dev.converge.Causality.BEFORE;
import static dev.converge.Causality.CONCURRENT;
import static dev.converge.causal.VersionVectorTest.A;
import static dev.converge.causal.VersionVectorTest.B;
import static dev.converge.causal.VersionVectorTest.vv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.ReplicaId;
import dev.converge.laws.LatticeLaws;
import dev.converge.laws.Model;
import dev.converge.laws.Operation;
import dev.converge.laws.Ops;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

final class SiblingsTest extends LatticeLaws<Siblings<String>> {

  static final ReplicaId S = ReplicaId.of("s");

  @Override
  protected Siblings<String> rebuild(Siblings<String> s) {
    if (s.context().isEmpty()) {
      Siblings<String> r = Siblings.empty();
      for (String v : s.values()) {
        r = r.merge(Siblings.of(v));
      }
      return r;
    }
    return Siblings.of(s.context(), s.valuesByDot());
  }

  @Override
  protected Model<Siblings<String>> model() {
    return new Model<>() {
      @Override
      public Siblings<String> empty() {
        return Siblings.empty();
      }

      @Override
      public Operation<Siblings<String>> randomOperation(SplittableRandom random, int replicaCount) {
        // Few distinct values, so the same value is often written under two dots.
        String value = "v" + random.nextInt(4);
        int kind = random.nextInt(10);
        if (kind == 0) {
          return Ops.op("merge initial " + value, (r, w) -> w.state(r).merge(Siblings.of(value)));
        }
        if (kind == 1) {
          return Ops.op("blind update " + value, (r, w) -> w.state(r).update(VersionVector.empty(), value, w.id(r)));
        }
        // A client read from replica `source` (possibly stale) and writes through this replica.
        int source = random.nextInt(replicaCount);
        return Ops.op("update " + value + " with context of r" + source,
            (r, w) -> w.state(r).update(w.state(source).context(), value, w.id(r)));
      }
    };
  }

  static Set<String> set(String... items) {
    return new TreeSet<>(List.of(items));
  }

  // S4 Siblings: two clients write from the same context; the server keeps both; a client merges
  // them and writes back with the joint context; one value remains.
  @Test
  void update_scenarioS4_concurrentWritesBecomeSiblings_thenResolve() {
    // The server holds v1 = {milk}.
    Siblings<Set<String>> server = Siblings.<Set<String>>empty().update(VersionVector.empty(), set("milk"), S);
    // Clients A and B both read v1 with its context {s=1}.
    VersionVector readByA = server.context();
    VersionVector readByB = server.context();
    assertEquals(vv(S, 1), readByA);

    // A writes {milk, eggs}, B writes {milk, bread}, both with context {s=1}.
    server = server.update(readByA, set("milk", "eggs"), S);
    server = server.update(readByB, set("milk", "bread"), S);
    // Both are kept: neither is lost, neither overwrote the other; v1 is gone (both had seen it).
    assertEquals(List.of(set("milk", "eggs"), set("milk", "bread")), server.values());
    assertEquals(2, server.size());

    // A client reads both with their joint context, merges, and writes back with that context.
    VersionVector joint = server.context();
    Set<String> merged = server.resolve((x, y) -> {
      Set<String> u = new TreeSet<>(x);
      u.addAll(y);
      return u;
    }).orElseThrow();
    server = server.update(joint, merged, S);

    // One value remains.
    assertEquals(List.of(set("milk", "eggs", "bread")), server.values());
  }

  @Test
  void sync_dropsValuesTheOtherSideSawOverwritten_andKeepsTheRest() {
    Siblings<String> base = Siblings.<String>empty().update(VersionVector.empty(), "x", A); // a:1=x
    Siblings<String> onA = base.update(base.context(), "y", A); // a:2=y overwrites x
    Siblings<String> onB = base.update(base.context(), "z", B); // b:1=z overwrites x, concurrent with y
    Siblings<String> synced = onA.sync(onB);
    assertEquals(List.of("y", "z"), synced.values());
    assertEquals(vv(A, 2, B, 1), synced.context());
    assertEquals(CONCURRENT, onA.compare(onB));
    assertEquals(BEFORE, onA.compare(synced));
    assertSame(synced, synced.sync(onA));
    assertSame(synced, onB.sync(synced));
  }

  @Test
  void sync_sameValueUnderTwoDots_staysTwoSiblings() {
    Siblings<String> onA = Siblings.<String>empty().update(VersionVector.empty(), "same", A);
    Siblings<String> onB = Siblings.<String>empty().update(VersionVector.empty(), "same", B);
    Siblings<String> synced = onA.sync(onB);
    assertEquals(List.of("same", "same"), synced.values());
    assertEquals(Map.of(new Dot(A, 1), "same", new Dot(B, 1), "same"), synced.valuesByDot());
  }

  @Test
  void update_withStaleContext_keepsWritesTheClientDidNotSee() {
    Siblings<String> s = Siblings.<String>empty().update(VersionVector.empty(), "v1", S);
    VersionVector stale = s.context();
    s = s.update(s.context(), "v2", S); // overwrites v1
    s = s.update(stale, "v3", S); // saw only v1: v2 stays
    assertEquals(List.of("v2", "v3"), s.values());
    assertEquals("Siblings{[s:2=v2, s:3=v3], context={s=3}}", s.toString());
  }

  @Test
  void update_contextFromAnotherServer_dropsWhatItCovers() {
    Siblings<String> onA = Siblings.<String>empty().update(VersionVector.empty(), "a1", A);
    Siblings<String> onB = Siblings.<String>empty().update(VersionVector.empty(), "b1", B);
    Siblings<String> both = onA.sync(onB);
    // A client read both on A, then writes through B: the new value replaces both.
    Siblings<String> written = onB.update(both.context(), "ab", B);
    assertEquals(List.of("ab"), written.values());
    assertEquals(List.of("ab"), written.sync(onA).values(), "a1 was seen by the write, it does not come back");
  }

  @Test
  void of_initialValue_isSupersededByAnyStampedWrite() {
    Siblings<String> initial = Siblings.of("default");
    assertEquals(List.of("default"), initial.values());
    assertEquals(VersionVector.empty(), initial.context());
    Siblings<String> written = initial.update(initial.context(), "real", S);
    assertEquals(List.of("real"), written.values());
    assertEquals(AFTER, written.compare(initial));
    assertEquals(List.of("real"), initial.sync(written).values());
    assertEquals(Set.of("x", "y"), Set.copyOf(Siblings.of("x").sync(Siblings.of("y")).values()));
  }

  @Test
  void resolve_andLast_onEmptyAndFullSets() {
    Siblings<String> s = Siblings.<String>empty()
        .update(VersionVector.empty(), "b", A)
        .update(VersionVector.empty(), "c", B)
        .update(VersionVector.empty(), "a", S);
    assertEquals(Optional.of("c"), s.last(Comparator.naturalOrder()));
    assertEquals(Optional.of("bca"), s.resolve(String::concat));
    assertEquals(Optional.empty(), Siblings.<String>empty().resolve(String::concat));
    assertEquals(Optional.empty(), Siblings.<String>empty().last(Comparator.naturalOrder()));
    assertTrue(Siblings.empty().isEmpty());
  }

  @Test
  void badInput_isRejected() {
    Siblings<String> s = Siblings.empty();
    assertThrows(NullPointerException.class, () -> s.update(null, "x", S));
    assertThrows(NullPointerException.class, () -> s.update(VersionVector.empty(), null, S));
    assertThrows(NullPointerException.class, () -> s.update(VersionVector.empty(), "x", null));
    assertThrows(NullPointerException.class, () -> Siblings.of(null));
    assertThrows(NullPointerException.class, () -> s.sync(null));
    assertThrows(UnsupportedOperationException.class, () -> s.update(VersionVector.empty(), "x", S).values().clear());
  }
}
