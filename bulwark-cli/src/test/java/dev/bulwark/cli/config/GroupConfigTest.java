package dev.bulwark.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code groups:} in {@code bulwark.yml}: what binds, and each mistake refused in one line. */
class GroupConfigTest {
  private static final String TWO = ConfigLoaderTest.MINIMAL + """
      databases:
        - name: app
          kind: sqlite
          path: app.db
        - name: chain
          kind: rocksdb
          path: chain
      groups:
        - name: node
      """;

  @TempDir Path dir;

  @Test
  void aGroupBindsItsMembersInOrderWithFilesScheduleAndRetention() throws Exception {
    BulwarkConfig c = ConfigLoader.load(write(TWO + """
            databases: [chain, app]
            files: [node.key]
            schedule: {every: 1h}
            retention: {keep-last: 24}
        """), Map.of());
    assertThat(c.groups()).hasSize(1);
    GroupConfig g = c.groups().get(0);
    assertThat(g.name()).isEqualTo("node");
    assertThat(g.databases()).extracting(DatabaseConfig::name).containsExactly("chain", "app");
    assertThat(g.databases().get(1).path()).isEqualTo(dir.resolve("app.db"));
    assertThat(g.files()).containsExactly(dir.resolve("node.key"));
    assertThat(g.every()).isEqualTo(Duration.ofHours(1));
    assertThat(g.retention().last()).isEqualTo(24);
    // The databases stay configured on their own too.
    assertThat(c.databases()).extracting(DatabaseConfig::name).containsExactly("app", "chain");
    assertThat(ConfigLoader.load(write(ConfigLoaderTest.MINIMAL), Map.of()).groups()).isEmpty();
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of("an unknown member", TWO + "    databases: [app, chian]\n",
            ":14: groups[0].databases[1]: 'chian' is not a configured database (did you mean "
                + "'chain'?)"),
        Arguments.of("a member named twice", TWO + "    databases: [app, chain, app]\n",
            ":14: groups[0].databases[2]: 'app' is already a member of this group"),
        Arguments.of("a streamed member", TWO.replace("path: app.db",
            "path: app.db\n    stream: {}") + "    databases: [app]\n",
            ":15: groups[0].databases[0]: 'app' is streamed; streaming stays per single "
                + "SQLite database"),
        Arguments.of("a stream inside a group", TWO + "    databases: [app]\n"
            + "    stream: {}\n", ":15: groups[0].stream: unknown field"),
        Arguments.of("no members", TWO, ":13: groups[0].databases: missing"),
        Arguments.of("a group named like a database", TWO.replace("- name: node",
            "- name: app") + "    databases: [chain]\n",
            ":13: groups[0].name: 'app' is already the name of a database"),
        Arguments.of("two groups of one name", TWO + "    databases: [app]\n"
            + "  - name: node\n    databases: [chain]\n",
            ":15: groups[1].name: 'node' is already the name of groups[0] (line 13)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void eachMistakeIsOneLineNamingFileLineAndField(String what, String yaml, String expected)
      throws Exception {
    Path file = write(yaml);
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file + expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("bulwark.yml");
    Files.writeString(f, yaml);
    return f;
  }
}
