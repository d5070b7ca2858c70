package dev.converge.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import dev.converge.ReplicaId;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import dev.converge.causal.DottedVersionVector;
import dev.converge.causal.Siblings;
import dev.converge.causal.VersionVector;
import dev.converge.counter.GCounter;
import dev.converge.counter.PNCounter;
import dev.converge.map.ORMap;
import dev.converge.register.LWWRegister;
import dev.converge.register.MVRegister;
import dev.converge.register.Timestamp;
import dev.converge.set.ORSet;
import java.util.List;
import java.util.Objects;

/**
 * Registers a serializer for every Converge type with a Kryo instance, under fixed registration ids.
 *
 * <pre>{@code
 * Kryo kryo = new Kryo();                 // registration required (Kryo's default) works
 * ConvergeKryo.register(kryo);
 * Output out = new Output(1024, -1);
 * kryo.writeObject(out, cart);            // or writeClassAndObject
 * ORSet<?> back = kryo.readObject(new Input(out.toBytes()), ORSet.class);
 * }</pre>
 *
 * <p><b>Registration ids.</b> Converge reserves the ids {@value #FIRST_ID} to {@value #LAST_ID}; the
 * types use the ids below, which never change. Register your own classes outside that range.
 *
 * <table>
 *   <caption>Registration ids</caption>
 *   <tr><th>id</th><th>type</th></tr>
 *   <tr><td>1000</td><td>{@link ReplicaId}</td></tr>
 *   <tr><td>1001</td><td>{@link Dot}</td></tr>
 *   <tr><td>1002</td><td>{@link VersionVector}</td></tr>
 *   <tr><td>1003</td><td>{@link CausalContext}</td></tr>
 *   <tr><td>1004</td><td>{@link DottedVersionVector}</td></tr>
 *   <tr><td>1005</td><td>{@link Siblings}</td></tr>
 *   <tr><td>1006</td><td>{@link GCounter}</td></tr>
 *   <tr><td>1007</td><td>{@link PNCounter}</td></tr>
 *   <tr><td>1008</td><td>{@link Timestamp}</td></tr>
 *   <tr><td>1009</td><td>{@link LWWRegister}</td></tr>
 *   <tr><td>1010</td><td>{@link MVRegister}</td></tr>
 *   <tr><td>1011</td><td>{@link ORSet}</td></tr>
 *   <tr><td>1012</td><td>{@link ORMap}</td></tr>
 * </table>
 *
 * <p><b>Wire format, version 1.</b> Every value starts with its format version as a varint;
 * readers reject versions they do not know. Sets, maps, multi-value registers and sibling sets
 * follow with a flags varint (bit 0: the rest is deflated, when {@link Settings#compress()} is on).
 * Counters are unsigned varints; replica ids are written once per value in a sorted table and
 * referenced by index; dots are grouped by replica with counter deltas. Entries and elements are
 * written in a canonical order (by replica, or by dot), so equal states give identical bytes. The
 * values inside collections go through the caller's Kryo (one class written once when all values
 * share it), with built-in paths for {@code String}, {@code Long} and {@code Integer}.
 *
 * <p><b>Hostile input.</b> Decoding validates everything the types' factories do (sorted, no
 * duplicates, counters in range, dots inside the causal context) and checks every count against
 * {@link Settings#maxElements()} and, for in-memory input, against the bytes remaining, before
 * allocating. Any failure is a {@link ConvergeKryoException} naming the problem and the input
 * position. Nested values are decoded with the caller's registrations only; nothing is instantiated
 * by a class name read from the input. {@code String}, {@code Long} and {@code Integer} values are
 * read by Converge's own bounded code; values of other classes by the serializers the caller
 * registered for them, whose behaviour on hostile bytes is theirs. Decode untrusted bytes with
 * {@code kryo.readObject(input, ORSet.class)} rather than {@code readClassAndObject}: Kryo's own
 * class-name path reads a length-prefixed string before any Converge check runs.
 */
public final class ConvergeKryo {

  /** The first registration id Converge reserves. */
  public static final int FIRST_ID = 1000;
  /** The last registration id Converge reserves. */
  public static final int LAST_ID = 1031;

  private ConvergeKryo() {}

  /**
   * Registers every Converge type with default {@link Settings}. Registering twice is harmless.
   *
   * @param kryo the Kryo instance
   * @return {@code kryo}
   * @throws NullPointerException if {@code kryo} is {@code null}
   * @throws IllegalStateException if another class already holds one of Converge's ids, or a
   *     Converge type is registered under another id (the message names both)
   */
  public static Kryo register(Kryo kryo) {
    return register(kryo, Settings.DEFAULT);
  }

  /**
   * Registers every Converge type with the given settings (limits, compression).
   *
   * @param kryo the Kryo instance
   * @param settings the limits and options of the serializers
   * @return {@code kryo}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalStateException if another class already holds one of Converge's ids, or a
   *     Converge type is registered under another id (the message names both)
   */
  public static Kryo register(Kryo kryo, Settings settings) {
    Objects.requireNonNull(kryo, "kryo");
    Objects.requireNonNull(settings, "settings");
    List<Entry> entries = List.of(
        new Entry(ReplicaId.class, new Serializers.ReplicaIdSerializer(settings)),
        new Entry(Dot.class, new Serializers.DotSerializer(settings)),
        new Entry(VersionVector.class, new Serializers.VersionVectorSerializer(settings)),
        new Entry(CausalContext.class, new Serializers.CausalContextSerializer(settings)),
        new Entry(DottedVersionVector.class, new Serializers.DottedVersionVectorSerializer(settings)),
        new Entry(Siblings.class, new Serializers.SiblingsSerializer(settings)),
        new Entry(GCounter.class, new Serializers.GCounterSerializer(settings)),
        new Entry(PNCounter.class, new Serializers.PNCounterSerializer(settings)),
        new Entry(Timestamp.class, new Serializers.TimestampSerializer(settings)),
        new Entry(LWWRegister.class, new Serializers.LWWRegisterSerializer(settings)),
        new Entry(MVRegister.class, new Serializers.MVRegisterSerializer(settings)),
        new Entry(ORSet.class, new Serializers.ORSetSerializer(settings)),
        new Entry(ORMap.class, new Serializers.ORMapSerializer(settings)));
    // Check every id first, so a conflict leaves the Kryo instance unchanged.
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      int id = FIRST_ID + i;
      Registration byId = kryo.getClassResolver().getRegistration(id);
      if (byId != null && byId.getType() != e.type) {
        throw new IllegalStateException("Kryo registration id " + id + " is taken by " + byId.getType().getName()
            + "; Converge needs it for " + e.type.getName() + " (Converge reserves ids " + FIRST_ID + "-" + LAST_ID + ")");
      }
      Registration byType = kryo.getClassResolver().getRegistration(e.type);
      if (byType != null && byType.getId() != id) {
        throw new IllegalStateException(e.type.getName() + " is already registered under id " + byType.getId()
            + "; Converge registers it under " + id);
      }
    }
    for (int i = 0; i < entries.size(); i++) {
      kryo.register(entries.get(i).type, entries.get(i).serializer, FIRST_ID + i);
    }
    return kryo;
  }

  private record Entry(Class<?> type, Serializer<?> serializer) {}
}
