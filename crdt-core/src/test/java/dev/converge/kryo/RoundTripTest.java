package dev.converge.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class RoundTripTest {

  static final ReplicaId A = ReplicaId.of("a");
  static final ReplicaId B = ReplicaId.of("b");

  static Kryo kryo(Settings settings) {
    return Fixtures.kryo(settings);
  }

  static byte[] write(Kryo kryo, Object value) {
    return Fixtures.write(kryo, value);
  }

  static Object read(Kryo kryo, byte[] bytes) {
    Input in = new Input(bytes);
    Object v = kryo.readClassAndObject(in);
    assertEquals(bytes.length, in.position(), "every byte consumed");
    return v;
  }

  static List<Object> samples() {
    ORSet<String> set = ORSet.<String>empty().addAll(A, List.of("x", "y", "z")).add(B, "w").remove("y");
    ORSet<String> twoDots = ORSet.<String>empty().add(A, "x").merge(ORSet.<String>empty().add(B, "x"));
    ORMap<String, PNCounter> cart = ORMap.<String, PNCounter>empty(PNCounter.empty())
        .update(A, "shoes", q -> q.increment(A, 2))
        .merge(ORMap.<String, PNCounter>empty(PNCounter.empty()).update(B, "shoes", q -> q.decrement(B, 1)));
    Siblings<String> sib = Siblings.<String>empty().update(VersionVector.empty(), "v1", A)
        .update(VersionVector.empty(), "v2", A).update(VersionVector.of(A, 1), "v3", B);
    List<Object> out = new ArrayList<>(List.of(
        A, new Dot(B, 7),
        VersionVector.empty(), VersionVector.of(A, 3).increment(B),
        CausalContext.empty(), CausalContext.of(VersionVector.of(A, 2)).add(new Dot(A, 5)).add(new Dot(B, 9)),
        DottedVersionVector.of(new Dot(A, 4), VersionVector.of(B, 2)),
        Siblings.empty(), sib, Siblings.of("initial").merge(Siblings.of("other")),
        GCounter.empty(), GCounter.empty().increment(A, 5).increment(B, 1 << 40),
        PNCounter.empty().increment(A, 3).decrement(B, 2),
        Timestamp.of(1_700_000_000_000L, 3),
        LWWRegister.empty(), LWWRegister.of("hello", Timestamp.of(5, 1), A), LWWRegister.of(42L, Timestamp.of(5, 1), A),
        MVRegister.empty(), MVRegister.<Integer>empty().write(A, 1).merge(MVRegister.<Integer>empty().write(B, 2)),
        ORSet.empty(), set, twoDots, ORSet.<Long>empty().add(A, 5L).add(B, -9L),
        ORSet.<Object>empty().add(A, "mixed").add(A, 3).add(A, 4L),
        ORSet.<GCounter>empty().add(A, GCounter.empty().increment(B, 2)),
        ORMap.empty(GCounter.empty()), cart));
    return out;
  }

  @Test
  void everyType_roundTrips_andEqualStatesGiveIdenticalBytes() {
    for (Settings settings : List.of(Settings.DEFAULT, Settings.DEFAULT.withCompression(true))) {
      Kryo kryo = kryo(settings);
      for (Object value : samples()) {
        byte[] bytes = write(kryo, value);
        Object back = read(kryo, bytes);
        assertEquals(value, back, value.getClass().getSimpleName());
        assertArrayEquals(bytes, write(kryo, back), "re-encoding gives the same bytes: " + value);
      }
    }
  }

  @Test
  void mergeOrder_andInsertionOrder_doNotChangeTheBytes() {
    Kryo kryo = kryo(Settings.DEFAULT);
    ORSet<String> x = ORSet.<String>empty().addAll(A, List.of("p", "q", "r"));
    ORSet<String> y = ORSet.<String>empty().add(B, "s").add(B, "q");
    assertArrayEquals(write(kryo, x.merge(y)), write(kryo, y.merge(x)));
    ORSet<String> forward = ORSet.<String>empty().add(A, "1").add(A, "2");
    ORSet<String> other = ORSet.<String>empty().add(B, "2").add(B, "1");
    assertArrayEquals(write(kryo, forward.merge(other)), write(kryo, other.merge(forward)));
    GCounter g1 = GCounter.empty().increment(A, 3);
    GCounter g2 = GCounter.empty().increment(B, 4);
    assertArrayEquals(write(kryo, g1.merge(g2)), write(kryo, g2.merge(g1)));
  }

  @Test
  void unknownVersion_isRejectedWithAClearMessage() {
    Kryo kryo = kryo(Settings.DEFAULT);
    byte[] bytes = write(kryo, VersionVector.of(A, 1));
    // class id varint (1002 + 2 in Kryo's encoding) takes two bytes; the version follows
    bytes[2] = 9;
    KryoException e = assertThrows(KryoException.class, () -> read(kryo, bytes));
    assertTrue(e.getMessage().contains("version 9"), e.getMessage());
  }

  // Found by FuzzTest on JDK 25: an ORMap whose values claim the class String, then a string of
  // about 2^31 characters. Kryo's own String reader allocated the claimed length (seconds on a
  // large heap); Converge now refuses String, Long and Integer under a class id.
  @Test
  void stringUnderAClassId_isRejectedWithoutReadingIt() {
    Kryo kryo = kryo(Settings.DEFAULT);
    byte[] bytes = Fixtures.unhex("f607010000000003c7b1dbf10701000000000000");
    long t0 = System.nanoTime();
    KryoException e = assertThrows(KryoException.class, () -> read(kryo, bytes));
    assertTrue(e.getMessage().contains("String under a class id"), e.getMessage());
    assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "rejected before reading the claimed string");
  }

  @Test
  void register_twiceIsHarmless_andConflictsAreNamed() {
    Kryo kryo = kryo(Settings.DEFAULT);
    ConvergeKryo.register(kryo);
    assertEquals(List.of("a"), List.of(((ReplicaId) read(kryo, write(kryo, A))).id()));
    Kryo taken = new Kryo();
    taken.register(StringBuilder.class, 1005);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ConvergeKryo.register(taken));
    assertTrue(e.getMessage().contains("1005") && e.getMessage().contains("StringBuilder"), e.getMessage());
  }

  @Test
  void unregisteredElementType_givesAClearException() {
    Kryo kryo = kryo(Settings.DEFAULT);
    ORSet<StringBuilder> set = ORSet.<StringBuilder>empty().add(A, new StringBuilder("x"));
    KryoException e = assertThrows(KryoException.class, () -> write(kryo, set));
    assertTrue(e.getMessage().contains("StringBuilder") && e.getMessage().contains("ORSet"), e.getMessage());
  }

  @Test
  void hugeCount_inTinyInput_failsFastWithoutAllocating() {
    Kryo kryo = kryo(Settings.DEFAULT);
    // VersionVector (id 1002), version 1, entry count 2^31-1, then nothing.
    Output out = new Output(16);
    out.writeVarInt(1002 + 2, true);
    out.writeVarInt(1, true);
    out.writeVarInt(Integer.MAX_VALUE, true);
    KryoException e = assertThrows(KryoException.class, () -> read(kryo, out.toBytes()));
    assertTrue(e.getMessage().contains("count"), e.getMessage());
  }

  @Test
  void hugeCount_fromAStream_isReadAsItArrives_notAllocatedUpFront() {
    Kryo kryo = kryo(Settings.DEFAULT);
    // A VersionVector claiming 2^24 - 1 front-coded ids, then a few bytes and the end of the stream.
    Output out = new Output(16);
    out.writeVarInt(1, true); // version
    out.writeVarInt((1 << 24) - 1, true);
    out.writeVarInt(0, true);
    out.writeVarInt(1, true);
    out.writeByte('a');
    Input stream = new Input(new java.io.ByteArrayInputStream(out.toBytes()), 8);
    long before = Fixtures.allocatedBytes();
    KryoException e = assertThrows(KryoException.class, () -> kryo.readObject(stream, VersionVector.class));
    long allocated = Fixtures.allocatedBytes() - before;
    assertTrue(allocated < 1 << 20, "allocated " + allocated + " bytes for 2^24 claimed ids: " + e.getMessage());
  }

  @Test
  void hugeStringLength_fromAStream_isReadInChunks() {
    Kryo kryo = kryo(Settings.DEFAULT);
    // A ReplicaId claiming a 200 MB string, then 3 bytes and the end of the stream.
    Output out = new Output(16);
    out.writeVarInt(1, true); // version
    out.writeVarInt(200 << 20, true);
    out.writeBytes(new byte[] {'a', 'b', 'c'});
    Input stream = new Input(new java.io.ByteArrayInputStream(out.toBytes()), 8);
    long before = Fixtures.allocatedBytes();
    assertThrows(KryoException.class, () -> kryo.readObject(stream, ReplicaId.class));
    long allocated = Fixtures.allocatedBytes() - before;
    assertTrue(allocated < 1 << 20, "allocated " + allocated + " bytes for a claimed 200 MB string");
  }
}
