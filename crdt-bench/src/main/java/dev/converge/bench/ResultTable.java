package dev.converge.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The comparison table of a benchmark run: one row per benchmark method and parameter set other
 * than {@code impl}, one column group per peer, with the ratios that matter (Pekko/Converge and
 * Converge/Raw) and the allocation per operation from {@code -prof gc}.
 *
 * <p>Generic over benchmark classes: any class with an {@code impl} parameter gets its rows, each of
 * its other parameters becomes a column, and peers other than the three known ones get extra
 * columns. A benchmark without an {@code impl} parameter is reported as Converge. A table has
 * columns only for the peers its class measured, and a ratio only where both of its peers are
 * there, so a Converge-only class shows absolute figures. The output is a Markdown table, aligned
 * for the terminal.
 */
final class ResultTable {

  /** The parameter that selects the peer. */
  static final String IMPL = "impl";

  private static final String CONVERGE = "CONVERGE";
  private static final String PEKKO = "PEKKO";
  private static final String RAW = "RAW";
  /** JMH's gc profiler result: bytes allocated per operation (older JMH prefixed a middle dot). */
  private static final String ALLOC_NORM = "gc.alloc.rate.norm";

  private ResultTable() {}

  /**
   * One benchmark result.
   *
   * @param benchmark the fully qualified method, {@code dev.converge.bench.XBenchmark.method}
   * @param mode JMH's short mode label, {@code avgt} or {@code thrpt}
   * @param params parameter values by name, {@code impl} included
   * @param score the primary score
   * @param error its error (NaN when unknown)
   * @param unit its unit, {@code ns/op}
   * @param bytesPerOp {@code gc.alloc.rate.norm}, NaN without {@code -prof gc}
   * @param settings JMH and JDK versions, forks and iterations, for the table's caption
   */
  record Measurement(
      String benchmark, String mode, Map<String, String> params, double score, double error, String unit,
      double bytesPerOp, String settings) {

    String benchmarkClass() {
      return benchmark.substring(0, benchmark.lastIndexOf('.'));
    }

    String method() {
      return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    String impl() {
      return params.getOrDefault(IMPL, CONVERGE);
    }

    /** Time per operation in {@link #unit}'s time unit, whatever the mode. */
    double time() {
      return unit.startsWith("ops/") ? 1 / score : score;
    }
  }

  /**
   * The measurements of an in-process run.
   *
   * @param results what {@code Runner.run()} returned
   * @return one measurement per result
   */
  static List<Measurement> fromRunResults(Collection<RunResult> results) {
    List<Measurement> list = new ArrayList<>();
    for (RunResult result : results) {
      Map<String, String> params = new LinkedHashMap<>();
      for (Object key : result.getParams().getParamsKeys()) {
        params.put((String) key, result.getParams().getParam((String) key));
      }
      double bytes = Double.NaN;
      for (String label : result.getSecondaryResults().keySet()) {
        if (isAllocNorm(label)) {
          Result<?> alloc = result.getSecondaryResults().get(label);
          bytes = alloc.getScore();
        }
      }
      Result<?> primary = result.getPrimaryResult();
      BenchmarkParams run = result.getParams();
      list.add(
          new Measurement(
              result.getParams().getBenchmark(),
              result.getParams().getMode().shortLabel(),
              params,
              primary.getScore(),
              primary.getScoreError(),
              primary.getScoreUnit(),
              bytes,
              settings(
                  run.getJmhVersion(),
                  run.getJdkVersion(),
                  run.getVmName(),
                  run.getForks(),
                  run.getWarmup().getCount(),
                  run.getWarmup().getTime().toString(),
                  run.getMeasurement().getCount(),
                  run.getMeasurement().getTime().toString())));
    }
    return list;
  }

  /**
   * The measurements in a JMH JSON result file ({@code -rf json}).
   *
   * @param json the file's content
   * @return one measurement per benchmark entry
   * @throws IllegalArgumentException if the content is not a JMH JSON result
   */
  static List<Measurement> fromJson(String json) {
    Object root = Json.parse(json);
    if (!(root instanceof List)) {
      throw new IllegalArgumentException("JMH JSON results are an array, got " + describe(root));
    }
    List<Measurement> list = new ArrayList<>();
    for (Object item : (List<?>) root) {
      Map<?, ?> entry = asMap(item, "a result");
      Map<String, String> params = new LinkedHashMap<>();
      Object rawParams = entry.get("params");
      if (rawParams != null) {
        for (Map.Entry<?, ?> p : asMap(rawParams, "params").entrySet()) {
          params.put((String) p.getKey(), String.valueOf(p.getValue()));
        }
      }
      Map<?, ?> primary = asMap(entry.get("primaryMetric"), "primaryMetric");
      double bytes = Double.NaN;
      Object secondary = entry.get("secondaryMetrics");
      if (secondary != null) {
        for (Map.Entry<?, ?> e : asMap(secondary, "secondaryMetrics").entrySet()) {
          if (isAllocNorm((String) e.getKey())) {
            bytes = number(asMap(e.getValue(), "a secondary metric").get("score"));
          }
        }
      }
      list.add(
          new Measurement(
              (String) entry.get("benchmark"),
              String.valueOf(entry.get("mode")),
              params,
              number(primary.get("score")),
              number(primary.get("scoreError")),
              String.valueOf(primary.get("scoreUnit")),
              bytes,
              settings(
                  entry.get("jmhVersion"),
                  entry.get("jdkVersion"),
                  entry.get("vmName"),
                  entry.get("forks"),
                  entry.get("warmupIterations"),
                  entry.get("warmupTime"),
                  entry.get("measurementIterations"),
                  entry.get("measurementTime"))));
    }
    return list;
  }

  private static String settings(
      Object jmh, Object jdk, Object vm, Object forks, Object warmups, Object warmupTime, Object iterations,
      Object iterationTime) {
    return String.format(
        Locale.ROOT,
        "JMH %s, JDK %s (%s), %s fork(s), warmup %s x %s, measurement %s x %s",
        jmh, jdk, vm, integer(forks), integer(warmups), warmupTime, integer(iterations), iterationTime);
  }

  /** JSON numbers arrive as doubles: {@code 3.0} prints as {@code 3}. */
  private static String integer(Object o) {
    return o instanceof Double ? String.valueOf(((Double) o).longValue()) : String.valueOf(o);
  }

  private static boolean isAllocNorm(String label) {
    return label.equals(ALLOC_NORM) || label.endsWith("\u00b7" + ALLOC_NORM);
  }

  private static Map<?, ?> asMap(Object o, String what) {
    if (!(o instanceof Map)) {
      throw new IllegalArgumentException("expected " + what + " to be an object, got " + describe(o));
    }
    return (Map<?, ?>) o;
  }

  /** JMH writes NaN and infinities as strings. */
  private static double number(Object o) {
    if (o instanceof Double) {
      return (Double) o;
    }
    if (o instanceof String) {
      try {
        return Double.parseDouble((String) o);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  private static String describe(Object o) {
    return o == null ? "null" : o.getClass().getSimpleName();
  }

  /**
   * Renders one table per benchmark class (and mode).
   *
   * @param measurements the results, in any order, from any number of runs of some peers
   * @return the tables, or a line saying there is nothing to show
   */
  static String render(List<Measurement> measurements) {
    if (measurements.isEmpty()) {
      return "No benchmark results.\n";
    }
    // Class and mode -> row key -> impl -> measurement; rows sorted by method, then parameters.
    Map<String, Map<RowKey, Map<String, Measurement>>> tables = new TreeMap<>();
    for (Measurement m : measurements) {
      Map<String, String> others = new LinkedHashMap<>(m.params());
      others.remove(IMPL);
      tables
          .computeIfAbsent(m.benchmarkClass() + " (" + m.mode() + ")", k -> new TreeMap<>())
          .computeIfAbsent(new RowKey(m.method(), others), k -> new TreeMap<>())
          .put(m.impl(), m);
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Map<RowKey, Map<String, Measurement>>> table : tables.entrySet()) {
      renderTable(out, table.getKey(), table.getValue());
    }
    return out.toString();
  }

  private static void renderTable(StringBuilder out, String title, Map<RowKey, Map<String, Measurement>> rows) {
    Set<String> settings = new LinkedHashSet<>();
    Set<String> paramNames = new LinkedHashSet<>();
    Set<String> present = new LinkedHashSet<>();
    String unit = null;
    for (Map.Entry<RowKey, Map<String, Measurement>> row : rows.entrySet()) {
      paramNames.addAll(row.getKey().params().keySet());
      present.addAll(row.getValue().keySet());
      for (Measurement m : row.getValue().values()) {
        unit = unit == null ? m.unit() : unit;
        settings.add(m.settings());
      }
    }
    // Columns for the peers this class measured only: the known three first, in their order.
    Set<String> impls = new LinkedHashSet<>();
    for (String known : List.of(CONVERGE, PEKKO, RAW)) {
      if (present.contains(known)) {
        impls.add(known);
      }
    }
    impls.addAll(present);
    boolean pekkoRatio = impls.contains(PEKKO) && impls.contains(CONVERGE);
    boolean rawRatio = impls.contains(CONVERGE) && impls.contains(RAW);

    List<String> header = new ArrayList<>();
    List<Boolean> numeric = new ArrayList<>();
    header.add("scenario");
    numeric.add(false);
    for (String p : paramNames) {
      header.add(p);
      numeric.add(rows.keySet().stream().map(k -> k.params().get(p)).allMatch(ResultTable::isNumberOrAbsent));
    }
    for (String impl : impls) {
      header.add(label(impl) + " " + unit + (impl.equals(CONVERGE) ? " ± error" : ""));
      numeric.add(true);
    }
    if (pekkoRatio) {
      header.add("Pekko/Converge");
      numeric.add(true);
    }
    if (rawRatio) {
      header.add("Converge/Raw");
      numeric.add(true);
    }
    for (String impl : impls) {
      header.add(label(impl) + " B/op");
      numeric.add(true);
    }

    List<List<String>> cells = new ArrayList<>();
    for (Map.Entry<RowKey, Map<String, Measurement>> row : rows.entrySet()) {
      Map<String, Measurement> byImpl = row.getValue();
      List<String> line = new ArrayList<>();
      line.add(row.getKey().method());
      for (String p : paramNames) {
        line.add(row.getKey().params().getOrDefault(p, ""));
      }
      for (String impl : impls) {
        Measurement m = byImpl.get(impl);
        String cell = "";
        if (m != null) {
          cell = formatScore(m.score());
          if (impl.equals(CONVERGE) && !Double.isNaN(m.error())) {
            cell += " ± " + formatScore(m.error());
          }
        }
        line.add(cell);
      }
      if (pekkoRatio) {
        line.add(ratio(byImpl.get(PEKKO), byImpl.get(CONVERGE)));
      }
      if (rawRatio) {
        line.add(ratio(byImpl.get(CONVERGE), byImpl.get(RAW)));
      }
      for (String impl : impls) {
        Measurement m = byImpl.get(impl);
        line.add(m == null || Double.isNaN(m.bytesPerOp()) ? "" : String.format(Locale.ROOT, "%.0f", m.bytesPerOp()));
      }
      cells.add(line);
    }

    out.append('\n').append(title).append('\n');
    for (String s : settings) {
      out.append(s).append('\n');
    }
    out.append('\n');
    out.append(markdown(header, numeric, cells));
  }

  /**
   * A Markdown table aligned for the terminal: numeric columns right-aligned, others left.
   *
   * @param header the column titles
   * @param numeric per column, whether it holds numbers
   * @param cells the rows, each with one cell per column
   * @return the table, one line per row, each ending with a newline
   */
  static String markdown(List<String> header, List<Boolean> numeric, List<List<String>> cells) {
    int[] widths = new int[header.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = Math.max(3, header.get(c).length());
      for (List<String> line : cells) {
        widths[c] = Math.max(widths[c], line.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    appendLine(out, header, widths, numeric);
    out.append('|');
    for (int c = 0; c < widths.length; c++) {
      out.append(numeric.get(c) ? "-".repeat(widths[c] + 1) + ":" : ":" + "-".repeat(widths[c] + 1)).append('|');
    }
    out.append('\n');
    for (List<String> line : cells) {
      appendLine(out, line, widths, numeric);
    }
    return out.toString();
  }

  private static void appendLine(StringBuilder out, List<String> line, int[] widths, List<Boolean> numeric) {
    out.append('|');
    for (int c = 0; c < widths.length; c++) {
      String cell = line.get(c);
      String pad = " ".repeat(widths[c] - cell.length());
      out.append(' ').append(numeric.get(c) ? pad + cell : cell + pad).append(" |");
    }
    out.append('\n');
  }

  private static boolean isNumberOrAbsent(String value) {
    if (value == null) {
      return true;
    }
    try {
      Double.parseDouble(value);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String label(String impl) {
    return impl.isEmpty() ? impl : impl.charAt(0) + impl.substring(1).toLowerCase(Locale.ROOT);
  }

  /** How many times longer {@code numerator} takes than {@code denominator}. */
  private static String ratio(Measurement numerator, Measurement denominator) {
    if (numerator == null || denominator == null || !numerator.unit().equals(denominator.unit())) {
      return "";
    }
    double r = numerator.time() / denominator.time();
    return Double.isFinite(r) ? String.format(Locale.ROOT, "%.2f", r) : "";
  }

  private static String formatScore(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    double a = Math.abs(v);
    String pattern = a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, pattern, v);
  }

  /** A row: the method and the parameters other than {@code impl}, ordered numerically where they are numbers. */
  private record RowKey(String method, Map<String, String> params) implements Comparable<RowKey> {

    private static final Comparator<String> VALUE_ORDER =
        (x, y) -> {
          try {
            return Double.compare(Double.parseDouble(x), Double.parseDouble(y));
          } catch (NumberFormatException e) {
            return x.compareTo(y);
          }
        };

    @Override
    public int compareTo(RowKey other) {
      int c = method.compareTo(other.method);
      // Parameters in column order (JMH's), so the leftmost varies slowest.
      Set<String> names = new LinkedHashSet<>(params.keySet());
      names.addAll(other.params.keySet());
      for (String name : names) {
        if (c != 0) {
          return c;
        }
        String x = params.get(name);
        String y = other.params.get(name);
        c = x == null || y == null ? Boolean.compare(x != null, y != null) : VALUE_ORDER.compare(x, y);
      }
      return c;
    }
  }
}
