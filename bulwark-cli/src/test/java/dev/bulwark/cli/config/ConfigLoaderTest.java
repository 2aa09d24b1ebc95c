package dev.bulwark.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.retention.KeepWithin;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The file alone: what it binds to, its defaults, and each kind of mistake it refuses. */
class ConfigLoaderTest {
  /** The smallest valid file: what every mistake below is a variation of. */
  static final String MINIMAL = """
      repository: /backups/repo
      password-file: pw
      api:
        token-file: token
      """;

  @TempDir Path dir;

  @Test
  void fullFileBindsEveryFieldAndResolvesRelativePathsAgainstItsFolder() throws Exception {
    Path file = write("""
        repository: repo
        password-file: secrets/pw
        key-files: [/etc/k1, k2]
        api:
          enabled: true
          host: 0.0.0.0
          port: 9001
          token-file: token
        databases:
          - name: node
            kind: SQLite
            path: data/node.db
            files:
              - node.key
            schedule:
              every: 15m
            retention:
              keep-last: 3
              keep-hourly: 4
              keep-daily: 5
              keep-weekly: 6
              keep-monthly: 7
              keep-yearly: 8
              keep-within: 1y2d
              keep-tag: [keep, gold]
            verify:
              every: 1d
            auto-restore: true
          - name: index
            kind: rocksdb
            path: /srv/index
        """);
    BulwarkConfig c = ConfigLoader.load(file, Map.of());

    assertThat(c.file()).isEqualTo(file);
    assertThat(c.repository()).isEqualTo(dir.resolve("repo").toString());
    assertThat(c.passwordFile()).isEqualTo(dir.resolve("secrets/pw"));
    assertThat(c.keyFiles()).containsExactly(Path.of("/etc/k1"), dir.resolve("k2"));
    assertThat(c.api()).isEqualTo(new ApiConfig("0.0.0.0", 9001, dir.resolve("token"), true));
    DatabaseConfig node = c.database("node").orElseThrow();
    assertThat(node.kind()).isEqualTo(DatabaseType.SQLITE);
    assertThat(node.path()).isEqualTo(dir.resolve("data/node.db"));
    assertThat(node.files()).containsExactly(dir.resolve("node.key"));
    assertThat(node.every()).isEqualTo(Duration.ofMinutes(15));
    assertThat(node.verifyEvery()).isEqualTo(Duration.ofDays(1));
    assertThat(node.autoRestore()).isTrue();
    var r = node.retention();
    assertThat(List.of(r.last(), r.hourly(), r.daily(), r.weekly(), r.monthly(), r.yearly()))
        .containsExactly(3, 4, 5, 6, 7, 8);
    assertThat(r.within()).isEqualTo(new KeepWithin(1, 0, 2, 0));
    assertThat(r.tags()).containsExactly("keep", "gold");
    assertThat(c.databases()).extracting(DatabaseConfig::name).containsExactly("node", "index");
  }

  @Test
  void defaultsFillWhatTheFileLeavesOut() throws Exception {
    BulwarkConfig c = ConfigLoader.load(write(MINIMAL + """
        databases:
          - name: node
            kind: rocksdb
            path: db
        """), Map.of());
    assertThat(c.api()).isEqualTo(new ApiConfig(ApiConfig.DEFAULT_HOST, ApiConfig.DEFAULT_PORT,
        dir.resolve("token"), true));
    assertThat(c.keyFiles()).isEmpty();
    DatabaseConfig db = c.databases().get(0);
    // No schedule: backups only on demand.
    assertThat(db.every()).isNull();
    assertThat(db.verifyEvery()).isNull();
    assertThat(db.retention().isEmpty()).isTrue();
    assertThat(db.files()).isEmpty();
    assertThat(db.autoRestore()).isFalse();
  }

  @Test
  void keyFilesAloneUnlockAndADisabledApiNeedsNoToken() throws Exception {
    BulwarkConfig c = ConfigLoader.load(write("""
        repository: /r
        key-files: [k]
        api: {enabled: false}
        """), Map.of());
    assertThat(c.passwordFile()).isNull();
    assertThat(c.unlockFiles()).containsExactly(dir.resolve("k"));
    assertThat(c.api().enabled()).isFalse();
    assertThat(c.api().tokenFile()).isNull();
  }

  @Test
  void urlRepositoriesAreKeptAsWrittenAndLocalOnesResolved() throws Exception {
    assertThat(ConfigLoader.load(write(MINIMAL.replace("/backups/repo", "s3:host/bucket")),
        Map.of()).repository()).isEqualTo("s3:host/bucket");
    assertThat(ConfigLoader.load(write(MINIMAL.replace("/backups/repo", "local:repo")),
        Map.of()).repository()).isEqualTo("local:" + dir.resolve("repo"));
  }

  static Stream<Arguments> mistakes() {
    String db = MINIMAL + "databases:\n  - name: node\n    kind: sqlite\n    path: db\n";
    return Stream.of(
        // syntax
        Arguments.of("an unclosed list", "repository: [a\npassword-file: p\n",
            ":2: YAML syntax error: "),
        Arguments.of("a key given twice", MINIMAL + "repository: /other\n",
            ":5: repository: given twice (first on line 1)"),
        Arguments.of("a top level that is a list", "- a\n- b\n",
            ":1: the file must be a mapping"),
        Arguments.of("an empty file", "# nothing\n", ":1: the file is empty"),
        // unknown fields
        Arguments.of("a misspelled top field", MINIMAL + "pasword-file: x\n",
            ":5: pasword-file: unknown field (did you mean 'password-file'?)"),
        Arguments.of("a misspelled retention field", db + "    retention:\n      keep_last: 3\n",
            ":10: databases[0].retention.keep_last: unknown field (did you mean 'keep-last'?)"),
        Arguments.of("an unknown field far from any", MINIMAL + "colour: blue\n",
            ":5: colour: unknown field; known here: "),
        // wrong types
        Arguments.of("a list for a single value", MINIMAL.replace("/backups/repo", "[a, b]"),
            ":1: repository: expected a single value, found a list"),
        Arguments.of("a single value for a list", MINIMAL + "key-files: /k\n",
            ":5: key-files: expected a list"),
        Arguments.of("a value for a mapping", MINIMAL.replace("api:\n  token-file: token\n",
            "api: on\n"), ":3: api: expected a mapping (enabled, host, port, token-file)"),
        Arguments.of("text for a number", MINIMAL + "  port: eighty\n",
            ":5: api.port: 'eighty' is not a whole number"),
        Arguments.of("text for a boolean", MINIMAL + "  enabled: yes please\n",
            ":5: api.enabled: 'yes please' is not true or false"),
        Arguments.of("a database that is a single value", MINIMAL + "databases:\n  - node\n",
            ":6: databases[0]: expected a mapping"),
        // bad values
        Arguments.of("a bad duration", db + "    schedule:\n      every: 1x\n",
            ":10: databases[0].schedule.every: '1x' is not a duration (use 30s, 15m, 1h, 1d)"),
        Arguments.of("a zero duration", db + "    verify: {every: 0s}\n",
            ":9: databases[0].verify.every: '0s' is not a positive duration"),
        Arguments.of("a bad kind", db.replace("kind: sqlite", "kind: postgres"),
            ":7: databases[0].kind: 'postgres' is not a database kind (use sqlite or rocksdb)"),
        Arguments.of("a negative keep count", db + "    retention: {keep-daily: -1}\n",
            ":9: databases[0].retention.keep-daily: -1 cannot be negative"),
        Arguments.of("a port out of range", MINIMAL + "  port: 65536\n",
            ":5: api.port: 65536 is out of range (0 to 65535)"),
        Arguments.of("a bad keep-within", db + "    retention: {keep-within: 2w}\n",
            ":9: databases[0].retention.keep-within: '2w' is not a span"),
        Arguments.of("a bad database name", db.replace("name: node", "name: my node"),
            ":6: databases[0].name: 'my node' is not a valid name"),
        // missing
        Arguments.of("no repository", MINIMAL.replace("repository: /backups/repo\n", ""),
            ":1: repository: missing"),
        Arguments.of("nothing to unlock with", MINIMAL.replace("password-file: pw\n", ""),
            ":1: password-file: missing; give a password-file or key-files"),
        Arguments.of("an enabled api without a token", MINIMAL.replace("  token-file: token\n",
            "  port: 1\n"), ":3: api.token-file: missing"),
        Arguments.of("a database without a name", MINIMAL + "databases:\n  - kind: sqlite\n"
            + "    path: db\n", ":6: databases[0].name: missing"),
        Arguments.of("a database without a kind", db.replace("    kind: sqlite\n", ""),
            ":6: databases[0].kind: missing; sqlite or rocksdb"),
        Arguments.of("a database without a path", db.replace("    path: db\n", ""),
            ":6: databases[0].path: missing"),
        // duplicates
        Arguments.of("two databases of one name", db + db.substring(MINIMAL.length()
            + "databases:\n".length()), ":9: databases[1].name: 'node' is already the name of "
            + "databases[0] (line 6)"),
        Arguments.of("two names with one variable prefix", db + "  - name: NODE\n"
            + "    kind: sqlite\n    path: b\n", ":9: databases[1].name: 'NODE' and databases[0] "
            + "(line 6) would share the environment variables BULWARK_DB_NODE_*"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void eachMistakeIsOneLineNamingFileLineAndField(String what, String yaml, String expected)
      throws Exception {
    Path file = write(yaml);
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + expected.substring(0, expected.indexOf(':', 1)))
        .hasMessageContaining(file + expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void theExampleFileAtTheRepositoryRootIsValid() throws Exception {
    Path example = Path.of("").toAbsolutePath().getParent().resolve("bulwark.example.yml");
    assertThat(example).exists();
    BulwarkConfig c = ConfigLoader.load(example, Map.of());
    assertThat(c.databases()).extracting(DatabaseConfig::name)
        .containsExactly("node", "chain-index", "wallet");
    assertThat(c.databases().get(1).every()).isNull();
    assertThat(c.groups()).extracting(GroupConfig::name).containsExactly("node-state");
    assertThat(c.groups().get(0).databases()).extracting(DatabaseConfig::name)
        .containsExactly("wallet", "chain-index");
    assertThat(c.databases().get(0).retention().isEmpty()).isFalse();
    assertThat(c.repository("offsite").orElseThrow().s3().connections()).isEqualTo(8);
    assertThat(c.api().health().staleAfterText()).isEqualTo("2x");
  }

  @Test
  void durationsReadBackAsWritten() {
    for (String s : List.of("30s", "90s", "15m", "90m", "1h", "36h", "1d", "400d")) {
      assertThat(DurationText.format(DurationText.parse(s))).isEqualTo(s);
    }
    assertThat(DurationText.format(DurationText.parse("60m"))).isEqualTo("1h");
    assertThatThrownBy(() -> DurationText.parse("999999999999999d"))
        .hasMessageContaining("too long");
  }

  @Test
  void nearestNameSuggestsOnlyCloseNames() {
    assertThat(NearestName.among("prot", List.of("host", "port"))).contains("port");
    assertThat(NearestName.among("KEEP_LAST", List.of("keep-last", "keep-daily")))
        .contains("keep-last");
    assertThat(NearestName.among("colour", List.of("repository", "api"))).isEmpty();
  }

  @Test
  void pathListVariablesSplitOnThePathSeparator() throws Exception {
    BulwarkConfig c = ConfigLoader.load(write(MINIMAL), Map.of("BULWARK_KEY_FILES",
        "/a" + File.pathSeparator + " /b " + File.pathSeparator));
    assertThat(c.keyFiles()).containsExactly(Path.of("/a"), Path.of("/b"));
  }

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("bulwark.yml");
    Files.writeString(f, yaml);
    return f;
  }
}
