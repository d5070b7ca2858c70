package dev.converge.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.ReplicaId;
import java.util.Objects;

/**
 * The base of every Converge serializer. A value is written as its format version (a varint),
 * then, for collections, a flags varint (bit 0: the body is deflated), then its body. Reading
 * checks the version and the flags and turns any failure into a {@link ConvergeKryoException} that
 * says what was wrong and where. Values are immutable, so {@code kryo.copy} returns them as they are.
 *
 * @param <T> the serialized type
 */
abstract class ConvergeSerializer<T> extends Serializer<T> {

  /** The version every serializer writes today. */
  static final int VERSION = 1;

  final Settings settings;
  /** Replica tables and the replica ids in them this serializer decoded recently. */
  final DecodedIds tables = new DecodedIds();
  /** Single replica ids this serializer decoded recently. */
  final RegionCache<ReplicaId> ids = new RegionCache<>();
  /** Replica tables this serializer encoded recently. */
  final EncodedTables encodedTables = new EncodedTables();
  private final String type;
  private final boolean collection;

  ConvergeSerializer(Settings settings, String type, boolean collection) {
    super(false, true);
    this.settings = Objects.requireNonNull(settings, "settings");
    this.type = type;
    this.collection = collection;
  }

  @Override
  public final void write(Kryo kryo, Output out, T value) {
    Objects.requireNonNull(value, type);
    out.writeVarInt(VERSION, true);
    if (!collection) {
      writeBody(kryo, out, value);
      return;
    }
    if (!settings.compress()) {
      out.writeVarInt(0, true);
      writeBody(kryo, out, value);
      return;
    }
    Output body = new Output(1024, -1);
    writeBody(kryo, body, value);
    int length = body.position();
    if (length < settings.compressMinBytes()) {
      out.writeVarInt(0, true);
      out.writeBytes(body.getBuffer(), 0, length);
    } else {
      out.writeVarInt(Wire.FLAG_DEFLATE, true);
      Wire.writeDeflated(out, body.getBuffer(), length, settings.compressionLevel());
    }
  }

  @Override
  public final T read(Kryo kryo, Input in, Class<? extends T> ignored) {
    if (kryo.getDepth() > settings.maxDepth()) {
      throw Wire.fail(in, in.position(), type + " nested deeper than " + settings.maxDepth() + " levels");
    }
    return readChecked(kryo, in);
  }

  /**
   * Reads a value as {@link #read} does, without the depth check: for a decoder that reads values
   * of a {@linkplain #isLeaf leaf} type inside its own value and checked the depth once for all
   * of them ({@link #nestedDepthAllowed}), instead of through {@code kryo.readObject}, whose
   * bookkeeping per object (depth, references, registration lookup) a leaf does not need. The
   * bytes are the same: Kryo writes nothing around an object when references are off.
   */
  final T readChecked(Kryo kryo, Input in) {
    int start = in.position();
    try {
      return readValue(kryo, in);
    } catch (KryoException e) {
      throw e;
    } catch (RuntimeException e) {
      throw Wire.invalid(in, type, start, e);
    }
  }

  /**
   * Whether the values of this serializer hold no values read through Kryo (counters, vectors),
   * so that {@link #readChecked} may read them without Kryo counting the depth.
   */
  boolean isLeaf() {
    return false;
  }

  /**
   * Whether {@link #read} accepts a value one level below the object Kryo is reading now.
   *
   * @param kryo the Kryo instance reading
   */
  final boolean nestedDepthAllowed(Kryo kryo) {
    return kryo.getDepth() + 1 <= settings.maxDepth();
  }

  private T readValue(Kryo kryo, Input in) {
    Wire.readVersion(in, VERSION, type);
    if (!collection) {
      return readBody(kryo, in);
    }
    int at = in.position();
    int flags = in.readVarInt(true);
    if (flags == 0) {
      return readBody(kryo, in);
    }
    if (flags != Wire.FLAG_DEFLATE) {
      throw Wire.fail(in, at, "unknown " + type + " flags " + flags);
    }
    Input body = Wire.readDeflated(in, settings);
    T value = readBody(kryo, body);
    if (body.position() != body.limit()) {
      throw Wire.fail(in, at, "compressed " + type + " body has " + (body.limit() - body.position()) + " trailing bytes");
    }
    return value;
  }

  abstract void writeBody(Kryo kryo, Output out, T value);

  abstract T readBody(Kryo kryo, Input in);
}
