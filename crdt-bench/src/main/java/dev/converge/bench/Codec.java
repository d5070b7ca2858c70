package dev.converge.bench;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.converge.kryo.ConvergeKryo;
import dev.converge.kryo.Settings;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.cluster.ddata.protobuf.ReplicatedDataSerializer;
import org.apache.pekko.cluster.ddata.protobuf.msg.ReplicatedDataMessages;
import org.apache.pekko.protobufv3.internal.InvalidProtocolBufferException;

/**
 * Encodes and decodes one {@link Payload} the way one peer does. Not thread-safe (a Kryo instance
 * and its buffers are reused).
 */
interface Codec {

  /**
   * Encodes a value.
   *
   * @param value the value
   * @return a new array holding exactly its encoding
   */
  byte[] encode(Object value);

  /**
   * Decodes what {@link #encode} wrote.
   *
   * @param bytes the encoding
   * @return the value
   */
  Object decode(byte[] bytes);

  /**
   * Converge's codec: a Kryo instance with registration required and
   * {@code ConvergeKryo.register}; one reused output buffer, copied out ({@code toBytes()}) as Pekko
   * returns a new array.
   *
   * @param payload what is encoded; its {@code compressed} flag switches compression on
   * @return the codec
   */
  static Codec converge(Payload payload) {
    return converge(payload.convergeType(), payload.compressed);
  }

  /**
   * Converge's codec for one type.
   *
   * @param type the class decoded
   * @param compress whether {@code Settings.withCompression(true)} is used
   * @return the codec
   */
  static Codec converge(Class<?> type, boolean compress) {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    ConvergeKryo.register(kryo, compress ? Settings.DEFAULT.withCompression(true) : Settings.DEFAULT);
    return kryo(kryo, type);
  }

  /**
   * A codec over a configured Kryo: one reused output buffer, copied out ({@code toBytes()}) as
   * Pekko returns a new array; one reused input.
   *
   * @param kryo the Kryo, with the type registered
   * @param type the class decoded
   * @return the codec
   */
  static Codec kryo(Kryo kryo, Class<?> type) {
    Output out = new Output(4096, -1);
    Input in = new Input();
    return new Codec() {
      @Override
      public byte[] encode(Object value) {
        out.reset();
        kryo.writeObject(out, value);
        return out.toBytes();
      }

      @Override
      public Object decode(byte[] bytes) {
        in.setBuffer(bytes);
        return kryo.readObject(in, type);
      }
    };
  }

  /**
   * Pekko's serializer as Pekko uses it: {@code toBinary} and {@code fromBinary} with the type's
   * manifest (which gzips {@code ORSet} and {@code ORMap}), for plain and compressed payloads
   * alike. {@link SizeReport} also reports the protobuf message without gzip.
   *
   * @param payload what is encoded
   * @param pekko the serializer
   * @return the codec
   */
  static Codec pekko(Payload payload, PekkoSerializer pekko) {
    return pekko(payload.plain(), true, pekko);
  }

  /**
   * Pekko's codec for one type.
   *
   * @param payload what is encoded (its {@code compressed} flag is ignored)
   * @param wire whether to use Pekko's wire format ({@code toBinary}) rather than the protobuf
   *     message without gzip (they differ for {@code ORSet} and {@code ORMap} only)
   * @param pekko the serializer
   * @return the codec
   */
  static Codec pekko(Payload payload, boolean wire, PekkoSerializer pekko) {
    ReplicatedDataSerializer s = pekko.serializer;
    if (!wire && payload.plain() == Payload.ORMAP) {
      return new Codec() {
        @Override
        public byte[] encode(Object value) {
          return s.ormapToProto((org.apache.pekko.cluster.ddata.ORMap<?, ?>) value).toByteArray();
        }

        @Override
        public Object decode(byte[] bytes) {
          try {
            return s.ormapFromProto(ReplicatedDataMessages.ORMap.parseFrom(bytes));
          } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e);
          }
        }
      };
    }
    if (!wire && payload.setSize() > 0) {
      return new Codec() {
        @Override
        public byte[] encode(Object value) {
          return s.orsetToProto((org.apache.pekko.cluster.ddata.ORSet<?>) value).toByteArray();
        }

        @Override
        public Object decode(byte[] bytes) {
          try {
            return s.orsetFromProto(ReplicatedDataMessages.ORSet.parseFrom(bytes));
          } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e);
          }
        }
      };
    }
    return new Codec() {
      /** The type's manifest, from the last encode (callers encode before they decode). */
      private String manifest;

      @Override
      public byte[] encode(Object value) {
        manifest = s.manifest(value);
        return s.toBinary(value);
      }

      @Override
      public Object decode(byte[] bytes) {
        return s.fromBinary(bytes, manifest);
      }
    };
  }

  /**
   * Pekko's {@code ReplicatedDataSerializer} on a minimal actor system: local provider (no remoting,
   * no cluster; the serializer only needs the system's name and default address protocol to rebuild
   * addresses, and its serialization extension for register values and map values). The system is
   * named {@code bench}, so decoded addresses equal the ones {@link Fixtures} builds.
   */
  final class PekkoSerializer implements AutoCloseable {
    private static final Config CONFIG = ConfigFactory.parseString(String.join("\n",
        "pekko.actor.provider = local",
        "pekko.loglevel = WARNING",
        "pekko.stdout-loglevel = WARNING",
        "pekko.log-dead-letters = off",
        "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off"));

    final ActorSystem system;
    final ReplicatedDataSerializer serializer;

    PekkoSerializer() {
      system = ActorSystem.create("bench", CONFIG.withFallback(ConfigFactory.load()));
      serializer = new ReplicatedDataSerializer((ExtendedActorSystem) system);
    }

    /** Terminates the actor system and waits up to 10 seconds. */
    @Override
    public void close() {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("the actor system did not terminate", e);
      }
    }
  }
}
