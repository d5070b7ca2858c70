package dev.converge.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.security.CodeSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.ProfilerConfig;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The main class of {@code benchmarks.jar}: runs JMH with a quick profile, then prints a table
 * comparing Converge with its peers, and the serialized sizes ({@link SizeReport}) when the run
 * included {@link SerializationBenchmark}.
 *
 * <p>Every JMH command-line option is accepted and wins over the quick profile, which is: 1 fork,
 * 3 warmup iterations of 500 ms, 4 measurement iterations of 400 ms, {@code -prof gc}, JSON results in
 * {@code jmh-result.json} beside the jar ({@code crdt-bench/target/}), and fewer values of the
 * parameters in {@link #QUICK_PARAMS} (version vectors at 1, 16 and 256 replicas; OR-Sets at 1k and 10k
 * elements; multi-value registers at 1 and 8 siblings; serialization of every type plain and the 10k
 * OR-Set compressed; the floors of the register and of that set). {@code --full} runs every
 * declared value instead (100k-element OR-Sets, vectors at 4 and 64 replicas, 2 and 4 siblings,
 * every compressed payload and floor); a {@code -p} on the command line replaces the quick values
 * of that parameter.
 *
 * <p>Duration on 2 cores, estimated from per-class runs (a fork costs its 3.1 s of iterations plus
 * 0.5 to 1.2 s of start-up and set-up): the quick profile of every class about 9 minutes (142
 * benchmarks, measured 8 min 39 s on 2026-11-22: version vectors 54, OR-Set 18, counters 8,
 * registers 6, deltas 4, serialization 32, cold tables 8, floors 12); {@code --full} about 17
 * minutes ({@link VersionVectorBenchmark}'s 90 took 5 min 20 s; the serialization, cold-table and
 * floor classes' 72 took 11 min 50 s).
 *
 * <pre>
 * java -jar crdt-bench/target/benchmarks.jar                          # everything, quick profile
 * java -jar crdt-bench/target/benchmarks.jar --full                   # everything, every parameter value
 * java -jar crdt-bench/target/benchmarks.jar ORSetBenchmark           # JMH regex: one class
 * java -jar crdt-bench/target/benchmarks.jar VersionVector -p size=16 # JMH regex and options
 * java -jar crdt-bench/target/benchmarks.jar -wi 5 -i 10 -r 1s -rff vv.json VersionVector
 * java -jar crdt-bench/target/benchmarks.jar --no-gc VersionVector    # without -prof gc
 * java -jar crdt-bench/target/benchmarks.jar --sizes                  # only the serialized sizes
 * java -jar crdt-bench/target/benchmarks.jar --table crdt-bench/target/jmh-result.json
 * </pre>
 */
public final class BenchMain {

  static final int WARMUP_ITERATIONS = 3;
  static final TimeValue WARMUP_TIME = TimeValue.milliseconds(500);
  static final int MEASUREMENT_ITERATIONS = 4;
  static final TimeValue MEASUREMENT_TIME = TimeValue.milliseconds(400);
  static final String RESULT_FILE = "jmh-result.json";

  private static final String TABLE = "--table";
  private static final String NO_GC = "--no-gc";
  private static final String FULL = "--full";
  private static final String SIZES = "--sizes";

  /**
   * The quick profile's parameter values, where it runs fewer than the benchmark declares (the
   * declared sets run with {@code --full}, or when the command line sets the parameter). Parameter
   * names are unique across the benchmark classes, so each override reaches one class.
   */
  static final Map<String, List<String>> QUICK_PARAMS = quickParams();

  private static Map<String, List<String>> quickParams() {
    Map<String, List<String>> params = new LinkedHashMap<>();
    // VersionVectorBenchmark: the smallest, a typical and the largest vector (full: 1, 4, 16, 64, 256).
    params.put("size", List.of("1", "16", "256"));
    // ORSetBenchmark: 100k elements only in the full profile.
    params.put("elements", List.of("1000", "10000"));
    // RegisterBenchmark.MultiValue: the ends of the range (full: 1, 2, 4, 8).
    params.put("siblings", List.of("1", "8"));
    // SerializationBenchmark: every type plain, and the largest set compressed (SizeReport prints every
    // compressed size either way).
    params.put("payload", List.of("VERSION_VECTOR_16", "GCOUNTER_64", "PNCOUNTER", "LWW_REGISTER", "ORMAP",
        "ORSET_1K", "ORSET_10K", "ORSET_10K_COMPRESSED"));
    // FloorBenchmark: the register and the largest compressed set (full: every compressed payload too).
    params.put("floor", List.of("LWW_REGISTER", "ORSET_10K_COMPRESSED"));
    return Collections.unmodifiableMap(params);
  }

  private BenchMain() {}

  /**
   * Runs the benchmarks, or with {@code --table FILE...} prints the table of earlier JSON results.
   *
   * @param args JMH options and benchmark regexes, plus {@code --no-gc}; or {@code --table FILE...}
   */
  public static void main(String[] args) {
    try {
      if (args.length > 0 && args[0].equals(TABLE)) {
        printTable(Arrays.asList(args).subList(1, args.length));
      } else if (args.length == 1 && args[0].equals(SIZES)) {
        System.out.print(SizeReport.render(SizeReport.measure()));
        System.out.print(DeltaBenchmark.sizes());
      } else {
        run(args);
      }
    } catch (CommandLineOptionException | IllegalArgumentException e) {
      System.err.println("Error: " + e.getMessage());
      System.exit(1);
    } catch (IOException e) {
      System.err.println("Error: " + e);
      System.exit(1);
    } catch (NoBenchmarksException e) {
      System.err.println("No matching benchmarks. List them with -l.");
      System.exit(1);
    } catch (RunnerException e) {
      System.err.println("Error running benchmarks:");
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void printTable(List<String> files) throws IOException {
    if (files.isEmpty()) {
      throw new IllegalArgumentException(TABLE + " needs at least one JMH JSON result file");
    }
    List<ResultTable.Measurement> measurements = new ArrayList<>();
    for (String file : files) {
      measurements.addAll(ResultTable.fromJson(Files.readString(Path.of(file), StandardCharsets.UTF_8)));
    }
    System.out.print(ResultTable.render(measurements));
    printSizesIfSerialization(measurements);
  }

  private static void run(String[] args) throws CommandLineOptionException, RunnerException, IOException {
    List<String> jmhArgs = new ArrayList<>(Arrays.asList(args));
    boolean gc = !jmhArgs.remove(NO_GC);
    boolean full = jmhArgs.remove(FULL);
    CommandLineOptions cli = new CommandLineOptions(jmhArgs.toArray(new String[0]));
    if (cli.shouldHelp()) {
      cli.showHelp();
      System.out.println();
      System.out.println("BenchMain adds: " + NO_GC + " (no -prof gc); " + FULL + " (every declared parameter value); "
          + SIZES + " (only print the serialized sizes); " + TABLE
          + " FILE... (only print the table of JMH JSON results; a later file wins for the same benchmark).");
      System.out.println("Quick profile unless overridden: -f 1 -wi " + WARMUP_ITERATIONS + " -w " + asOption(WARMUP_TIME)
          + " -i " + MEASUREMENT_ITERATIONS + " -r " + asOption(MEASUREMENT_TIME) + " -prof gc -rf json -rff "
          + defaultResultFile() + quickParamsOption() + " (without " + FULL + ")");
      return;
    }
    if (cli.shouldList() || cli.shouldListWithParams() || cli.shouldListProfilers() || cli.shouldListResultFormats()) {
      list(cli);
      return;
    }

    // A value set on the builder wins over its parent, so set only what the command line left open.
    ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
    if (!cli.getForkCount().hasValue()) {
      options.forks(1);
    }
    if (!cli.getWarmupIterations().hasValue()) {
      options.warmupIterations(WARMUP_ITERATIONS);
    }
    if (!cli.getWarmupTime().hasValue()) {
      options.warmupTime(WARMUP_TIME);
    }
    if (!cli.getMeasurementIterations().hasValue()) {
      options.measurementIterations(MEASUREMENT_ITERATIONS);
    }
    if (!cli.getMeasurementTime().hasValue()) {
      options.measurementTime(MEASUREMENT_TIME);
    }
    if (gc && cli.getProfilers().stream().noneMatch(BenchMain::isGcProfiler)) {
      options.addProfiler(GCProfiler.class);
    }
    if (!cli.getResultFormat().hasValue()) {
      options.resultFormat(ResultFormatType.JSON);
    }
    if (!cli.getResult().hasValue()) {
      options.result(defaultResultFile().toString());
    }
    if (!full) {
      for (Map.Entry<String, List<String>> p : QUICK_PARAMS.entrySet()) {
        if (!cli.getParameter(p.getKey()).hasValue()) {
          options.param(p.getKey(), p.getValue().toArray(new String[0]));
        }
      }
    }

    long start = System.nanoTime();
    Collection<RunResult> results = new Runner(options.build()).run();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    List<ResultTable.Measurement> measurements = ResultTable.fromRunResults(results);
    System.out.print(ResultTable.render(measurements));
    printSizesIfSerialization(measurements);
    System.out.printf(
        "%n%d benchmarks in %dm %02ds; results in %s%n",
        results.size(),
        took.toMinutes(),
        took.toSecondsPart(),
        cli.getResult().orElse(defaultResultFile().toString()));
  }

  private static void list(CommandLineOptions cli) {
    Runner runner = new Runner(cli);
    if (cli.shouldList()) {
      runner.list();
    }
    if (cli.shouldListWithParams()) {
      runner.listWithParams(cli);
    }
    if (cli.shouldListProfilers()) {
      cli.listProfilers();
    }
    if (cli.shouldListResultFormats()) {
      cli.listResultFormats();
    }
  }

  /** Sizes are not JMH results: computed here, after any run or table that shows serialization times. */
  private static void printSizesIfSerialization(List<ResultTable.Measurement> measurements) {
    if (measurements.stream().anyMatch(m -> m.benchmarkClass().equals(SerializationBenchmark.class.getName()))) {
      System.out.print(SizeReport.render(SizeReport.measure()));
    }
    if (measurements.stream().anyMatch(m -> m.benchmarkClass().equals(DeltaBenchmark.class.getName()))) {
      System.out.print(DeltaBenchmark.sizes());
    }
  }

  /** The quick profile's parameters as command-line options, {@code " -p elements=1000,10000"}. */
  private static String quickParamsOption() {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, List<String>> p : QUICK_PARAMS.entrySet()) {
      b.append(" -p ").append(p.getKey()).append('=').append(String.join(",", p.getValue()));
    }
    return b.toString();
  }

  /** {@code 500ms}, as the command line spells it. */
  private static String asOption(TimeValue time) {
    return time.toString().replace(" ", "");
  }

  private static boolean isGcProfiler(ProfilerConfig profiler) {
    return profiler.getKlass().equals("gc") || profiler.getKlass().equals(GCProfiler.class.getName());
  }

  /** {@code jmh-result.json} beside the jar (or beside {@code classes/} when run from an IDE), else here. */
  static Path defaultResultFile() {
    CodeSource source = BenchMain.class.getProtectionDomain().getCodeSource();
    if (source != null && source.getLocation() != null) {
      try {
        Path dir = Path.of(source.getLocation().toURI()).getParent();
        if (dir != null && Files.isDirectory(dir)) {
          return dir.resolve(RESULT_FILE);
        }
      } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
        // Not a file location: fall through to the working directory.
      }
    }
    return Path.of(RESULT_FILE);
  }
}
