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
import java.util.List;
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
 * comparing Converge with its peers.
 *
 * <p>Every JMH command-line option is accepted and wins over the quick profile, which is: 1 fork,
 * 3 warmup iterations of 500 ms, 4 measurement iterations of 400 ms, {@code -prof gc}, JSON results in
 * {@code jmh-result.json} beside the jar ({@code crdt-bench/target/}). On 2 cores the whole
 * {@link VersionVectorBenchmark} (90 benchmarks) took 5 min 20 s.
 *
 * <pre>
 * java -jar crdt-bench/target/benchmarks.jar                          # everything, quick profile
 * java -jar crdt-bench/target/benchmarks.jar VersionVector -p size=16 # JMH regex and options
 * java -jar crdt-bench/target/benchmarks.jar -wi 5 -i 10 -r 1s -rff vv.json VersionVector
 * java -jar crdt-bench/target/benchmarks.jar --no-gc VersionVector    # without -prof gc
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
  }

  private static void run(String[] args) throws CommandLineOptionException, RunnerException, IOException {
    List<String> jmhArgs = new ArrayList<>(Arrays.asList(args));
    boolean gc = !jmhArgs.remove(NO_GC);
    CommandLineOptions cli = new CommandLineOptions(jmhArgs.toArray(new String[0]));
    if (cli.shouldHelp()) {
      cli.showHelp();
      System.out.println();
      System.out.println("BenchMain adds: " + NO_GC + " (no -prof gc); " + TABLE
          + " FILE... (only print the table of JMH JSON results; a later file wins for the same benchmark).");
      System.out.println("Quick profile unless overridden: -f 1 -wi " + WARMUP_ITERATIONS + " -w " + asOption(WARMUP_TIME)
          + " -i " + MEASUREMENT_ITERATIONS + " -r " + asOption(MEASUREMENT_TIME) + " -prof gc -rf json -rff "
          + defaultResultFile());
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

    long start = System.nanoTime();
    Collection<RunResult> results = new Runner(options.build()).run();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    System.out.print(ResultTable.render(ResultTable.fromRunResults(results)));
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
