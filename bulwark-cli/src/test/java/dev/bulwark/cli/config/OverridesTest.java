package dev.bulwark.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.retention.KeepWithin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Environment variables and flags over the file: names, precedence, and typos refused. */
class OverridesTest {
  private static final String FILE = """
      repository: /from/file
      password-file: /file/pw
      api:
        port: 1111
        token-file: /file/token
      databases:
        - name: node
          kind: sqlite
          path: /file/node.db
          schedule: {every: 1h}
        - name: chain-index
          kind: rocksdb
          path: /file/index
      """;
  private static final Path CWD = Path.of("").toAbsolutePath();

  @TempDir Path dir;

  /** One sample per overridable value: the variable's text and what the config then holds. */
  private static final Map<String, Map.Entry<String, Function<BulwarkConfig, Object>>> TOP =
      new LinkedHashMap<>();
  private static final Map<String, Map.Entry<String, Function<DatabaseConfig, Object>>> DB =
      new LinkedHashMap<>();

  static {
    TOP.put("repository", Map.entry("/env/repo", BulwarkConfig::repository));
    TOP.put("password-file", Map.entry("/env/pw", c -> c.passwordFile().toString()));
    TOP.put("key-files", Map.entry("/env/k1:/env/k2", c -> String.join(":",
        c.keyFiles().stream().map(Path::toString).toList())));
    TOP.put("api.enabled", Map.entry("false", c -> String.valueOf(c.api().enabled())));
    TOP.put("api.host", Map.entry("0.0.0.0", c -> c.api().host()));
    TOP.put("api.port", Map.entry("2222", c -> String.valueOf(c.api().port())));
    TOP.put("api.token-file", Map.entry("/env/token", c -> c.api().tokenFile().toString()));
    TOP.put("limit-upload", Map.entry("512", c -> "" + c.limits().uploadKiBps()));
    TOP.put("limit-download", Map.entry("2048", c -> "" + c.limits().downloadKiBps()));
    TOP.put("health.stale-after", Map.entry("3x", c -> c.api().health().staleAfterText()));
    TOP.put("health.max-stream-lag", Map.entry("5m",
        c -> DurationText.format(c.api().health().maxStreamLag())));
    DB.put("kind", Map.entry("rocksdb", d -> d.kind().name().toLowerCase()));
    DB.put("path", Map.entry("/env/db", d -> d.path().toString()));
    DB.put("files", Map.entry("/env/f1:/env/f2", d -> String.join(":",
        d.files().stream().map(Path::toString).toList())));
    DB.put("schedule.every", Map.entry("5m", d -> DurationText.format(d.every())));
    DB.put("retention.keep-last", Map.entry("11", d -> "" + d.retention().last()));
    DB.put("retention.keep-hourly", Map.entry("12", d -> "" + d.retention().hourly()));
    DB.put("retention.keep-daily", Map.entry("13", d -> "" + d.retention().daily()));
    DB.put("retention.keep-weekly", Map.entry("14", d -> "" + d.retention().weekly()));
    DB.put("retention.keep-monthly", Map.entry("15", d -> "" + d.retention().monthly()));
    DB.put("retention.keep-yearly", Map.entry("16", d -> "" + d.retention().yearly()));
    DB.put("retention.keep-within", Map.entry("1y3d", d -> d.retention().within().toString()));
    DB.put("retention.keep-tag", Map.entry("a,b", d -> String.join(",", d.retention().tags())));
    DB.put("verify.every", Map.entry("2d", d -> DurationText.format(d.verifyEvery())));
    DB.put("auto-restore", Map.entry("true", d -> String.valueOf(d.autoRestore())));
    DB.put("yield-file", Map.entry("/env/yield", d -> d.yieldFile().toString()));
    DB.put("chunk-size", Map.entry("8K", d -> d.chunkBytes() / 1024 + "K"));
    DB.put("stream.sync-interval", Map.entry("250ms",
        d -> DurationText.format(d.stream().syncInterval())));
    DB.put("stream.retention", Map.entry("36h", d -> DurationText.format(d.stream().retention())));
    DB.put("stream.max-requests-per-hour", Map.entry("600",
        d -> String.valueOf(d.stream().maxRequestsPerHour())));
    DB.put("stream.snapshot-interval", Map.entry("6h",
        d -> DurationText.format(d.stream().snapshotInterval())));
  }

  @Test
  void everyValueCanBeSetFromTheEnvironmentAndSaysSo() throws Exception {
    // The samples cover the schema: a new field without an override test fails here.
    assertThat(TOP.keySet()).containsExactlyInAnyOrderElementsOf(ConfigSchema.TOP_VALUES);
    assertThat(DB.keySet()).containsExactlyInAnyOrderElementsOf(ConfigSchema.DATABASE_VALUES);
    Path file = write(FILE);
    for (var e : TOP.entrySet()) {
      String variable = ConfigSchema.variable(e.getKey());
      EffectiveConfig ec = ConfigLoader.resolve(file,
          Map.of(variable, e.getValue().getKey().replace(":", java.io.File.pathSeparator)),
          List.of());
      assertThat(e.getValue().getValue().apply(ec.config())).as(variable)
          .isEqualTo(e.getValue().getKey());
      assertThat(ec.origin(e.getKey())).as(variable)
          .hasValueSatisfying(o -> assertThat(o.source()).isEqualTo(variable));
    }
    for (var e : DB.entrySet()) {
      // Only a SQLite database streams: stream values go to node, the others to chain-index.
      int target = e.getKey().startsWith("stream.") ? 0 : 1;
      String variable = ConfigSchema.variable(target == 0 ? "node" : "chain-index", e.getKey());
      EffectiveConfig ec = ConfigLoader.resolve(file,
          Map.of(variable, e.getValue().getKey().replace(":", java.io.File.pathSeparator)),
          List.of());
      assertThat(e.getValue().getValue().apply(ec.config().databases().get(target)))
          .as(variable).isEqualTo(e.getValue().getKey());
      assertThat(ec.origin("databases[" + target + "]." + e.getKey())).as(variable)
          .hasValueSatisfying(o -> assertThat(o.source()).isEqualTo(variable));
      // The other database keeps its own values.
      assertThat(ec.config().databases().get(1 - target)).isEqualTo(
          ConfigLoader.load(file, Map.of()).databases().get(1 - target));
    }
  }

  @Test
  void variableNamesAreSystematic() {
    assertThat(ConfigSchema.variable("api.token-file")).isEqualTo("BULWARK_API_TOKEN_FILE");
    assertThat(ConfigSchema.variable("node", "schedule.every"))
        .isEqualTo("BULWARK_DB_NODE_SCHEDULE_EVERY");
    assertThat(ConfigSchema.variable("chain-index", "retention.keep-last"))
        .isEqualTo("BULWARK_DB_CHAIN_INDEX_RETENTION_KEEP_LAST");
  }

  @Test
  void flagWinsOverEnvironmentWhichWinsOverFile() throws Exception {
    Path file = write(FILE);
    Map<String, String> env = Map.of("BULWARK_REPOSITORY", "/from/env",
        "BULWARK_API_PORT", "3333", "BULWARK_API_HOST", "10.0.0.1");
    EffectiveConfig ec = ConfigLoader.resolve(file, env,
        List.of(new FlagOverride("--api-port", "api.port", "4444")));
    BulwarkConfig c = ec.config();
    assertThat(c.api().port()).isEqualTo(4444);
    assertThat(c.api().host()).isEqualTo("10.0.0.1");
    assertThat(c.repository()).isEqualTo("/from/env");
    assertThat(c.passwordFile()).isEqualTo(Path.of("/file/pw"));
    assertThat(ec.origin("api.port").orElseThrow().source()).isEqualTo("--api-port");
    assertThat(ec.origin("repository").orElseThrow().source()).isEqualTo("BULWARK_REPOSITORY");
    assertThat(ec.origin("password-file").orElseThrow().kind()).isEqualTo(Origin.Kind.FILE);
    assertThat(ec.origin("api.host").orElseThrow().isOverride()).isTrue();
    assertThat(ec.origin("key-files")).isEmpty();
  }

  @Test
  void theOptionsMixinAppliesEachFlag() throws Exception {
    Path file = write(FILE);
    ConfigOptions options = new ConfigOptions();
    new CommandLine(options).parseArgs("--config", file.toString(), "--repo", "/flag/repo",
        "--password-file", "/flag/pw", "--api-host", "::1", "--api-port", "0",
        "--token-file", "rel/token");
    EffectiveConfig ec = options.resolve(Map.of("BULWARK_REPOSITORY", "/env/repo"));
    assertThat(ec.config().repository()).isEqualTo("/flag/repo");
    assertThat(ec.config().passwordFile()).isEqualTo(Path.of("/flag/pw"));
    // A relative path from a flag is relative to where the command runs, not to the file.
    assertThat(ec.config().api()).isEqualTo(new ApiConfig("::1", 0, CWD.resolve("rel/token"),
        true));
    assertThat(ec.origins().values().stream().filter(Origin::isOverride).map(Origin::source))
        .containsExactlyInAnyOrder("--repo", "--password-file", "--api-host", "--api-port",
            "--token-file");
  }

  @Test
  void overridesCanSupplyWhatTheFileLeavesOut() throws Exception {
    Path file = write("databases: []\n");
    BulwarkConfig c = ConfigLoader.load(file, Map.of("BULWARK_REPOSITORY", "/r",
        "BULWARK_PASSWORD_FILE", "pw", "BULWARK_API_ENABLED", "false"));
    assertThat(c.repository()).isEqualTo("/r");
    assertThat(c.passwordFile()).isEqualTo(CWD.resolve("pw"));
    assertThat(c.api().enabled()).isFalse();
  }

  @Test
  void aBadValueFromTheEnvironmentNamesTheVariable() throws Exception {
    Path file = write(FILE);
    assertThatThrownBy(() -> ConfigLoader.load(file,
        Map.of("BULWARK_DB_NODE_SCHEDULE_EVERY", "1x")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("BULWARK_DB_NODE_SCHEDULE_EVERY: databases[0].schedule.every: '1x' is not "
            + "a duration (use 30s, 15m, 1h, 1d)");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("BULWARK_API_PORT", "-5")))
        .hasMessage("BULWARK_API_PORT: api.port: -5 cannot be negative");
    assertThatThrownBy(() -> ConfigLoader.resolve(file, Map.of(),
        List.of(new FlagOverride("--api-port", "api.port", "70000"))))
        .hasMessage("--api-port: api.port: 70000 is out of range (0 to 65535)");
  }

  @Test
  void aVariableThatNamesNothingIsATypo() throws Exception {
    Path file = write(FILE);
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("BULWARK_API_PROT", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("BULWARK_API_PROT: no such setting (did you mean "
            + "'BULWARK_API_PORT'?)");
    assertThatThrownBy(() -> ConfigLoader.load(file,
        Map.of("BULWARK_DB_NOD_SCHEDULE_EVERY", "1h")))
        .hasMessageStartingWith("BULWARK_DB_NOD_SCHEDULE_EVERY: names no database of " + file
            + " (its databases: node, chain-index) (did you mean "
            + "'BULWARK_DB_NODE_SCHEDULE_EVERY'?)");
    assertThatThrownBy(() -> ConfigLoader.load(file,
        Map.of("BULWARK_DB_NODE_SCHEDULE_EVRY", "1h")))
        .hasMessageStartingWith("BULWARK_DB_NODE_SCHEDULE_EVRY: no such database field");
    // The name selects the database; it is not itself a value to override.
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("BULWARK_DB_NODE_NAME", "x")))
        .hasMessageStartingWith("BULWARK_DB_NODE_NAME: no such database field");
  }

  @Test
  void otherBulwarkVariablesAndEmptyOnesAreLeftAlone() throws Exception {
    Path file = write(FILE);
    Map<String, String> env = new HashMap<>();
    for (String v : ConfigSchema.OTHER_VARIABLES) {
      env.put(v, "anything");
    }
    env.put("BULWARK_API_PORT", "");
    env.put("PATH", "/usr/bin");
    assertThat(ConfigLoader.load(file, env)).isEqualTo(ConfigLoader.load(file, Map.of()));
  }

  @Test
  void everyBulwarkVariableTheCodeReadsIsKnownToTheLoader() throws Exception {
    // A variable read somewhere (prune's batch size, say) but unknown to the loader would make
    // `bulwark run` refuse to start as soon as a user sets it.
    Set<String> known = new HashSet<>(ConfigSchema.OTHER_VARIABLES);
    ConfigSchema.TOP_VALUES.forEach(p -> known.add(ConfigSchema.variable(p)));
    Pattern literal = Pattern.compile("\"(BULWARK_[A-Z0-9_]*[A-Z0-9])\"|env:(BULWARK_[A-Z0-9_]+)");
    Set<String> read = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("..").toAbsolutePath().normalize())) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")
          && p.toString().contains("/src/main/java/")).toList()) {
        Matcher m = literal.matcher(Files.readString(f));
        while (m.find()) {
          read.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
      }
    }
    read.removeIf(v -> v.startsWith(ConfigSchema.DATABASE_PREFIX) || v.equals("BULWARK_DB"));
    assertThat(read).contains("BULWARK_PASSWORD_FILE", "BULWARK_PRUNE_BATCH");
    assertThat(known).containsAll(read);
  }

  @Test
  void aDatabaseWhoseNameHasAnUnderscoreIsFoundBesideAShorterOne() throws Exception {
    Path file = write("""
        repository: /r
        password-file: /p
        api: {enabled: false}
        databases:
          - {name: node, kind: sqlite, path: /a}
          - {name: node_a, kind: sqlite, path: /b}
        """);
    BulwarkConfig c = ConfigLoader.load(file, Map.of("BULWARK_DB_NODE_A_PATH", "/env",
        "BULWARK_DB_NODE_PATH", "/env0"));
    assertThat(c.databases()).extracting(DatabaseConfig::path)
        .containsExactly(Path.of("/env0"), Path.of("/env"));
  }

  @Test
  void anOverrideDoesNotHideTheFilesOwnTypeMistake() throws Exception {
    Path file = write("repository: /r\npassword-file: /p\napi: [1]\n");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("BULWARK_API_TOKEN_FILE", "/t")))
        .hasMessage(file + ":3: api: expected a mapping (enabled, host, port, token-file), "
            + "found a list");
  }

  @Test
  void keepWithinAndDurationsFromTheEnvironmentParseLikeTheFile() throws Exception {
    BulwarkConfig c = ConfigLoader.load(write(FILE), Map.of(
        "BULWARK_DB_NODE_RETENTION_KEEP_WITHIN", "36h", "BULWARK_DB_NODE_VERIFY_EVERY", "90s"));
    assertThat(c.databases().get(0).retention().within()).isEqualTo(new KeepWithin(0, 0, 0, 36));
    assertThat(c.databases().get(0).verifyEvery()).isEqualTo(Duration.ofSeconds(90));
  }

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("bulwark.yml");
    Files.writeString(f, yaml);
    return f;
  }
}
