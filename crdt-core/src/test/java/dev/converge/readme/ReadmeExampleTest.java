package dev.converge.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.converge.Causality;
import dev.converge.ReplicaId;
import dev.converge.causal.Siblings;
import dev.converge.causal.VersionVector;
import dev.converge.counter.PNCounter;
import dev.converge.map.ORMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's quick start, verbatim between the markers, so it always compiles and runs. */
final class ReadmeExampleTest {

  @Test
  void quickStart_mergingTwoReplicas() {
    // README:quick-start:begin
    ReplicaId a = ReplicaId.of("node-a");
    ReplicaId b = ReplicaId.of("node-b");

    // Clients write user:123 = "Alice" on node a and "Bob" on node b at the same time, both blind.
    Siblings<String> onA = Siblings.<String>empty().update(VersionVector.empty(), "Alice", a);
    Siblings<String> onB = Siblings.<String>empty().update(VersionVector.empty(), "Bob", b);
    Causality order = onA.context().compare(onB.context()); // CONCURRENT: neither saw the other

    // Anti-entropy, in either order: both replicas hold the same two siblings, nothing is lost.
    Siblings<String> mergedOnA = onA.merge(onB);
    Siblings<String> mergedOnB = onB.merge(onA);
    List<String> values = mergedOnA.values(); // [Alice, Bob]

    // A client reads both with their joint context and writes the resolution back: one value remains.
    Siblings<String> resolved = mergedOnA.update(mergedOnA.context(), "Alice & Bob", a);
    Siblings<String> everywhere = mergedOnB.merge(resolved); // [Alice & Bob] on node b too
    // README:quick-start:end

    assertEquals(Causality.CONCURRENT, order);
    assertEquals(mergedOnA, mergedOnB);
    assertEquals(List.of("Alice", "Bob"), values);
    assertEquals(List.of("Alice & Bob"), everywhere.values());
    assertEquals(resolved, everywhere);
  }

  @Test
  void shoppingCart_withQuantities() {
    // README:cart:begin
    ReplicaId phone = ReplicaId.of("phone");
    ReplicaId laptop = ReplicaId.of("laptop");
    ORMap<String, PNCounter> cart = ORMap.empty(PNCounter.empty());

    // Offline, the phone adds one pair of shoes and the laptop two pairs and a shirt.
    ORMap<String, PNCounter> onPhone = cart.update(phone, "shoes", q -> q.increment(phone, 1));
    ORMap<String, PNCounter> onLaptop = cart.update(laptop, "shoes", q -> q.increment(laptop, 2))
        .update(laptop, "shirt", q -> q.increment(laptop, 1));

    // Back online, in either order: 3 shoes and 1 shirt, nothing lost.
    ORMap<String, PNCounter> synced = onPhone.merge(onLaptop);
    long shoes = synced.get("shoes").map(PNCounter::value).orElse(0L); // 3

    // The phone removes the shirt while the laptop, unaware, adds another: the add wins.
    ORMap<String, PNCounter> phoneRemoves = synced.remove("shirt");
    ORMap<String, PNCounter> laptopAdds = synced.update(laptop, "shirt", q -> q.increment(laptop, 1));
    boolean hasShirt = phoneRemoves.merge(laptopAdds).containsKey("shirt"); // true
    // README:cart:end

    assertEquals(3, shoes);
    assertEquals(synced, onLaptop.merge(onPhone));
    assertTrue(hasShirt);
    assertEquals(2, phoneRemoves.merge(laptopAdds).get("shirt").orElseThrow().value());
  }

  @Test
  void retiringAReplica() {
    ReplicaId phone = ReplicaId.of("phone");
    ReplicaId laptop = ReplicaId.of("laptop");
    ReplicaId server = ReplicaId.of("server");
    ORMap<String, PNCounter> cart = ORMap.<String, PNCounter>empty(PNCounter.empty())
        .update(phone, "shoes", q -> q.increment(phone, 1))
        .update(laptop, "shirt", q -> q.increment(laptop, 1));
    ORMap<String, PNCounter> onServer = cart;
    ORMap<String, PNCounter> onLaptop = cart;
    ORMap<String, PNCounter> phoneLastState = cart;
    // README:retire:begin
    // (1) The phone is gone for good, and its last state has reached every replica.
    onServer = onServer.merge(phoneLastState);
    onLaptop = onLaptop.merge(phoneLastState);

    // (2) The heir, and only the heir, prunes: the phone's entries become the server's.
    onServer = onServer.prune(phone, server);

    // (3) Every other replica merges the heir's pruned state, then cleans up, with no write between...
    onLaptop = onLaptop.merge(onServer).pruneCleanup(phone, server);
    // ...and from now on cleans up every state it receives before merging it.
    onLaptop = onLaptop.merge(phoneLastState.pruneCleanup(phone, server));
    // README:retire:end

    assertEquals(Map.of("shoes", 1L, "shirt", 1L), onLaptop.toMap().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().value())));
    assertEquals(onServer, onLaptop);
    assertTrue(cart.context().mentions(phone));
    assertFalse(onLaptop.context().mentions(phone), "the phone is gone: " + onLaptop);
    assertEquals(0, onLaptop.get("shoes").orElseThrow().increments().get(phone));
  }

  @Test
  void readme_holdsEveryExampleVerbatim() throws IOException {
    String source = Files.readString(Path.of("src/test/java/dev/converge/readme/ReadmeExampleTest.java"));
    String readme = Files.readString(Path.of("../README.md"));
    String readmeStripped = readme.lines().map(String::strip).collect(Collectors.joining("\n"));
    for (String name : List.of("quick-start", "cart", "retire")) {
      String begin = "// README:" + name + ":" + "begin";
      String end = "// README:" + name + ":" + "end";
      String block = source.substring(source.indexOf(begin) + begin.length(), source.indexOf(end));
      String expected = block.lines()
          .map(String::strip)
          .collect(Collectors.joining("\n"))
          .strip();
      assertTrue(readmeStripped.contains("```java\n" + expected + "\n```"),
          "README.md must hold the example '" + name + "' of ReadmeExampleTest verbatim:\n" + expected);
    }
  }
}
