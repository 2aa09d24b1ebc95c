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

/** {@code bulwark config check} shows the effective repositories of each database. */
class ConfigShowsRepositoriesTest {
  private static final String YAML = """
      repository: repo
      password-file: pw
      api: {enabled: false}
      repositories:
        offsite: {location: 's3:http://127.0.0.1:9000/b/app'}
      databases:
        - name: app
          kind: sqlite
          path: app.db
          schedule: {every: 15m}
          retention: {keep-last: 4}
          repositories:
            - default
            - name: offsite
              schedule: {every: 1d}
              retention: {keep-daily: 30}
        - name: index
          kind: rocksdb
          path: index
      """;

  @TempDir Path dir;

  @Test
  void configCheckShowsEachDatabasesRepositoriesWithTheirScheduleAndRetention()
      throws Exception {
    Path file = Files.writeString(dir.resolve("bulwark.yml"), YAML);
    Cli cli = Cli.withEnv(Map.of("BULWARK_REPO_OFFSITE_LIMIT_UPLOAD", "512")).inProcess();

    Cli.Result text = cli.run("config", "check", "--config", file.toString()).assertOk();
    assertThat(text.stdout()).containsPattern("(?m)^    repositories:\\n"
        + "      - name: default\\n        schedule:\\n"
        + "          every: 15m\\s+# as the database's\\n"
        + "        retention:\\n          keep-last: 4\\s+# as the database's\\n");
    // A block given replaces the database's: what it leaves out is a default.
    assertThat(text.stdout()).containsPattern("(?m)^      - name: offsite\\n"
        + "        schedule:\\n          every: 1d\\n"
        + "        retention:\\n          keep-last: 0\\s+# default\\n.*\\n"
        + "          keep-daily: 30\\n");
    assertThat(text.stdout()).containsPattern("(?m)^repositories:\\n  offsite:\\n"
        + "    location: s3:http://127.0.0.1:9000/b/app\\n"
        + "    password-file: " + dir.resolve("pw") + "\\s+# as the top level's\\n");
    assertThat(text.stdout()).containsPattern(
        "(?m)^    limit-upload: 512\\s+# from BULWARK_REPO_OFFSITE_LIMIT_UPLOAD$");

    Cli.Result json = cli.run("config", "check", "--json", "--config", file.toString())
        .assertOk();
    JsonNode config = new ObjectMapper().readTree(json.stdout()).get("config");
    JsonNode index = config.get("databases").get(1).get("repositories");
    assertThat(index.size()).as("a database without a list goes to the default").isEqualTo(1);
    assertThat(index.get(0).get("name").asText()).isEqualTo("default");
    assertThat(config.get("repositories").get("offsite").get("limit-upload").asLong())
        .isEqualTo(512);
  }
}
