package dev.converge.kryo;

/**
 * Limits and options of the Converge serializers.
 *
 * @param maxElements the largest count of entries, elements, values or dots a decoder accepts in
 *     one collection, checked before anything is allocated
 * @param maxBytes the largest uncompressed body a compressed value may claim
 * @param maxDepth the deepest nesting of Converge values inside Converge values a decoder accepts
 * @param compress whether sets, maps, registers and sibling sets of at least
 *     {@code compressMinBytes} bytes are written deflated
 * @param compressMinBytes the size from which bodies are compressed, when {@code compress} is on
 */
public record Settings(int maxElements, int maxBytes, int maxDepth, boolean compress, int compressMinBytes) {

  /** No compression; 16 million elements, 256 MiB bodies, 64 levels of nesting. */
  public static final Settings DEFAULT = new Settings(1 << 24, 1 << 28, 64, false, 1024);

  /**
   * Validates the settings.
   *
   * @param maxElements the largest count of entries a decoder accepts in one collection
   * @param maxBytes the largest uncompressed body a compressed value may claim
   * @param maxDepth the deepest nesting of Converge values a decoder accepts
   * @param compress whether large collections are written deflated
   * @param compressMinBytes the size from which bodies are compressed
   * @throws IllegalArgumentException if a limit is not positive
   */
  public Settings {
    if (maxElements < 1 || maxBytes < 1 || maxDepth < 1 || compressMinBytes < 0) {
      throw new IllegalArgumentException("limits must be positive, got maxElements=" + maxElements + ", maxBytes="
          + maxBytes + ", maxDepth=" + maxDepth + ", compressMinBytes=" + compressMinBytes);
    }
  }

  /**
   * These settings with compression switched on or off.
   *
   * @param on whether to compress bodies of at least {@link #compressMinBytes()} bytes
   * @return the new settings
   */
  public Settings withCompression(boolean on) {
    return new Settings(maxElements, maxBytes, maxDepth, on, compressMinBytes);
  }

  /**
   * These settings with another element limit.
   *
   * @param max the largest count a decoder accepts
   * @return the new settings
   */
  public Settings withMaxElements(int max) {
    return new Settings(max, maxBytes, maxDepth, compress, compressMinBytes);
  }
}
