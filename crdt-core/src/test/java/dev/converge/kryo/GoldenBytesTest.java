package dev.converge.kryo;

import static dev.converge.kryo.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wire format, pinned: canonical values of every registered type and their bytes, checked in
 * under {@code src/test/resources/golden/v1/<Type>.txt}.
 *
 * <p>For each named value the test builds the value in code, encodes it with
 * {@code kryo.writeClassAndObject} (registration required, {@link ConvergeKryo#register}) and
 * asserts the bytes equal the golden hex; then decodes the golden hex, asserts it equals the built
 * value, and re-encodes it to the identical bytes. Names ending in {@code _deflated} are written
 * with {@code Settings.DEFAULT.withCompression(true).withCompressionLevel(9)} (the level they were
 * first written at; the level is the writer's choice, not part of the format) and a body over
 * {@link Settings#compressMinBytes()}; every other value with {@link Settings#DEFAULT}. One reader
 * ({@link Settings#DEFAULT}) decodes both, since only the writer's settings differ.
 *
 * <p>File format: one value per line, {@code name hex}; blank lines and lines starting with
 * {@code #} are comments (the writer puts each value's {@code toString} above its line).
 *
 * <p><b>Regenerating.</b> After an intended change of the values below (never of the format, see
 * next paragraph), rewrite the files and review the diff:
 *
 * <pre>
 * mvn -o -q test -pl crdt-core -Dtest=GoldenBytesTest -Dconverge.golden.write=true
 * </pre>
 *
 * <p><b>Changing the format.</b> These bytes are a promise to every stored and in-flight value.
 * A change to the layout of any type is a new format version: the serializers write the new
 * version number, readers keep decoding every older version, the files of this directory stay as
 * they are (they now test the old reader), and the new bytes go to {@code golden/v2/}. Rewriting
 * {@code v1} to make this test pass is never the fix.
 *
 * <p><b>Deflated values.</b> The compressed bytes come from the platform's zlib. Readers accept any
 * valid deflate stream, but another zlib build (zlib-ng, Apple's) may compress the same body to
 * other bytes; where the exact bytes differ only inside the deflate stream, the test compares the
 * inflated bodies instead and prints a warning.
 */
final class GoldenBytesTest {

  /** The system property that makes the test write the golden files instead of checking them. */
  static final String WRITE = "converge.golden.write";
  /** The format version these files pin. */
  static final int VERSION = 1;

  static final ReplicaId A = ReplicaId.of("a");
  static final ReplicaId B = ReplicaId.of("b");
  static final ReplicaId C = ReplicaId.of("c");
  static final Timestamp T = Timestamp.of(1_700_000_000_000L, 3);

  /** One named canonical value of a type. */
  record Golden(Class<?> type, String name, Object value) {
    boolean deflated() {
      return name.endsWith("_deflated");
    }

    Settings settings() {
      return deflated() ? Settings.DEFAULT.withCompression(true).withCompressionLevel(Settings.SMALLEST) : Settings.DEFAULT;
    }
  }

  // ------------------------------------------------------------------ the values

  /** Every golden value, by type in registration order. */
  static List<Golden> values() {
    List<Golden> g = new ArrayList<>();
    add(g, ReplicaId.class, "short", A);
    add(g, ReplicaId.class, "utf8", ReplicaId.of("nœud-東京"));
    add(g, ReplicaId.class, "long", ReplicaId.of("replica-0123456789abcdef-eu-west-1"));

    add(g, Dot.class, "first", new Dot(A, 1));
    add(g, Dot.class, "large", new Dot(B, 1L << 40));
    add(g, Dot.class, "max", new Dot(C, Long.MAX_VALUE));

    add(g, VersionVector.class, "empty", VersionVector.empty());
    add(g, VersionVector.class, "one", VersionVector.of(A, 3));
    add(g, VersionVector.class, "three", VersionVector.of(Map.of(A, 1L, B, 300L, C, 1L << 40)));
    add(g, VersionVector.class, "max", VersionVector.of(ReplicaId.of("z"), Long.MAX_VALUE));

    add(g, CausalContext.class, "empty", CausalContext.empty());
    add(g, CausalContext.class, "vector", CausalContext.of(VersionVector.of(Map.of(A, 2L, B, 1L))));
    add(g, CausalContext.class, "cloud", CausalContext.of(VersionVector.of(A, 2),
        List.of(new Dot(A, 5), new Dot(A, 7), new Dot(B, 9), new Dot(C, 3))));
    add(g, CausalContext.class, "cloudOnly", CausalContext.of(VersionVector.empty(), List.of(new Dot(A, 2))));

    add(g, DottedVersionVector.class, "noPast", DottedVersionVector.of(new Dot(A, 1), VersionVector.empty()));
    add(g, DottedVersionVector.class, "past",
        DottedVersionVector.of(new Dot(A, 4), VersionVector.of(Map.of(A, 2L, B, 7L))));
    add(g, DottedVersionVector.class, "event",
        DottedVersionVector.event(B, VersionVector.of(A, 3), VersionVector.of(B, 5)));

    add(g, Siblings.class, "empty", Siblings.empty());
    add(g, Siblings.class, "initial", Siblings.of("default"));
    add(g, Siblings.class, "initials", Siblings.of("x").merge(Siblings.of("y")));
    add(g, Siblings.class, "stamped", Siblings.empty().update(VersionVector.empty(), "v1", A));
    add(g, Siblings.class, "concurrent", Siblings.<String>empty().update(VersionVector.empty(), "v1", A)
        .update(VersionVector.empty(), "v2", A).update(VersionVector.of(A, 1), "v3", B));
    add(g, Siblings.class, "longs",
        Siblings.empty().update(VersionVector.empty(), 5L, A).update(VersionVector.empty(), -1L, B));
    add(g, Siblings.class, "counters",
        Siblings.empty().update(VersionVector.empty(), GCounter.empty().increment(A, 1), A));
    Siblings<String> many = Siblings.empty();
    for (int i = 0; i < 60; i++) {
      many = many.update(VersionVector.empty(), String.format("sibling value %02d written blind", i), List.of(A, B, C).get(i % 3));
    }
    add(g, Siblings.class, "blindWrites_deflated", many);

    add(g, GCounter.class, "empty", GCounter.empty());
    add(g, GCounter.class, "one", GCounter.empty().increment(A, 5));
    add(g, GCounter.class, "several", GCounter.empty().increment(A, 5).increment(B, 1L << 40).increment(C, 1));

    add(g, PNCounter.class, "empty", PNCounter.empty());
    add(g, PNCounter.class, "up", PNCounter.empty().increment(A, 3));
    add(g, PNCounter.class, "upAndDown", PNCounter.empty().increment(A, 3).decrement(B, 2).increment(B, 7));
    add(g, PNCounter.class, "down", PNCounter.empty().decrement(C, 1L << 33));

    add(g, Timestamp.class, "min", Timestamp.MIN);
    add(g, Timestamp.class, "typical", T);
    add(g, Timestamp.class, "max", Timestamp.MAX);

    add(g, LWWRegister.class, "empty", LWWRegister.empty());
    add(g, LWWRegister.class, "string", LWWRegister.of("hello", T, A));
    add(g, LWWRegister.class, "unicode", LWWRegister.of("naïve 東京", T, B));
    add(g, LWWRegister.class, "long", LWWRegister.of(42L, T, A));
    add(g, LWWRegister.class, "integer", LWWRegister.of(-7, T, A));
    add(g, LWWRegister.class, "counter", LWWRegister.of(GCounter.empty().increment(B, 2), T, A));
    add(g, LWWRegister.class, "colliding", LWWRegister.of("x", T, A).merge(LWWRegister.of("y", T, A)));
    add(g, LWWRegister.class, "collidingMixed", LWWRegister.<Object>of("x", T, A).merge(LWWRegister.of(5L, T, A)));

    add(g, MVRegister.class, "empty", MVRegister.empty());
    add(g, MVRegister.class, "one", MVRegister.empty().write(A, "v1"));
    add(g, MVRegister.class, "overwritten", MVRegister.empty().write(A, "v1").write(A, "v2"));
    add(g, MVRegister.class, "concurrent", MVRegister.<Integer>empty().write(A, 1)
        .merge(MVRegister.<Integer>empty().write(B, 2)));
    add(g, MVRegister.class, "cloud", MVRegister.of(
        CausalContext.of(VersionVector.of(A, 1), List.of(new Dot(A, 3))), Map.of(new Dot(A, 3), "late")));
    add(g, MVRegister.class, "contextOnly", MVRegister.of(CausalContext.of(VersionVector.of(A, 2)), Map.of()));
    MVRegister<String> concurrent = MVRegister.empty();
    for (int i = 0; i < 40; i++) {
      concurrent = concurrent.merge(MVRegister.<String>empty()
          .write(ReplicaId.of(String.format("replica-%02d", i)), String.format("value written by replica %02d", i)));
    }
    add(g, MVRegister.class, "fortyConcurrent_deflated", concurrent);

    add(g, ORSet.class, "empty", ORSet.empty());
    add(g, ORSet.class, "strings", ORSet.<String>empty().addAll(A, List.of("x", "y", "z")).add(B, "w").remove("y"));
    add(g, ORSet.class, "removedAll", ORSet.<String>empty().add(A, "x").add(B, "y").removeAll(List.of("x", "y")));
    add(g, ORSet.class, "multiDot", ORSet.<String>empty().add(A, "x").merge(ORSet.<String>empty().add(B, "x")));
    add(g, ORSet.class, "cloud", ORSet.of(
        CausalContext.of(VersionVector.of(A, 2), List.of(new Dot(A, 4), new Dot(B, 3))),
        orderedMap("p", List.of(new Dot(A, 1)), "q", List.of(new Dot(A, 4)), "r", List.of(new Dot(B, 3)))));
    add(g, ORSet.class, "longs", ORSet.<Long>empty().add(A, 5L).add(B, -9L).add(A, Long.MAX_VALUE));
    add(g, ORSet.class, "integers", ORSet.<Integer>empty().addAll(A, List.of(1, -1, 1 << 20)));
    add(g, ORSet.class, "mixed", ORSet.<Object>empty().add(A, "mixed").add(A, 3).add(A, 4L));
    add(g, ORSet.class, "counters", ORSet.<GCounter>empty().add(A, GCounter.empty().increment(B, 2)));
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      items.add(String.format("item-%03d", i));
    }
    ORSet<String> big = ORSet.<String>empty().addAll(A, items.subList(0, 100))
        .merge(ORSet.<String>empty().addAll(B, items.subList(80, 200)))
        .removeAll(items.subList(0, 10));
    add(g, ORSet.class, "twoHundred_deflated", big);

    add(g, ORMap.class, "emptyGCounter", ORMap.empty(GCounter.empty()));
    add(g, ORMap.class, "emptyPNCounter", ORMap.empty(PNCounter.empty()));
    add(g, ORMap.class, "cart", ORMap.<String, PNCounter>empty(PNCounter.empty())
        .update(A, "shoes", q -> q.increment(A, 2))
        .merge(ORMap.<String, PNCounter>empty(PNCounter.empty()).update(B, "shoes", q -> q.decrement(B, 1))));
    add(g, ORMap.class, "removed", ORMap.<String, GCounter>empty(GCounter.empty())
        .update(A, "k", c -> c.increment(A, 1)).remove("k"));
    add(g, ORMap.class, "longKeys", ORMap.<Long, GCounter>empty(GCounter.empty())
        .update(A, 7L, c -> c.increment(A, 1)).update(B, -1L, c -> c.increment(B, 1L << 35)));
    add(g, ORMap.class, "nestedSets", ORMap.<String, ORSet<String>>empty(ORSet.empty())
        .update(A, "fruit", s -> s.add(A, "apple").add(A, "pear"))
        .update(B, "veg", s -> s.add(B, "leek")));
    add(g, ORMap.class, "cloud", ORMap.of(GCounter.empty(),
        CausalContext.of(VersionVector.of(A, 1), List.of(new Dot(A, 3))),
        orderedMap("k1", Map.of(new Dot(A, 1), GCounter.empty().increment(A, 1)),
            "k2", Map.of(new Dot(A, 3), GCounter.empty().increment(A, 4)))));
    ORMap<String, PNCounter> stock = ORMap.empty(PNCounter.empty());
    for (int i = 0; i < 80; i++) {
      int n = i;
      ReplicaId by = List.of(A, B, C).get(i % 3);
      stock = stock.update(by, String.format("sku-%03d", i), q -> q.increment(by, n + 1));
    }
    add(g, ORMap.class, "eightyKeys_deflated", stock);
    return g;
  }

  private static void add(List<Golden> out, Class<?> type, String name, Object value) {
    out.add(new Golden(type, name, value));
  }

  private static <K, V> Map<K, V> orderedMap(K k1, V v1, K k2, V v2) {
    Map<K, V> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  private static <K, V> Map<K, V> orderedMap(K k1, V v1, K k2, V v2, K k3, V v3) {
    Map<K, V> m = orderedMap(k1, v1, k2, v2);
    m.put(k3, v3);
    return m;
  }

  static List<Golden> valuesOf(Class<?> type) {
    return values().stream().filter(g -> g.type() == type).toList();
  }

  static Stream<String> typeNames() {
    return Fixtures.TYPES.stream().map(Class::getSimpleName);
  }

  static Class<?> typeNamed(String name) {
    return Fixtures.TYPES.stream().filter(t -> t.getSimpleName().equals(name)).findFirst().orElseThrow();
  }

  // ------------------------------------------------------------------ the tests

  @ParameterizedTest(name = "{0}")
  @MethodSource("typeNames")
  void goldenBytes_encodeDecodeAndReencodeIdentically(String typeName) throws IOException {
    Class<?> type = typeNamed(typeName);
    List<Golden> golden = valuesOf(type);
    assertTrue(golden.size() >= 3, "a few golden values of " + typeName);
    if (Boolean.getBoolean(WRITE)) {
      writeFile(type, golden);
      return;
    }
    Map<String, String> file = readFile(type);
    assertEquals(golden.stream().map(Golden::name).sorted().toList(), file.keySet().stream().sorted().toList(),
        "the golden file " + fileName(type) + " names exactly the values built here; regenerate with -D" + WRITE
            + "=true only for new values, never for a format change");
    Kryo reader = Fixtures.kryo(Settings.DEFAULT);
    for (Golden g : golden) {
      String where = typeName + " '" + g.name() + "' (" + g.value() + ")";
      Kryo writer = Fixtures.kryo(g.settings());
      byte[] expected = Fixtures.unhex(file.get(g.name()));
      byte[] encoded = Fixtures.write(writer, g.value());
      assertSameEncoding(expected, encoded, g, where + ": encoding the built value");

      Input in = new Input(expected);
      Object decoded = reader.readClassAndObject(in);
      assertEquals(expected.length, in.position(), where + ": decoding consumes every golden byte");
      assertEquals(g.value(), decoded, where + ": the golden bytes decode to the built value");
      assertEquals(g.value().hashCode(), decoded.hashCode(), where + ": hash code");
      assertSameEncoding(expected, Fixtures.write(writer, decoded), g, where + ": re-encoding the decoded value");
      if (g.deflated()) {
        assertEquals(1, flagsOf(expected), where + ": the value is big enough to be written deflated");
      }
    }
  }

  @Test
  void everyRegisteredType_hasGoldenValues_underItsFixedId() {
    Kryo kryo = Fixtures.kryo(Settings.DEFAULT);
    for (int i = 0; i < Fixtures.TYPES.size(); i++) {
      Class<?> type = Fixtures.TYPES.get(i);
      Registration r = kryo.getRegistration(type);
      assertEquals(ConvergeKryo.FIRST_ID + i, r.getId(), type.getSimpleName() + " keeps its registration id");
      assertTrue(valuesOf(type).size() >= 3, "golden values of " + type.getSimpleName());
    }
    for (Class<?> type : Fixtures.COMPRESSIBLE) {
      assertTrue(valuesOf(type).stream().anyMatch(Golden::deflated), "a deflated golden value of " + type.getSimpleName());
    }
  }

  // ------------------------------------------------------------------ comparing

  /**
   * Asserts {@code actual} equals the golden bytes; for a deflated value whose bytes differ only
   * inside the deflate stream (another zlib), compares the inflated bodies instead.
   */
  private static void assertSameEncoding(byte[] golden, byte[] actual, Golden g, String where) {
    if (java.util.Arrays.equals(golden, actual)) {
      return;
    }
    if (g.deflated()) {
      String inflatedGolden = inflatedForm(golden);
      String inflatedActual = inflatedForm(actual);
      if (inflatedGolden != null && inflatedGolden.equals(inflatedActual)) {
        System.out.println("WARNING: " + where + ": the deflate stream differs from the golden one (another zlib?), "
            + "the inflated bodies agree");
        return;
      }
    }
    fail(where + ": bytes differ from the golden file " + fileName(g.type()) + "\n  golden: " + hex(golden)
        + "\n  actual: " + hex(actual));
  }

  /** The flags varint of a collection value: after the class id and the version. */
  private static int flagsOf(byte[] bytes) {
    Input in = new Input(bytes);
    in.readVarInt(true);
    in.readVarInt(true);
    return in.readVarInt(true);
  }

  /** A deflated value with its deflate stream replaced by the inflated body, as text; null if not deflated. */
  private static String inflatedForm(byte[] bytes) {
    Input in = new Input(bytes);
    int id = in.readVarInt(true);
    int version = in.readVarInt(true);
    int flags = in.readVarInt(true);
    if (flags != 1) {
      return null;
    }
    int size = in.readVarInt(true);
    int compressed = in.readVarInt(true);
    byte[] stream = in.readBytes(compressed);
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(stream);
      byte[] body = new byte[size];
      int n = inflater.inflate(body);
      return id + "/" + version + "/" + size + "/" + n + "/" + hex(body) + "/" + hex(in.readBytes(in.limit() - in.position()));
    } catch (DataFormatException e) {
      return null;
    } finally {
      inflater.end();
    }
  }

  // ------------------------------------------------------------------ the files

  static String fileName(Class<?> type) {
    return "golden/v" + VERSION + "/" + type.getSimpleName() + ".txt";
  }

  /** The golden lines of {@code type}: name to hex, in file order. */
  static Map<String, String> readFile(Class<?> type) throws IOException {
    String resource = "/" + fileName(type);
    try (InputStream stream = GoldenBytesTest.class.getResourceAsStream(resource)) {
      assertNotNull(stream, "missing " + resource + "; generate it with -D" + WRITE + "=true");
      Map<String, String> out = new LinkedHashMap<>();
      BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
      String line;
      int number = 0;
      while ((line = lines.readLine()) != null) {
        number++;
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\\s+");
        assertEquals(2, parts.length, resource + ":" + number + ": expected 'name hex', got '" + line + "'");
        assertTrue(out.put(parts[0], parts[1]) == null, resource + ":" + number + ": '" + parts[0] + "' repeats");
      }
      return out;
    }
  }

  private static void writeFile(Class<?> type, List<Golden> golden) throws IOException {
    Path file = Path.of(System.getProperty("basedir", "."), "src", "test", "resources").resolve(fileName(type));
    Files.createDirectories(file.getParent());
    StringBuilder sb = new StringBuilder();
    sb.append("# Golden encodings of ").append(type.getSimpleName()).append(", wire format version ").append(VERSION)
        .append(" (registration id ").append(Fixtures.idOf(type)).append(").\n");
    sb.append("# Written by GoldenBytesTest with -D").append(WRITE).append("=true. Never edit or regenerate these lines\n");
    sb.append("# for a format change: a new format is a new version directory, and readers keep reading this one.\n");
    sb.append("# Each line: a name, then the bytes of kryo.writeClassAndObject(value) in hex; '#' starts a comment.\n");
    sb.append("# Names ending in _deflated were written with Settings.DEFAULT.withCompression(true) at level 9; the rest with\n");
    sb.append("# Settings.DEFAULT.\n");
    Map<String, String> check = new TreeMap<>();
    for (Golden g : golden) {
      byte[] bytes = Fixtures.write(Fixtures.kryo(g.settings()), g.value());
      Object back = Fixtures.read(Fixtures.kryo(Settings.DEFAULT), bytes);
      assertEquals(g.value(), back, "the value round-trips before it is pinned: " + g.name());
      assertTrue(check.put(g.name(), "") == null, "name repeats: " + g.name());
      String shown = String.valueOf(g.value()).replace('\n', ' ');
      if (shown.length() > 150) {
        shown = shown.substring(0, 147) + "...";
      }
      sb.append("\n# ").append(shown).append(" (").append(bytes.length).append(" bytes)\n");
      sb.append(g.name()).append(' ').append(hex(bytes)).append('\n');
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    System.out.println("wrote " + file.toAbsolutePath());
  }
}
