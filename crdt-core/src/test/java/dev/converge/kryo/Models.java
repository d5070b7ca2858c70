package dev.converge.kryo;

import dev.converge.Lattice;
import dev.converge.ReplicaId;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.causal.DottedVersionVector;
import dev.converge.causal.Siblings;
import dev.converge.causal.VersionVector;
import dev.converge.counter.GCounter;
import dev.converge.counter.PNCounter;
import dev.converge.laws.History;
import dev.converge.laws.Model;
import dev.converge.laws.Ops;
import dev.converge.map.ORMap;
import dev.converge.register.LWWRegister;
import dev.converge.register.MVRegister;
import dev.converge.register.Timestamp;
import dev.converge.set.ORSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Reachable states of every Converge type for the serialization tests, built by replaying random
 * operation histories ({@link History}) on the law suite's replicas {@code r0..r4}, never from
 * random field values. Besides the usual mutators, a replica may receive the delta of one dot of
 * another replica (the part of that replica's state the dot tags): this is how clouds appear in
 * causal contexts, as they do under delta replication.
 *
 * <p>Values are drawn from small pools with colliding hash codes ({@code "Aa"}/{@code "BB"},
 * {@code 0L}/{@code -1L}), empty and non-ASCII strings, and extreme longs, so every element codec
 * (string, long, integer, one class, mixed) is written.
 */
final class Models {

  static final List<String> STRINGS = List.of("x", "y", "z", "Aa", "BB", "AaAa", "BBBB", "", "naïve", "東京");
  static final List<Long> LONGS = List.of(0L, -1L, 1L << 32, 5L, 300L, Long.MIN_VALUE, Long.MAX_VALUE);
  static final List<Integer> INTEGERS = List.of(0, 1, -7, 65536, Integer.MIN_VALUE, Integer.MAX_VALUE);
  static final List<String> REPLICA_NAMES = List.of("a", "b", "node-7", "Ω", "replica-with-a-long-name-0123456789");

  /** Draws values of one kind. */
  enum Values {
    STRING, LONG, INTEGER, MIXED, COUNTER;

    Object draw(SplittableRandom r) {
      switch (this) {
        case STRING:
          return STRINGS.get(r.nextInt(STRINGS.size()));
        case LONG:
          return LONGS.get(r.nextInt(LONGS.size()));
        case INTEGER:
          return INTEGERS.get(r.nextInt(INTEGERS.size()));
        case COUNTER:
          return GCounter.empty().increment(History.IDS.get(r.nextInt(3)), 1 + r.nextInt(3));
        default:
          switch (r.nextInt(4)) {
            case 0:
              return LONG.draw(r);
            case 1:
              return INTEGER.draw(r);
            case 2:
              return COUNTER.draw(r);
            default:
              return STRING.draw(r);
          }
      }
    }
  }

  private Models() {}

  /** A random other replica than {@code replica}. */
  static int other(SplittableRandom r, int replica, int replicas) {
    return (replica + 1 + r.nextInt(replicas - 1)) % replicas;
  }

  /** A random dot of {@code context}, or {@code null} when it is empty. */
  static Dot someDot(SplittableRandom r, CausalContext context) {
    VersionVector v = context.versionVector();
    List<Dot> cloud = context.cloud();
    int n = v.size() + cloud.size();
    if (n == 0) {
      return null;
    }
    int i = r.nextInt(n);
    if (i < cloud.size()) {
      return cloud.get(i);
    }
    i -= cloud.size();
    return new Dot(v.replicaAt(i), 1 + r.nextLong(v.counterAt(i)));
  }

  static CausalContext contextOf(Dot d) {
    return CausalContext.of(VersionVector.empty(), List.of(d));
  }

  // ------------------------------------------------------------------ causality

  static Model<VersionVector> versionVector() {
    return Model.of(VersionVector.empty(), r -> Ops.op("increment", (i, w) -> w.state(i).increment(w.id(i))));
  }

  static Model<CausalContext> causalContext() {
    return Model.of(CausalContext.empty(), r -> {
      int pick = r.nextInt(1 << 30);
      if (r.nextInt(3) == 0) {
        return Ops.op("receive a dot", (i, w) -> {
          int k = other(new SplittableRandom(pick), i, w.size());
          Dot d = someDot(new SplittableRandom(pick), w.state(k));
          return d == null ? w.state(i) : w.state(i).add(d);
        });
      }
      return Ops.op("next dot", (i, w) -> w.state(i).add(w.state(i).nextDot(w.id(i))));
    });
  }

  // ------------------------------------------------------------------ counters

  static Model<GCounter> gCounter() {
    return Model.of(GCounter.empty(), r -> {
      long amount = r.nextInt(8) == 0 ? 1L << (20 + r.nextInt(36)) : 1 + r.nextInt(300);
      return Ops.op("increment " + amount, (i, w) -> w.state(i).increment(w.id(i), amount));
    });
  }

  static Model<PNCounter> pnCounter() {
    return Model.of(PNCounter.empty(), r -> {
      long amount = r.nextInt(8) == 0 ? 1L << (20 + r.nextInt(36)) : 1 + r.nextInt(300);
      return r.nextBoolean()
          ? Ops.op("increment " + amount, (i, w) -> w.state(i).increment(w.id(i), amount))
          : Ops.op("decrement " + amount, (i, w) -> w.state(i).decrement(w.id(i), amount));
    });
  }

  // ------------------------------------------------------------------ registers

  static Model<Siblings<Object>> siblings(Values values) {
    return Model.of(Siblings.empty(), r -> {
      Object v = values.draw(r);
      int pick = r.nextInt(1 << 30);
      switch (r.nextInt(5)) {
        case 0:
          return Ops.op("blind write " + v, (i, w) -> w.state(i).update(VersionVector.empty(), v, w.id(i)));
        case 1:
          return Ops.op("import initial " + v, (i, w) -> w.state(i).merge(Siblings.of(v)));
        case 2:
          return Ops.op("write " + v + " read elsewhere", (i, w) -> {
            int k = other(new SplittableRandom(pick), i, w.size());
            return w.state(i).update(w.state(k).context(), v, w.id(i));
          });
        default:
          return Ops.op("write " + v, (i, w) -> w.state(i).update(w.state(i).context(), v, w.id(i)));
      }
    });
  }

  static Model<LWWRegister<Object>> lwwRegister(Values values) {
    return Model.of(LWWRegister.empty(), r -> {
      Object v = values.draw(r);
      // Few stamps, so writes by one replica at one stamp collide.
      Timestamp t = Timestamp.of(1_700_000_000_000L + r.nextInt(3), r.nextInt(2));
      return Ops.op("assign " + v + " at " + t, (i, w) -> w.state(i).assign(v, t, w.id(i)));
    });
  }

  static Model<MVRegister<Object>> mvRegister(Values values) {
    return Model.of(MVRegister.empty(), r -> {
      Object v = values.draw(r);
      int pick = r.nextInt(1 << 30);
      if (r.nextInt(3) == 0) {
        return Ops.op("receive a dot", (i, w) -> {
          int k = other(new SplittableRandom(pick), i, w.size());
          MVRegister<Object> s = w.state(k);
          Dot d = someDot(new SplittableRandom(pick), s.context());
          if (d == null) {
            return w.state(i);
          }
          Map<Dot, Object> held = new LinkedHashMap<>();
          if (s.valuesByDot().containsKey(d)) {
            held.put(d, s.valuesByDot().get(d));
          }
          return w.state(i).merge(MVRegister.of(contextOf(d), held));
        });
      }
      return Ops.op("write " + v, (i, w) -> w.state(i).write(w.id(i), v));
    });
  }

  // ------------------------------------------------------------------ sets and maps

  static Model<ORSet<Object>> orSet(Values values) {
    return Model.of(ORSet.empty(), r -> {
      Object e = values.draw(r);
      Object f = values.draw(r);
      int pick = r.nextInt(1 << 30);
      switch (r.nextInt(7)) {
        case 0:
        case 1:
          return Ops.op("add " + e, (i, w) -> w.state(i).add(w.id(i), e));
        case 2:
          return Ops.op("remove " + e, (i, w) -> w.state(i).remove(e));
        case 3:
          return Ops.op("addAll " + e + ", " + f, (i, w) -> w.state(i).addAll(w.id(i), List.of(e, f)));
        case 4:
          return Ops.op("removeAll " + e + ", " + f, (i, w) -> w.state(i).removeAll(List.of(e, f)));
        default:
          return Ops.op("receive a dot", (i, w) -> {
            int k = other(new SplittableRandom(pick), i, w.size());
            ORSet<Object> s = w.state(k);
            Dot d = someDot(new SplittableRandom(pick), s.context());
            if (d == null) {
              return w.state(i);
            }
            Map<Object, List<Dot>> tagged = new LinkedHashMap<>();
            for (Object x : s.elements()) {
              if (s.dots(x).contains(d)) {
                tagged.put(x, List.of(d));
              }
            }
            return w.state(i).merge(ORSet.of(contextOf(d), tagged));
          });
      }
    });
  }

  /** Keys of {@code keys}, values: counters of the updating replica. */
  static Model<ORMap<Object, PNCounter>> orMap(Values keys) {
    return Model.of(ORMap.empty(PNCounter.empty()), r -> {
      Object key = keys.draw(r);
      int amount = r.nextInt(7) - 3;
      int pick = r.nextInt(1 << 30);
      switch (r.nextInt(6)) {
        case 0:
          return Ops.op("remove " + key, (i, w) -> w.state(i).remove(key));
        case 1:
          return Ops.op("receive a dot", (i, w) -> {
            int k = other(new SplittableRandom(pick), i, w.size());
            ORMap<Object, PNCounter> s = w.state(k);
            Dot d = someDot(new SplittableRandom(pick), s.context());
            if (d == null) {
              return w.state(i);
            }
            Map<Object, Map<Dot, PNCounter>> tagged = new LinkedHashMap<>();
            for (Object x : s.keySet()) {
              PNCounter v = s.valuesByDot(x).get(d);
              if (v != null) {
                tagged.put(x, Map.of(d, v));
              }
            }
            return w.state(i).merge(ORMap.of(PNCounter.empty(), contextOf(d), tagged));
          });
        default:
          return Ops.op("update " + key + " by " + amount, (i, w) -> {
            ReplicaId id = w.id(i);
            return w.state(i).update(id, key, q -> amount >= 0 ? q.increment(id, amount) : q.decrement(id, -amount));
          });
      }
    });
  }

  /** String keys, each holding a nested set of strings. */
  static Model<ORMap<Object, ORSet<String>>> orMapOfSets() {
    return Model.of(ORMap.empty(ORSet.empty()), r -> {
      Object key = Values.STRING.draw(r);
      String e = STRINGS.get(r.nextInt(STRINGS.size()));
      return r.nextInt(4) == 0
          ? Ops.op("remove " + key, (i, w) -> w.state(i).remove(key))
          : Ops.op("add " + e + " under " + key, (i, w) -> w.state(i).update(w.id(i), key, s -> s.add(w.id(i), e)));
    });
  }

  // ------------------------------------------------------------------ states

  /** The final state of a random replica after a random history of up to {@code maxSteps} steps. */
  static <T extends Lattice<T>> T state(Model<T> model, SplittableRandom r, int maxSteps) {
    List<T> states = History.random(model, r, maxSteps).replay();
    return states.get(r.nextInt(states.size()));
  }

  static ReplicaId replicaId(SplittableRandom r) {
    return r.nextInt(3) == 0 ? History.IDS.get(r.nextInt(5)) : ReplicaId.of(REPLICA_NAMES.get(r.nextInt(REPLICA_NAMES.size())));
  }

  static long counter(SplittableRandom r) {
    switch (r.nextInt(4)) {
      case 0:
        return Long.MAX_VALUE - r.nextInt(3);
      case 1:
        return 1L << r.nextInt(63);
      default:
        return 1 + r.nextInt(200);
    }
  }

  static Timestamp timestamp(SplittableRandom r) {
    switch (r.nextInt(4)) {
      case 0:
        return r.nextBoolean() ? Timestamp.MIN : Timestamp.MAX;
      case 1:
        return Timestamp.of(r.nextLong(Timestamp.MAX_MILLIS + 1), r.nextInt(Timestamp.MAX_LOGICAL + 1));
      default:
        return Timestamp.of(1_700_000_000_000L + r.nextInt(1_000_000), r.nextInt(4));
    }
  }

  /** A reachable value of every kind the tests encode, of {@code type}. */
  static List<Object> states(Class<?> type, SplittableRandom r, int count, int maxSteps) {
    List<Object> out = new ArrayList<>(count);
    Values[] kinds = Values.values();
    for (int n = 0; n < count; n++) {
      Values kind = kinds[r.nextInt(kinds.length)];
      out.add(state(type, kind, r, maxSteps));
    }
    return out;
  }

  private static Object state(Class<?> type, Values kind, SplittableRandom r, int maxSteps) {
    if (type == ReplicaId.class) {
      return replicaId(r);
    } else if (type == Dot.class) {
      return new Dot(replicaId(r), counter(r));
    } else if (type == VersionVector.class) {
      return state(versionVector(), r, maxSteps);
    } else if (type == CausalContext.class) {
      return state(causalContext(), r, maxSteps);
    } else if (type == DottedVersionVector.class) {
      VersionVector context = state(versionVector(), r, maxSteps);
      VersionVector clock = state(versionVector(), r, maxSteps);
      return DottedVersionVector.event(History.IDS.get(r.nextInt(5)), context, clock);
    } else if (type == Siblings.class) {
      return state(siblings(kind), r, maxSteps);
    } else if (type == GCounter.class) {
      return state(gCounter(), r, maxSteps);
    } else if (type == PNCounter.class) {
      return state(pnCounter(), r, maxSteps);
    } else if (type == Timestamp.class) {
      return timestamp(r);
    } else if (type == LWWRegister.class) {
      return state(lwwRegister(kind), r, maxSteps);
    } else if (type == MVRegister.class) {
      return state(mvRegister(kind), r, maxSteps);
    } else if (type == ORSet.class) {
      return state(orSet(kind), r, maxSteps);
    } else if (type == ORMap.class) {
      return kind == Values.COUNTER ? state(orMapOfSets(), r, maxSteps) : state(orMap(kind), r, maxSteps);
    }
    throw new IllegalArgumentException("no states of " + type);
  }
}
