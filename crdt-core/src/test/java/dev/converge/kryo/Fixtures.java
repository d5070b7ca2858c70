package dev.converge.kryo;

import com.esotericsoftware.kryo.Kryo;
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
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.HexFormat;
import java.util.List;

/** Kryo instances, encoding and hex helpers shared by the compatibility and hostile-input tests. */
final class Fixtures {

  /** Every registered type, in registration-id order ({@link ConvergeKryo#FIRST_ID} first). */
  static final List<Class<?>> TYPES = List.of(
      ReplicaId.class, Dot.class, VersionVector.class, CausalContext.class, DottedVersionVector.class,
      Siblings.class, GCounter.class, PNCounter.class, Timestamp.class, LWWRegister.class,
      MVRegister.class, ORSet.class, ORMap.class);

  /** The types whose values start with a flags varint after the version (and may be deflated). */
  static final List<Class<?>> COMPRESSIBLE = List.of(Siblings.class, MVRegister.class, ORSet.class, ORMap.class);

  /** Compresses every collection, however small: puts the inflate path under every seed. */
  static final Settings DEFLATE_ALL = new Settings(
      Settings.DEFAULT.maxElements(), Settings.DEFAULT.maxBytes(), Settings.DEFAULT.maxDepth(), true, 0, Settings.FASTEST);

  private static final HexFormat HEX = HexFormat.of();

  /**
   * {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes} of
   * {@code ManagementFactory.getThreadMXBean()}, looked up reflectively: the tests are compiled
   * into the {@code dev.converge.core} module, which does not read {@code java.management} (and
   * should not, for a test); they run on the class path, where the bean is available.
   */
  private static final MethodHandle ALLOCATED = allocatedBytesHandle();

  private Fixtures() {}

  private static MethodHandle allocatedBytesHandle() {
    try {
      Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
      Class<?> extended = Class.forName("com.sun.management.ThreadMXBean");
      return MethodHandles.publicLookup()
          .findVirtual(extended, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
          .bindTo(bean);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this JVM cannot measure allocation per thread", e);
    }
  }

  /** The bytes the current thread has allocated so far. */
  static long allocatedBytes() {
    try {
      return (long) ALLOCATED.invokeExact();
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Kryo that requires registration, with Converge registered under {@code settings}. */
  static Kryo kryo(Settings settings) {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    return ConvergeKryo.register(kryo, settings);
  }

  /** The bytes of {@code kryo.writeClassAndObject(value)}. */
  static byte[] write(Kryo kryo, Object value) {
    Output out = new Output(64, -1);
    kryo.writeClassAndObject(out, value);
    return out.toBytes();
  }

  /** {@code kryo.readClassAndObject} over {@code bytes}. */
  static Object read(Kryo kryo, byte[] bytes) {
    return kryo.readClassAndObject(new Input(bytes));
  }

  /** The registration id of {@code type}. */
  static int idOf(Class<?> type) {
    int i = TYPES.indexOf(type);
    if (i < 0) {
      throw new IllegalArgumentException("not a Converge type: " + type);
    }
    return ConvergeKryo.FIRST_ID + i;
  }

  /** The unsigned varint {@code value}. */
  static byte[] varint(long value) {
    Output out = new Output(10);
    out.writeVarLong(value, true);
    return out.toBytes();
  }

  /** The class-id prefix Kryo writes before a value of {@code type}: the id plus 2, as a varint. */
  static byte[] classPrefix(Class<?> type) {
    return varint(idOf(type) + 2L);
  }

  /** The length of the varint starting at {@code at} (at most 5 bytes, or up to the end). */
  static int varintLength(byte[] bytes, int at) {
    int i = at;
    while (i < bytes.length && i - at < 9 && (bytes[i] & 0x80) != 0) {
      i++;
    }
    return Math.min(i + 1, bytes.length) - at;
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  static byte[] unhex(String hex) {
    return HEX.parseHex(hex);
  }

  /** {@code parts} concatenated. */
  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
