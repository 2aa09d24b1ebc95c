package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code bulwark config check} as a user runs it, in a child JVM. */
class ConfigCheckCliTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String TOKEN = "tok-3f9a1c2d-never-print-me";
  private static final String ENV_PASSWORD = "env password never printed";

  @TempDir Path dir;

  private String good() {
    return """
        repository: repo
        password-file: secrets/pw
        api:
          token-file: secrets/token
        databases:
          - name: node
            kind: sqlite
            path: node.db
            schedule:
              every: 1h
            retention:
              keep-last: 5
        """;
  }

  /**
   * The five kinds of bad configuration: each exits 2 with exactly one line on stderr
   * that names the field and its line.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown field      | retention:|retentoin:         | 11 | databases[0].retentoin: unknown field (did you mean 'retention'?)",
      "wrong type         | keep-last: 5|keep-last: [5]   | 12 | databases[0].retention.keep-last: expected a single value, found a list",
      "bad duration       | every: 1h|every: 1x           | 10 | databases[0].schedule.every: '1x' is not a duration (use 30s, 15m, 1h, 1d)",
      "bad kind           | kind: sqlite|kind: mysql      | 7  | databases[0].kind: 'mysql' is not a database kind (use sqlite or rocksdb)",
      "missing path       | '    path: node.db\n'|''          | 6  | databases[0].path: missing",
      "port out of range  | 'api:\n'|'api:\n  port: 99999\n' | 4 | api.port: 99999 is out of range (0 to 65535)",
  })
  void eachKindOfBadConfigIsOneLineNamingTheFieldAndLine(String kind, String from, String to,
      int line, String expected) throws Exception {
    String yaml = good().replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
    assertThat(yaml).as("the case changes the file").isNotEqualTo(good());
    Path file = write(yaml);

    Cli.Result r = Cli.withEnv(Map.of()).inProcess()
        .run("config", "check", "--config", file.toString());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.stderr().lines().toList()).as(r.stderr()).hasSize(1);
    assertThat(r.stderr()).startsWith("bulwark: " + file + ":" + line + ": " + expected);
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void aYamlSyntaxErrorIsOneLineWithItsLine() throws Exception {
    Path file = write(good().replace("every: 1h", "every: [1h"));
    Cli.Result r = Cli.withEnv(Map.of()).inProcess()
        .run("config", "check", "--config", file.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.stderr().lines().toList()).hasSize(1);
    assertThat(r.stderr()).startsWith("bulwark: " + file + ":").contains("YAML syntax error");
  }

  @Test
  void aGoodFilePrintsTheEffectiveConfigWithOverridesAndNoSecrets() throws Exception {
    Path file = write(good());
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(secrets.resolve("pw"), PASSWORD);
    Files.writeString(secrets.resolve("token"), TOKEN);
    Cli cli = Cli.withEnv(Map.of("BULWARK_DB_NODE_SCHEDULE_EVERY", "5m",
        "BULWARK_PASSWORD", ENV_PASSWORD, "BULWARK_CONFIG", file.toString())).inProcess();

    Cli.Result text = cli.run("config", "check", "--api-port", "9000").assertOk();
    assertThat(text.stdout())
        .contains("repository: " + dir.resolve("repo"))
        .contains("password-file: " + secrets.resolve("pw"))
        .containsPattern("port: 9000 +# from --api-port")
        .containsPattern("every: 5m +# from BULWARK_DB_NODE_SCHEDULE_EVERY")
        .containsPattern("host: 127.0.0.1 +# default")
        .containsPattern("keep-daily: 0 +# default");
    Cli.Result json = cli.run("config", "check", "--api-port", "9000", "--json").assertOk();
    JsonNode n = new ObjectMapper().readTree(json.stdout());
    assertThat(n.path("valid").asBoolean()).isTrue();
    assertThat(n.path("file").asText()).isEqualTo(file.toString());
    assertThat(n.at("/config/api/port").asInt()).isEqualTo(9000);
    assertThat(n.at("/config/databases/0/schedule/every").asText()).isEqualTo("5m");
    assertThat(n.at("/config/databases/0/retention/keep-last").asInt()).isEqualTo(5);
    assertThat(n.at("/config/api/token-file").asText())
        .isEqualTo(secrets.resolve("token").toString());
    assertThat(n.path("overridden").path("api.port").asText()).isEqualTo("--api-port");
    assertThat(n.path("overridden").path("databases[0].schedule.every").asText())
        .isEqualTo("BULWARK_DB_NODE_SCHEDULE_EVERY");

    for (Cli.Result r : new Cli.Result[] {text, json}) {
      assertThat(r.stdout() + r.stderr()).doesNotContain(PASSWORD).doesNotContain(TOKEN)
          .doesNotContain(ENV_PASSWORD);
    }
  }

  @Test
  void aBadVariableIsOneLineNamingIt() throws Exception {
    Path file = write(good());
    Cli.Result r = Cli.withEnv(Map.of("BULWARK_DB_NODE_RETENTION_KEEP_LAST", "-3")).inProcess()
        .run("config", "check", "--config", file.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.stderr()).isEqualTo("bulwark: BULWARK_DB_NODE_RETENTION_KEEP_LAST: "
        + "databases[0].retention.keep-last: -3 cannot be negative (0 turns the rule off)\n");
  }

  @Test
  void theExampleFileAtTheRepositoryRootPasses() {
    Path example = Path.of("").toAbsolutePath().getParent().resolve("bulwark.example.yml");
    Cli.Result r = Cli.withEnv(Map.of()).inProcess()
        .run("config", "check", "--config", example.toString())
        .assertOk();
    assertThat(r.stdout()).contains(": valid").contains("name: chain-index")
        .contains("groups:").contains("name: node-state");
  }

  @Test
  void noFileAnywhereIsAUsageErrorListingWhereItLooked() {
    Assumptions.assumeFalse(Files.exists(Path.of("/etc/bulwark/bulwark.yml")));
    Assumptions.assumeFalse(Files.exists(Path.of("bulwark.yml")));
    Cli.Result r = Cli.withEnv(Map.of("XDG_CONFIG_HOME", dir.toString())).inProcess()
        .run("config", "check");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.stderr().lines().toList()).hasSize(1);
    assertThat(r.stderr()).contains("no configuration file: looked for ")
        .contains(dir.resolve("bulwark/bulwark.yml").toString())
        .contains("/etc/bulwark/bulwark.yml");
  }

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("bulwark.yml");
    Files.writeString(f, yaml);
    return f;
  }
}
