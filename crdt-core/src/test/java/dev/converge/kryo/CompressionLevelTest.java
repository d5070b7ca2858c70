package dev.converge.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.converge.ReplicaId;
import dev.converge.counter.PNCounter;
import dev.converge.map.ORMap;
import dev.converge.set.ORSet;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * The deflate level is the writer's choice, not part of the format: values written at every level
 * from 1 to 9 decode to the value with one reader, from a byte array and from a stream, and their
 * deflate streams inflate to the uncompressed body byte for byte. Each level writes deterministic
 * bytes, and the default is the fastest level.
 */
final class CompressionLevelTest {

  private static List<Object> values() {
    SplittableRandom r = new SplittableRandom(5);
    List<Object> values = new ArrayList<>();
    List<ReplicaId> replicas = List.of(ReplicaId.of("r-1"), ReplicaId.of("r-2"), ReplicaId.of("r-3"));
    for (int size : new int[] {0, 1, 40, 700, 5000}) {
      ORSet<String> set = ORSet.empty();
      ORMap<String, PNCounter> map = ORMap.empty(PNCounter.empty());
      for (int i = 0; i < size; i++) {
        ReplicaId by = replicas.get(r.nextInt(replicas.size()));
        // half repetitive text (where matching pays), half random hex (where it does not)
        String e = r.nextBoolean() ? "user-" + i + "@example.com" : Long.toHexString(r.nextLong());
        set = set.add(by, e);
        if (i % 7 == 0) {
          map = map.update(by, e, q -> q.increment(by, 1 + r.nextInt(9)));
        }
      }
      values.add(set);
      values.add(map);
    }
    return values;
  }

  /** The body of an uncompressed collection value (after class id, version and flags). */
  private static byte[] plainBody(byte[] bytes) {
    Input in = new Input(bytes);
    in.readVarInt(true);
    in.readVarInt(true);
    assertEquals(0, in.readVarInt(true), "flags of an uncompressed value");
    return in.readBytes(in.limit() - in.position());
  }

  /** The inflated body of a deflated collection value, checking the lengths it claims. */
  private static byte[] inflatedBody(byte[] bytes) throws Exception {
    Input in = new Input(bytes);
    in.readVarInt(true);
    in.readVarInt(true);
    assertEquals(Wire.FLAG_DEFLATE, in.readVarInt(true), "flags of a deflated value");
    int size = in.readVarInt(true);
    int compressed = in.readVarInt(true);
    assertEquals(in.limit() - in.position(), compressed, "compressed length");
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(in.readBytes(compressed));
      byte[] body = new byte[size];
      assertEquals(size, inflater.inflate(body));
      assertTrue(inflater.finished());
      return body;
    } finally {
      inflater.end();
    }
  }

  @Test
  void everyLevel_decodesWithOneReader_andInflatesToThePlainBody() throws Exception {
    Kryo plain = Fixtures.kryo(Settings.DEFAULT);
    Kryo reader = Fixtures.kryo(Settings.DEFAULT);
    int checked = 0;
    for (Object value : values()) {
      byte[] body = plainBody(Fixtures.write(plain, value));
      for (int level = Settings.FASTEST; level <= Settings.SMALLEST; level++) {
        Settings s = Fixtures.DEFLATE_ALL.withCompressionLevel(level);
        byte[] bytes = Fixtures.write(Fixtures.kryo(s), value);
        assertArrayEquals(bytes, Fixtures.write(Fixtures.kryo(s), value), "level " + level + " is deterministic");
        assertArrayEquals(body, inflatedBody(bytes), "level " + level + " body of " + value.getClass().getSimpleName());
        assertEquals(value, Fixtures.read(reader, bytes), "level " + level);
        try (Input stream = new Input(new ByteArrayInputStream(bytes), 64)) {
          assertEquals(value, reader.readClassAndObject(stream), "level " + level + " from a stream");
        }
        checked++;
      }
    }
    assertEquals(10 * 9, checked);
  }

  @Test
  void levels_writeOtherBytes_andTheDefaultIsTheFastest() {
    assertEquals(Settings.FASTEST, Settings.DEFAULT.compressionLevel());
    ORSet<String> set = ORSet.empty();
    ReplicaId a = ReplicaId.of("a");
    for (int i = 0; i < 3000; i++) {
      set = set.add(a, "user-" + (i * 7919 % 3000) + "@example.com");
    }
    byte[] fastest = Fixtures.write(Fixtures.kryo(Settings.DEFAULT.withCompression(true)), set);
    byte[] smallest = Fixtures.write(Fixtures.kryo(Settings.DEFAULT.withCompression(true)
        .withCompressionLevel(Settings.SMALLEST)), set);
    assertNotEquals(fastest.length, smallest.length, "levels 1 and 9 differ on repetitive text");
    assertTrue(smallest.length < fastest.length, smallest.length + " < " + fastest.length);
    Output out = new Output(64, -1);
    Fixtures.kryo(Settings.DEFAULT).writeObject(out, set);
    assertTrue(fastest.length < out.position() / 2, "level 1 still compresses: " + fastest.length + " of " + out.position());
  }

  @Test
  void settings_rejectLevelsOutsideOneToNine() {
    for (int bad : new int[] {-1, 0, 10, Integer.MIN_VALUE}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Settings.DEFAULT.withCompressionLevel(bad));
      assertTrue(e.getMessage().contains("compressionLevel must be from 1 to 9, got " + bad), e.getMessage());
    }
    assertEquals(9, Settings.DEFAULT.withCompressionLevel(9).compressionLevel());
    assertEquals(Settings.DEFAULT.maxElements(), Settings.DEFAULT.withCompressionLevel(4).maxElements());
  }
}
