package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark config check} shows how each database streams, and where a value came from. */
class ConfigShowsStreamTest {
  private static final String YAML = """
      repository: repo
      password-file: pw
      api: {enabled: false}
      databases:
        - name: app
          kind: sqlite
          path: app.db
          stream: {sync-interval: 2s}
        - name: index
          kind: rocksdb
          path: index
      """;

  @TempDir Path dir;

  @Test
  void configCheckShowsTheStreamAndItsOverrides() throws Exception {
    Path file = Files.writeString(dir.resolve("bulwark.yml"), YAML);
    Cli cli = Cli.withEnv(Map.of("BULWARK_DB_APP_STREAM_RETENTION", "36h")).inProcess();

    Cli.Result text = cli.run("config", "check", "--config", file.toString()).assertOk();
    assertThat(text.stdout()).containsPattern("(?m)^    stream:\\n      sync-interval: 2s\\s*\\n"
        + "      retention: 36h\\s+# from BULWARK_DB_APP_STREAM_RETENTION\\n"
        + "      max-requests-per-hour: 0\\s+# default: 0, no ceiling$");
    assertThat(text.stdout()).containsPattern("(?m)^    stream: null\\s+# default: not "
        + "streamed$");

    Cli.Result json = cli.run("config", "check", "--json", "--config", file.toString())
        .assertOk();
    JsonNode root = new ObjectMapper().readTree(json.stdout());
    JsonNode dbs = root.get("config").get("databases");
    assertThat(dbs.get(0).get("stream").get("sync-interval").asText()).isEqualTo("2s");
    assertThat(dbs.get(0).get("stream").get("retention").asText()).isEqualTo("36h");
    assertThat(dbs.get(1).get("stream").isNull()).isTrue();
    assertThat(root.get("overridden").get("databases[0].stream.retention").asText())
        .isEqualTo("BULWARK_DB_APP_STREAM_RETENTION");
  }
}
