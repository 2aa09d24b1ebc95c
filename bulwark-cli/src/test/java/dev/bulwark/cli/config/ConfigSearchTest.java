package dev.bulwark.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which file is loaded when none, one or several places hold one. */
class ConfigSearchTest {
  @TempDir Path dir;

  @Test
  void looksInTheDocumentedOrder() {
    Path cwd = dir.resolve("cwd");
    assertThat(ConfigSearch.places(Map.of("XDG_CONFIG_HOME", "/xdg", "HOME", "/home/u"), cwd))
        .containsExactly(cwd.resolve("bulwark.yml"), Path.of("/xdg/bulwark/bulwark.yml"),
            Path.of("/etc/bulwark/bulwark.yml"));
    assertThat(ConfigSearch.places(Map.of("HOME", "/home/u"), cwd))
        .containsExactly(cwd.resolve("bulwark.yml"),
            Path.of("/home/u/.config/bulwark/bulwark.yml"), Path.of("/etc/bulwark/bulwark.yml"));
  }

  @Test
  void explicitBeatsEnvironmentBeatsWorkingDirectoryBeatsXdg() throws Exception {
    Path cwd = Files.createDirectories(dir.resolve("cwd"));
    Path xdg = Files.createDirectories(dir.resolve("xdg/bulwark"));
    Path inXdg = Files.writeString(xdg.resolve("bulwark.yml"), "x");
    Map<String, String> env = Map.of("XDG_CONFIG_HOME", dir.resolve("xdg").toString());
    assertThat(ConfigSearch.find(null, env, cwd)).isEqualTo(inXdg);

    Path inCwd = Files.writeString(cwd.resolve("bulwark.yml"), "x");
    assertThat(ConfigSearch.find(null, env, cwd)).isEqualTo(inCwd);

    Path named = Files.writeString(dir.resolve("named.yml"), "x");
    Map<String, String> withVar = Map.of("XDG_CONFIG_HOME", dir.resolve("xdg").toString(),
        "BULWARK_CONFIG", named.toString());
    assertThat(ConfigSearch.find(null, withVar, cwd)).isEqualTo(named);

    Path flag = Files.writeString(dir.resolve("flag.yml"), "x");
    assertThat(ConfigSearch.find(flag, withVar, cwd)).isEqualTo(flag);
  }

  @Test
  void aNamedFileThatIsMissingIsAnErrorNotAFallBack() throws Exception {
    Path cwd = Files.createDirectories(dir.resolve("cwd"));
    Files.writeString(cwd.resolve("bulwark.yml"), "x");
    Path missing = dir.resolve("missing.yml");
    assertThatThrownBy(() -> ConfigSearch.find(missing, Map.of(), cwd))
        .isInstanceOf(ConfigException.class).hasMessage("--config: no such file: " + missing);
    assertThatThrownBy(() -> ConfigSearch.find(null,
        Map.of("BULWARK_CONFIG", missing.toString()), cwd))
        .hasMessage("BULWARK_CONFIG: no such file: " + missing);
  }

  @Test
  void noFileAnywhereListsWhereItLooked() {
    Assumptions.assumeFalse(Files.exists(ConfigSearch.SYSTEM_FILE), "this machine has one");
    Path cwd = dir.resolve("cwd");
    Map<String, String> env = Map.of("XDG_CONFIG_HOME", dir.resolve("xdg").toString());
    assertThatThrownBy(() -> ConfigSearch.find(null, env, cwd))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("no configuration file: looked for " + cwd.resolve("bulwark.yml")
            + ", " + dir.resolve("xdg/bulwark/bulwark.yml") + ", /etc/bulwark/bulwark.yml");
  }
}
