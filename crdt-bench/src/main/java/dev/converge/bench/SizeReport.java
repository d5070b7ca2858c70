package dev.converge.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The encoded size of every {@link Payload}, computed in-process (sizes are deterministic, so they
 * are not JMH measurements): Converge without and with compression, Pekko's protobuf message
 * without gzip and Pekko's wire format ({@code toBinary}, gzipped for {@code ORSet} and
 * {@code ORMap}), with their ratios and, for the sets, the metadata bytes per element.
 *
 * <p>Metadata per element is {@code (encoded size - element bytes) / n}, where the element bytes are
 * each element written on its own as a length-prefixed UTF-8 string (1 + 16 bytes here): what the
 * CRDT adds to a plain list of the strings (dots, context, replica table, headers; protobuf's field
 * tags for Pekko).
 *
 * <p>Each encoding is decoded again and compared with the value before its size is reported.
 */
final class SizeReport {

  private SizeReport() {}

  /**
   * The sizes of one payload.
   *
   * @param payload the plain payload
   * @param converge Converge, default settings (no compression)
   * @param convergeCompressed Converge, {@code Settings.withCompression(true)}
   * @param pekkoProtobuf Pekko's protobuf message, without gzip
   * @param pekkoWire Pekko's {@code toBinary}
   */
  record Row(Payload payload, int converge, int convergeCompressed, int pekkoProtobuf, int pekkoWire) {

    /** Metadata bytes per element of an encoding of this size; NaN when the payload is not a set. */
    double metadataPerElement(int size) {
      int n = payload.setSize();
      return n == 0 ? Double.NaN : (size - payload.elementBytes()) / (double) n;
    }
  }

  /**
   * Encodes every plain payload with every codec (starting, then terminating, one Pekko actor
   * system).
   *
   * @return one row per plain payload, in {@link Payload} order
   */
  static List<Row> measure() {
    List<Row> rows = new ArrayList<>();
    try (Codec.PekkoSerializer pekko = new Codec.PekkoSerializer()) {
      for (Payload p : Payload.values()) {
        if (p.compressed) {
          continue;
        }
        Object c = p.converge();
        Object k = p.pekko();
        rows.add(new Row(
            p,
            size(Codec.converge(p.convergeType(), false), c, p),
            size(Codec.converge(p.convergeType(), true), c, p),
            size(Codec.pekko(p, false, pekko), k, p),
            size(Codec.pekko(p, true, pekko), k, p)));
      }
    }
    return rows;
  }

  private static int size(Codec codec, Object value, Payload p) {
    byte[] bytes = codec.encode(value);
    if (!codec.decode(bytes).equals(value)) {
      throw new IllegalStateException(p + ": decoding changed the value");
    }
    return bytes.length;
  }

  /**
   * Renders the sizes as two Markdown tables: sizes and ratios, then metadata per element of the
   * sets.
   *
   * @param rows what {@link #measure} returned
   * @return the tables under a "Serialized sizes" title
   */
  static String render(List<Row> rows) {
    StringBuilder out = new StringBuilder();
    out.append("\nSerialized sizes (bytes; computed in-process, deterministic)\n");
    out.append("Replica ids: Converge \"pekko://bench@host-0i:2552\"; Pekko UniqueAddress(that address, uid i+1).\n");
    out.append("Compressed: Converge deflate (default level 1) above 1 KiB (collections only); Pekko wire = toBinary "
        + "(gzips ORSet and ORMap only).\n\n");
    List<String> header = List.of("payload", "Converge", "Pekko protobuf", "Converge/Pekko",
        "Converge compressed", "Pekko wire", "compressed/wire");
    List<Boolean> numeric = List.of(false, true, true, true, true, true, true);
    List<List<String>> cells = new ArrayList<>();
    for (Row r : rows) {
      cells.add(List.of(r.payload().name(), String.valueOf(r.converge()), String.valueOf(r.pekkoProtobuf()),
          ratio(r.converge(), r.pekkoProtobuf()), String.valueOf(r.convergeCompressed()),
          String.valueOf(r.pekkoWire()), ratio(r.convergeCompressed(), r.pekkoWire())));
    }
    out.append(ResultTable.markdown(header, numeric, cells));

    List<List<String>> sets = new ArrayList<>();
    for (Row r : rows) {
      if (r.payload().setSize() > 0) {
        sets.add(List.of(r.payload().name(), String.valueOf(r.payload().setSize()),
            String.valueOf(r.payload().elementBytes()), perElement(r.metadataPerElement(r.converge())),
            perElement(r.metadataPerElement(r.pekkoProtobuf())),
            perElement(r.convergeCompressed() / (double) r.payload().setSize()),
            perElement(r.pekkoWire() / (double) r.payload().setSize())));
      }
    }
    if (!sets.isEmpty()) {
      out.append("\nOR-Set metadata per element: (encoded size - element bytes) / n; element bytes = each "
          + "element as a length-prefixed UTF-8 string.\n\n");
      out.append(ResultTable.markdown(
          List.of("payload", "n", "element bytes", "Converge metadata B/elem", "Pekko protobuf metadata B/elem",
              "Converge compressed B/elem", "Pekko wire B/elem"),
          List.of(false, true, true, true, true, true, true),
          sets));
    }
    return out.toString();
  }

  private static String ratio(int a, int b) {
    return String.format(Locale.ROOT, "%.2f", a / (double) b);
  }

  private static String perElement(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
