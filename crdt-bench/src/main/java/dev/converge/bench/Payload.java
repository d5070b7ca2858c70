package dev.converge.bench;

import dev.converge.ReplicaId;
import dev.converge.causal.VersionVector;
import dev.converge.counter.GCounter;
import dev.converge.counter.PNCounter;
import dev.converge.map.ORMap;
import dev.converge.register.LWWRegister;
import dev.converge.register.Timestamp;
import dev.converge.set.ORSet;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The values serialized by {@link SerializationBenchmark} and measured by {@link SizeReport}, each
 * built for Converge and for Pekko from the same fixed seed and the same replicas
 * ({@link Fixtures}): equal content, checked by {@link #convergeContent}/{@link #pekkoContent}.
 *
 * <p>Pekko is always measured with its serializer as Pekko uses it,
 * {@code ReplicatedDataSerializer.toBinary}/{@code fromBinary} (which gzips every {@code ORSet}
 * and {@code ORMap}). A plain payload is Converge with default settings (no compression); a
 * {@code _COMPRESSED} payload is the same value with Converge's
 * {@code Settings.withCompression(true)} (deflate at the default level 1, above 1 KiB).
 * {@link SizeReport} adds Pekko's protobuf message without the gzip step
 * ({@code orsetToProto(..).toByteArray()}).
 */
public enum Payload {
  /** A version vector of 16 replicas. */
  VERSION_VECTOR_16(false),
  /** A grow-only counter of 64 replicas. */
  GCOUNTER_64(false),
  /** A positive-negative counter of 4 replicas, each with increments and decrements. */
  PNCOUNTER(false),
  /** A last-writer-wins register holding a 35-character string. */
  LWW_REGISTER(false),
  /** An {@code ORMap<String, PNCounter>} of 100 keys updated by 4 replicas, 20 of them concurrently. */
  ORMAP(false),
  /** {@link #ORMAP}, compressed. */
  ORMAP_COMPRESSED(true),
  /** An OR-Set of 1,000 strings of 16 hex digits, each added once by one of 4 replicas. */
  ORSET_1K(false),
  /** {@link #ORSET_1K}, compressed. */
  ORSET_1K_COMPRESSED(true),
  /** An OR-Set of 10,000 strings written by 4 replicas. */
  ORSET_10K(false),
  /** {@link #ORSET_10K}, compressed. */
  ORSET_10K_COMPRESSED(true);

  /** Replicas writing the counters, the map and the sets. */
  static final int WRITERS = 4;

  private static final long SEED = 0x5E41_A112L;

  /** Whether both sides write this payload compressed. */
  final boolean compressed;

  Payload(boolean compressed) {
    this.compressed = compressed;
  }

  /** The payload without compression (itself when plain). */
  Payload plain() {
    return compressed ? valueOf(name().substring(0, name().length() - "_COMPRESSED".length())) : this;
  }

  /** Elements in the set, or 0 when the payload is not a set. */
  int setSize() {
    switch (plain()) {
      case ORSET_1K:
        return 1_000;
      case ORSET_10K:
        return 10_000;
      default:
        return 0;
    }
  }

  /** Converge's class of the value, for {@code Kryo.readObject}. */
  Class<?> convergeType() {
    switch (plain()) {
      case VERSION_VECTOR_16:
        return VersionVector.class;
      case GCOUNTER_64:
        return GCounter.class;
      case PNCOUNTER:
        return PNCounter.class;
      case LWW_REGISTER:
        return LWWRegister.class;
      case ORMAP:
        return ORMap.class;
      default:
        return ORSet.class;
    }
  }

  /** A new Converge value. */
  Object converge() {
    Random random = random();
    switch (plain()) {
      case VERSION_VECTOR_16: {
        Map<ReplicaId, Long> entries = new HashMap<>();
        for (int i = 0; i < 16; i++) {
          entries.put(Fixtures.replica(i), counter(random));
        }
        return VersionVector.of(entries);
      }
      case GCOUNTER_64: {
        GCounter c = GCounter.empty();
        for (int i = 0; i < 64; i++) {
          c = c.increment(Fixtures.replica(i), counter(random));
        }
        return c;
      }
      case PNCOUNTER: {
        PNCounter c = PNCounter.empty();
        for (int i = 0; i < WRITERS; i++) {
          c = c.increment(Fixtures.replica(i), counter(random)).decrement(Fixtures.replica(i), counter(random) / 4);
        }
        return c;
      }
      case LWW_REGISTER:
        return LWWRegister.of(registerValue(), Timestamp.of(RegisterBenchmark.T, 0), Fixtures.replica(1));
      case ORMAP: {
        ORMap<String, PNCounter> merged = ORMap.empty(PNCounter.empty());
        for (int r = 0; r < WRITERS; r++) {
          ORMap<String, PNCounter> m = ORMap.empty(PNCounter.empty());
          ReplicaId id = Fixtures.replica(r);
          for (MapUpdate u : MAP_UPDATES) {
            if (u.replica == r) {
              m = m.update(id, Fixtures.element(u.key), q -> q.increment(id, u.amount));
            }
          }
          merged = merged.merge(m);
        }
        return merged;
      }
      default: {
        int n = setSize();
        ORSet<String> merged = ORSet.empty();
        for (int r = 0; r < WRITERS; r++) {
          merged = merged.merge(ORSet.<String>empty()
              .addAll(Fixtures.replica(r), Fixtures.elements((long) r * n / WRITERS, (long) (r + 1) * n / WRITERS)));
        }
        return merged;
      }
    }
  }

  /** A new Pekko value, without delta or {@code FastMerge} ancestor. */
  Object pekko() {
    Random random = random();
    switch (plain()) {
      case VERSION_VECTOR_16: {
        List<Tuple2<UniqueAddress, Object>> entries = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          entries.add(new Tuple2<>(Fixtures.node(i), counter(random)));
        }
        return org.apache.pekko.cluster.ddata.VersionVector$.MODULE$.apply(CollectionConverters.asScala(entries).toList());
      }
      case GCOUNTER_64: {
        org.apache.pekko.cluster.ddata.GCounter c = org.apache.pekko.cluster.ddata.GCounter.create();
        for (int i = 0; i < 64; i++) {
          c = c.increment(Fixtures.self(i), counter(random));
        }
        return Fixtures.detached(c);
      }
      case PNCOUNTER: {
        org.apache.pekko.cluster.ddata.PNCounter c = org.apache.pekko.cluster.ddata.PNCounter.create();
        for (int i = 0; i < WRITERS; i++) {
          c = c.increment(Fixtures.self(i), counter(random)).decrement(Fixtures.self(i), counter(random) / 4);
        }
        return Fixtures.detached(c);
      }
      case LWW_REGISTER:
        return org.apache.pekko.cluster.ddata.LWWRegister.create(
            Fixtures.self(1), registerValue(), (current, v) -> RegisterBenchmark.T);
      case ORMAP: {
        org.apache.pekko.cluster.ddata.ORMap<String, org.apache.pekko.cluster.ddata.PNCounter> merged =
            org.apache.pekko.cluster.ddata.ORMap.create();
        for (int r = 0; r < WRITERS; r++) {
          org.apache.pekko.cluster.ddata.ORMap<String, org.apache.pekko.cluster.ddata.PNCounter> m =
              org.apache.pekko.cluster.ddata.ORMap.create();
          SelfUniqueAddress node = Fixtures.self(r);
          for (MapUpdate u : MAP_UPDATES) {
            if (u.replica == r) {
              m = m.update(node, Fixtures.element(u.key), org.apache.pekko.cluster.ddata.PNCounter.create(),
                  q -> q.increment(node, u.amount));
            }
          }
          merged = merged.merge(Fixtures.detached(m));
        }
        return Fixtures.detached(merged);
      }
      default: {
        int n = setSize();
        org.apache.pekko.cluster.ddata.ORSet<String> merged = org.apache.pekko.cluster.ddata.ORSet.create();
        for (int r = 0; r < WRITERS; r++) {
          org.apache.pekko.cluster.ddata.ORSet<String> s = Fixtures.addAll(org.apache.pekko.cluster.ddata.ORSet.create(),
              Fixtures.self(r), Fixtures.elements((long) r * n / WRITERS, (long) (r + 1) * n / WRITERS));
          merged = merged.merge(Fixtures.detached(s));
        }
        return Fixtures.detached(merged);
      }
    }
  }

  /**
   * The content of a Converge value in a peer-neutral form (replica ids as strings, counters as
   * {@code BigInteger}), to check that both peers serialize the same thing.
   */
  @SuppressWarnings("unchecked")
  Object convergeContent(Object value) {
    switch (plain()) {
      case VERSION_VECTOR_16: {
        SortedMap<String, BigInteger> map = new TreeMap<>();
        ((VersionVector) value).forEach((id, c) -> map.put(id.id(), BigInteger.valueOf(c)));
        return map;
      }
      case GCOUNTER_64:
        return List.of(((GCounter) value).replicas().size(), ((GCounter) value).bigValue());
      case PNCOUNTER:
        return ((PNCounter) value).bigValue();
      case LWW_REGISTER:
        return ((LWWRegister<String>) value).value().orElseThrow();
      case ORMAP: {
        SortedMap<String, BigInteger> map = new TreeMap<>();
        ((ORMap<String, PNCounter>) value).toMap().forEach((k, v) -> map.put(k, v.bigValue()));
        return map;
      }
      default:
        return new TreeSet<>(((ORSet<String>) value).elements());
    }
  }

  /** The content of a Pekko value, in the form of {@link #convergeContent}. */
  @SuppressWarnings("unchecked")
  Object pekkoContent(Object value) {
    switch (plain()) {
      case VERSION_VECTOR_16: {
        SortedMap<String, BigInteger> map = new TreeMap<>();
        scala.collection.Iterator<Tuple2<UniqueAddress, Object>> it =
            ((org.apache.pekko.cluster.ddata.VersionVector) value).versionsIterator();
        while (it.hasNext()) {
          Tuple2<UniqueAddress, Object> e = it.next();
          map.put(e._1().address().toString(), BigInteger.valueOf((Long) e._2()));
        }
        return map;
      }
      case GCOUNTER_64: {
        org.apache.pekko.cluster.ddata.GCounter c = (org.apache.pekko.cluster.ddata.GCounter) value;
        return List.of(c.modifiedByNodes().size(), c.getValue());
      }
      case PNCOUNTER:
        return ((org.apache.pekko.cluster.ddata.PNCounter) value).getValue();
      case LWW_REGISTER:
        return ((org.apache.pekko.cluster.ddata.LWWRegister<String>) value).getValue();
      case ORMAP: {
        SortedMap<String, BigInteger> map = new TreeMap<>();
        ((org.apache.pekko.cluster.ddata.ORMap<String, org.apache.pekko.cluster.ddata.PNCounter>) value).getEntries()
            .forEach((k, v) -> map.put(k, v.getValue()));
        return map;
      }
      default:
        return new TreeSet<>(((org.apache.pekko.cluster.ddata.ORSet<String>) value).getElements());
    }
  }

  /**
   * The bytes the set's elements take on their own, each as a length-prefixed UTF-8 string (a
   * varint length, then the bytes: how both Converge and protobuf write a lone string); 0 when the
   * payload is not a set.
   */
  long elementBytes() {
    long total = 0;
    int n = setSize();
    for (int i = 0; i < n; i++) {
      int len = Fixtures.element(i).getBytes(StandardCharsets.UTF_8).length;
      total += varIntSize(len) + len;
    }
    return total;
  }

  private static int varIntSize(int v) {
    int size = 1;
    while ((v >>>= 7) != 0) {
      size++;
    }
    return size;
  }

  private Random random() {
    return new Random(SEED ^ plain().ordinal());
  }

  /** A counter in {@code [1, 10^6]}. */
  private static long counter(Random random) {
    return 1 + random.nextInt(1_000_000);
  }

  private static String registerValue() {
    return "the value of the register, 35 chars";
  }

  /** One update of the map: {@code replica} adds {@code amount} to the counter of key {@code key}. */
  private record MapUpdate(int replica, int key, long amount) {}

  /** Key {@code k} is updated by replica {@code k mod 4}, and every fifth key also by the next replica. */
  private static final List<MapUpdate> MAP_UPDATES = mapUpdates();

  private static List<MapUpdate> mapUpdates() {
    List<MapUpdate> updates = new ArrayList<>();
    for (int k = 0; k < 100; k++) {
      updates.add(new MapUpdate(k % WRITERS, k, 1 + k % 7));
      if (k % 5 == 0) {
        updates.add(new MapUpdate((k + 1) % WRITERS, k, 2));
      }
    }
    return updates;
  }
}
