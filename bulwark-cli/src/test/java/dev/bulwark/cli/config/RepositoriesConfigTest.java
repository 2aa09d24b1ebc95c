package dev.bulwark.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.backend.RateLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code repositories:} in bulwark.yml: several repositories per database, each on its own. */
class RepositoriesConfigTest {
  private static final String HEAD = """
      repository: /r
      password-file: /pw
      api: {enabled: false}
      limit-upload: 100
      repositories:
        second:
          location: /r2
        offsite:
          location: s3:http://127.0.0.1:9000/b/p
          password-file: /other-pw
          limit-upload: 5
      """;

  @TempDir Path dir;

  @Test
  void aDatabaseNamesItsRepositoriesEachWithItsOwnScheduleAndRetention() throws Exception {
    BulwarkConfig c = ConfigLoader.load(write(HEAD + """
        databases:
          - name: node
            kind: sqlite
            path: /srv/node.db
            schedule: {every: 15m}
            retention: {keep-last: 8}
            verify: {every: 1d}
            repositories:
              - default
              - name: offsite
                schedule: {every: 1d}
                retention: {keep-daily: 30}
          - name: plain
            kind: sqlite
            path: /srv/plain.db
        """), Map.of());
    List<RepositoryTarget> node = c.targets(c.database("node").orElseThrow());
    assertThat(node).extracting(RepositoryTarget::repository).containsExactly("default",
        "offsite");
    assertThat(node.get(0).every()).isEqualTo(Duration.ofMinutes(15));
    assertThat(node.get(0).retention().last()).isEqualTo(8);
    assertThat(node.get(1).every()).isEqualTo(Duration.ofDays(1));
    assertThat(node.get(1).retention().daily()).isEqualTo(30);
    assertThat(node.get(1).retention().last()).isZero();
    // Left out of the block: the database's own.
    assertThat(node.get(1).verifyEvery()).isEqualTo(Duration.ofDays(1));
    assertThat(c.targets(c.database("plain").orElseThrow()))
        .extracting(RepositoryTarget::repository).containsExactly("default");
    assertThat(c.hasSeveralRepositories()).isTrue();

    RepositoryConfig second = c.repository("second").orElseThrow();
    assertThat(second.location()).isEqualTo("/r2");
    assertThat(second.unlockFiles()).containsExactly(Path.of("/pw"));
    assertThat(second.limits()).isEqualTo(new RateLimits(100, 0));
    RepositoryConfig offsite = c.repository("offsite").orElseThrow();
    assertThat(offsite.location()).isEqualTo("s3:http://127.0.0.1:9000/b/p");
    assertThat(offsite.unlockFiles()).containsExactly(Path.of("/other-pw"));
    assertThat(offsite.limits()).isEqualTo(new RateLimits(5, 0));
    assertThat(c.repository("default").orElseThrow().location()).isEqualTo("/r");
  }

  @Test
  void aConfigurationWithoutRepositoriesIsOneRepositoryAsBefore() throws Exception {
    BulwarkConfig c = ConfigLoader.load(write("""
        repository: /r
        password-file: /pw
        api: {enabled: false}
        databases:
          - {name: a, kind: sqlite, path: /a.db, schedule: {every: 1h}}
        """), Map.of());
    assertThat(c.repositories()).isEmpty();
    assertThat(c.hasSeveralRepositories()).isFalse();
    assertThat(c.targets(c.databases().get(0))).containsExactly(
        new RepositoryTarget("default", Duration.ofHours(1), null, null));
  }

  @Test
  void anUnknownRepositoryNameIsOneLineWithTheNearestName() throws Exception {
    Path f = write(HEAD + """
        databases:
          - {name: a, kind: sqlite, path: /a.db, repositories: [default, ofsite]}
        """);
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ":13: databases[0].repositories[1]: no repository is "
            + "named 'ofsite'")
        .hasMessageContaining("offsite")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aRepositoryNamedTwiceIsOneLine() throws Exception {
    Path f = write(HEAD + """
        databases:
          - name: a
            kind: sqlite
            path: /a.db
            repositories:
              - second
              - name: second
                schedule: {every: 1h}
        """);
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(f + ":18: databases[0].repositories[1]: 'second' is already "
            + "databases[0].repositories[0]; name each repository once");
    Path twice = write(HEAD + "  second:\n    location: /r3\n");
    assertThatThrownBy(() -> ConfigLoader.load(twice, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("repositories.second: given twice")
        .hasMessageNotContaining("\n");
  }

  @Test
  void badRepositoryBlocksAreOneLine() throws Exception {
    String base = "repository: /r\npassword-file: /pw\napi: {enabled: false}\n";
    assertThatThrownBy(() -> ConfigLoader.load(write(base
        + "repositories:\n  default:\n    location: /x\n"), Map.of()))
        .hasMessageEndingWith("repositories.default: 'default' is the top-level 'repository'; "
            + "give this one another name");
    assertThatThrownBy(() -> ConfigLoader.load(write(base
        + "repositories:\n  b:\n    path: /x\n"), Map.of()))
        .hasMessageContaining("repositories.b.path: unknown field");
    assertThatThrownBy(() -> ConfigLoader.load(write(base
        + "repositories:\n  b:\n    password-file: /x\n"), Map.of()))
        .hasMessageContaining("repositories.b.location: missing");
    assertThatThrownBy(() -> ConfigLoader.load(write(base
        + "databases:\n  - {name: a, kind: sqlite, path: /a.db, repositories: []}\n"), Map.of()))
        .hasMessageContaining("databases[0].repositories: is empty");
  }

  @Test
  void variablesSetARepositorysFieldsAndADatabasesRepositories() throws Exception {
    Path f = write(HEAD + """
        databases:
          - {name: node-1, kind: sqlite, path: /a.db}
        """);
    EffectiveConfig ec = ConfigLoader.resolve(f, Map.of(
        "BULWARK_REPO_OFFSITE_LOCATION", "/elsewhere",
        "BULWARK_REPO_SECOND_LIMIT_DOWNLOAD", "9",
        "BULWARK_DB_NODE_1_REPOSITORIES", "second, default"), List.of());
    BulwarkConfig c = ec.config();
    assertThat(c.repository("offsite").orElseThrow().location()).isEqualTo("/elsewhere");
    assertThat(c.repository("second").orElseThrow().limits()).isEqualTo(new RateLimits(100, 9));
    assertThat(c.targets(c.databases().get(0))).extracting(RepositoryTarget::repository)
        .containsExactly("second", "default");
    assertThat(ec.origin("repositories.offsite.location").orElseThrow().source())
        .isEqualTo("BULWARK_REPO_OFFSITE_LOCATION");

    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of("BULWARK_REPO_OFSITE_LOCATION", "/x")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("BULWARK_REPO_OFSITE_LOCATION: names no repository of " + f
            + "'s repositories: (second, offsite); see docs/configuration.md");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of("BULWARK_REPO_OFFSITE_PATH", "/x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("BULWARK_REPO_OFFSITE_PATH: no such repository field");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of("BULWARK_DB_NODE_1_REPOSITORIES",
        "default,nope")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("BULWARK_DB_NODE_1_REPOSITORIES: databases[0].repositories[1]: "
            + "no repository is named 'nope'");
  }

  private Path write(String text) throws Exception {
    Path f = Files.createTempFile(dir, "bulwark", ".yml");
    Files.writeString(f, text);
    return f;
  }
}
