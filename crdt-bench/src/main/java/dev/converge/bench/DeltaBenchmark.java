package dev.converge.bench;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.kryo.ConvergeKryo;
import dev.converge.set.ORSet;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Shipping one add to a 10k-element OR-Set: as a delta or as the full state, Converge beside
 * Pekko ddata (whose {@code add} records a delta, applied with {@code mergeDelta}). The benchmark
 * measures the receiver's merge; {@link #sizes} prints the bytes of each message (Converge's Kryo
 * encoding; Pekko's serializer, {@code toBinary}).
 *
 * <p>The sender and the receiver each replay the same 10k adds on replica 0 separately (no shared
 * objects); then the sender adds one element on replica 1 and ships the delta of that add
 * ({@code addDelta}; Pekko's {@code delta()}) or its whole state.
 *
 * <pre>
 * mvn -o -B -q -DskipTests package &amp;&amp; java -jar crdt-bench/target/benchmarks.jar DeltaBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DeltaBenchmark {

  /** What the sender ships. */
  public enum Shipping {
    /** The delta of the one add. */
    DELTA,
    /** The sender's whole state after the add. */
    FULL_STATE
  }

  /** The peers. */
  public enum Impl {
    /** {@code dev.converge.set.ORSet} with {@code addDelta}. */
    CONVERGE,
    /** {@code org.apache.pekko.cluster.ddata.ORSet} with its recorded delta. */
    PEKKO
  }

  @Param({"CONVERGE", "PEKKO"})
  public Impl impl;

  @Param({"DELTA", "FULL_STATE"})
  public Shipping shipping;

  static final int BASE = 10_000;

  private ORSet<String> convergeReceiver;
  private ORSet<String> convergeMessage;
  private org.apache.pekko.cluster.ddata.ORSet<String> pekkoReceiver;
  private org.apache.pekko.cluster.ddata.ORSet.DeltaOp pekkoDelta;
  private org.apache.pekko.cluster.ddata.ORSet<String> pekkoFull;

  /** Builds sender and receiver separately, then the message; checks both peers agree. */
  @Setup(Level.Trial)
  public void setUp() {
    if (impl == Impl.CONVERGE) {
      ORSet<String> sender = ORSet.<String>empty().addAll(Fixtures.replica(0), Fixtures.elements(0, BASE));
      convergeReceiver = ORSet.<String>empty().addAll(Fixtures.replica(0), Fixtures.elements(0, BASE));
      String extra = Fixtures.element(BASE);
      convergeMessage = shipping == Shipping.DELTA
          ? sender.addDelta(Fixtures.replica(1), extra)
          : sender.add(Fixtures.replica(1), extra);
      ORSet<String> applied = convergeReceiver.merge(convergeMessage);
      if (applied.size() != BASE + 1 || !applied.contains(extra)) {
        throw new IllegalStateException("Converge: the message did not add the element");
      }
    } else {
      SelfUniqueAddress r0 = Fixtures.self(0);
      org.apache.pekko.cluster.ddata.ORSet<String> sender =
          Fixtures.detached(Fixtures.addAll(org.apache.pekko.cluster.ddata.ORSet.empty(), r0, Fixtures.elements(0, BASE)));
      pekkoReceiver = Fixtures.detached(
          Fixtures.addAll(org.apache.pekko.cluster.ddata.ORSet.empty(), Fixtures.self(0), Fixtures.elements(0, BASE)));
      org.apache.pekko.cluster.ddata.ORSet<String> after = sender.add(Fixtures.self(1), Fixtures.element(BASE));
      pekkoDelta = after.delta().get();
      pekkoFull = Fixtures.detached(after);
      org.apache.pekko.cluster.ddata.ORSet<String> applied =
          shipping == Shipping.DELTA ? pekkoReceiver.mergeDelta(pekkoDelta) : pekkoReceiver.merge(pekkoFull);
      if (applied.size() != BASE + 1 || !applied.contains(Fixtures.element(BASE))) {
        throw new IllegalStateException("Pekko: the message did not add the element");
      }
    }
  }

  /**
   * The receiver applies the message.
   *
   * @return the receiver's new state
   */
  @Benchmark
  public Object apply() {
    if (impl == Impl.CONVERGE) {
      return convergeReceiver.merge(convergeMessage);
    }
    return shipping == Shipping.DELTA ? pekkoReceiver.mergeDelta(pekkoDelta) : pekkoReceiver.merge(pekkoFull);
  }

  /**
   * The bytes of each message, as a Markdown table: Converge's delta and full state (Kryo), Pekko's
   * delta and full state ({@code toBinary}).
   *
   * @return the table
   */
  static String sizes() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    ConvergeKryo.register(kryo);
    ORSet<String> sender = ORSet.<String>empty().addAll(Fixtures.replica(0), Fixtures.elements(0, BASE));
    String extra = Fixtures.element(BASE);
    int convergeDelta = bytes(kryo, sender.addDelta(Fixtures.replica(1), extra));
    int convergeFull = bytes(kryo, sender.add(Fixtures.replica(1), extra));
    int pekkoDeltaBytes;
    int pekkoFullBytes;
    try (Codec.PekkoSerializer pekko = new Codec.PekkoSerializer()) {
      org.apache.pekko.cluster.ddata.ORSet<String> p =
          Fixtures.detached(Fixtures.addAll(org.apache.pekko.cluster.ddata.ORSet.empty(), Fixtures.self(0), Fixtures.elements(0, BASE)));
      org.apache.pekko.cluster.ddata.ORSet<String> after = p.add(Fixtures.self(1), extra);
      pekkoDeltaBytes = pekko.serializer.toBinary(after.delta().get()).length;
      pekkoFullBytes = pekko.serializer.toBinary(Fixtures.detached(after)).length;
    }
    return "\nOne add shipped to a " + BASE + "-element OR-Set (bytes)\n\n"
        + ResultTable.markdown(
            java.util.List.of("message", "Converge", "Pekko", "Converge/Pekko"),
            java.util.List.of(false, true, true, true),
            java.util.List.of(
                java.util.List.of("delta", String.valueOf(convergeDelta), String.valueOf(pekkoDeltaBytes),
                    String.format("%.2f", convergeDelta / (double) pekkoDeltaBytes)),
                java.util.List.of("full state", String.valueOf(convergeFull), String.valueOf(pekkoFullBytes),
                    String.format("%.2f", convergeFull / (double) pekkoFullBytes))));
  }

  private static int bytes(Kryo kryo, Object value) {
    Output out = new Output(1024, -1);
    kryo.writeObject(out, value);
    return out.toBytes().length;
  }
}
