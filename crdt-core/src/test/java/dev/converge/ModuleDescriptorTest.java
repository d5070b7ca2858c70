package dev.converge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** crdt-core is a real JPMS module that exports its public packages and nothing else. */
final class ModuleDescriptorTest {

  @Test
  void moduleDescriptor_namesTheModuleAndExportsExactlyThePublicPackages() throws IOException, URISyntaxException {
    ModuleDescriptor descriptor;
    // Read the descriptor compiled beside Lattice (the class path also holds the JDK's own).
    Path classes = Path.of(Lattice.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path moduleInfo = Files.isDirectory(classes) ? classes.resolve("module-info.class") : null;
    assertNotNull(moduleInfo, "crdt-core's classes are a directory in this build: " + classes);
    assertTrue(Files.exists(moduleInfo), "module-info.class is compiled into crdt-core");
    try (InputStream in = Files.newInputStream(moduleInfo)) {
      descriptor = ModuleDescriptor.read(in);
    }
    assertEquals("dev.converge.core", descriptor.name());
    Set<String> exported = descriptor.exports().stream()
        .peek(e -> assertTrue(e.targets().isEmpty(), "no qualified exports: " + e))
        .map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(Set.of("dev.converge", "dev.converge.causal", "dev.converge.counter", "dev.converge.delta", "dev.converge.kryo", "dev.converge.map",
        "dev.converge.register", "dev.converge.set")), exported);
    assertTrue(descriptor.opens().isEmpty(), "no opened packages");
    Set<ModuleDescriptor.Requires> required = descriptor.requires().stream()
        .filter(r -> !r.name().equals("java.base"))
        .collect(Collectors.toSet());
    assertEquals(1, required.size(), "Kryo is the only dependency: " + required);
    ModuleDescriptor.Requires kryo = required.iterator().next();
    assertEquals("com.esotericsoftware.kryo", kryo.name());
    assertTrue(kryo.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC),
        "Kryo is optional at run time for users who bring their own wire format");
  }
}
