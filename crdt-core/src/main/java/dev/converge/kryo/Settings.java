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
 * @param compressionLevel the deflate level writers use, from 1 ({@link #FASTEST}, the default) to 9
 *     ({@link #SMALLEST}); readers accept every level
 */
public record Settings(
    int maxElements, int maxBytes, int maxDepth, boolean compress, int compressMinBytes, int compressionLevel) {

  /**
   * Deflate's fastest level, the default: on the benchmark's sets of 10,000 strings it deflates
   * about 5 times faster than level 9, for 3% more bytes.
   */
  public static final int FASTEST = 1;
  /** Deflate's smallest level: for values written once and kept long. */
  public static final int SMALLEST = 9;

  /**
   * No compression (level {@link #FASTEST} when switched on); 16 million elements, 256 MiB bodies,
   * 64 levels of nesting.
   */
  public static final Settings DEFAULT = new Settings(1 << 24, 1 << 28, 64, false, 1024, FASTEST);

  /**
   * Validates the settings.
   *
   * @param maxElements the largest count of entries a decoder accepts in one collection
   * @param maxBytes the largest uncompressed body a compressed value may claim
   * @param maxDepth the deepest nesting of Converge values a decoder accepts
   * @param compress whether large collections are written deflated
   * @param compressMinBytes the size from which bodies are compressed
   * @param compressionLevel the deflate level writers use, 1 to 9
   * @throws IllegalArgumentException if a limit is not positive or the level is not from 1 to 9
   */
  public Settings {
    if (maxElements < 1 || maxBytes < 1 || maxDepth < 1 || compressMinBytes < 0) {
      throw new IllegalArgumentException("limits must be positive, got maxElements=" + maxElements + ", maxBytes="
          + maxBytes + ", maxDepth=" + maxDepth + ", compressMinBytes=" + compressMinBytes);
    }
    if (compressionLevel < FASTEST || compressionLevel > SMALLEST) {
      throw new IllegalArgumentException("compressionLevel must be from " + FASTEST + " to " + SMALLEST
          + ", got " + compressionLevel + " (use withCompression(false) to write uncompressed)");
    }
  }

  /**
   * These settings with compression switched on or off.
   *
   * @param on whether to compress bodies of at least {@link #compressMinBytes()} bytes
   * @return the new settings
   */
  public Settings withCompression(boolean on) {
    return new Settings(maxElements, maxBytes, maxDepth, on, compressMinBytes, compressionLevel);
  }

  /**
   * These settings with another deflate level for writing. Readers decode every level, so replicas
   * with different levels interoperate; but the compressed bytes of a value differ from level to
   * level (and may differ between zlib builds), so hash the uncompressed encoding to detect change
   * across them.
   *
   * @param level from {@link #FASTEST} (1) to {@link #SMALLEST} (9)
   * @return the new settings
   * @throws IllegalArgumentException if {@code level} is not from 1 to 9
   */
  public Settings withCompressionLevel(int level) {
    return new Settings(maxElements, maxBytes, maxDepth, compress, compressMinBytes, level);
  }

  /**
   * These settings with another element limit.
   *
   * @param max the largest count a decoder accepts
   * @return the new settings
   */
  public Settings withMaxElements(int max) {
    return new Settings(max, maxBytes, maxDepth, compress, compressMinBytes, compressionLevel);
  }
}
