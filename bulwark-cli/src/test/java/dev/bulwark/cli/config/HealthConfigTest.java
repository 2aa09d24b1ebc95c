package dev.bulwark.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code health:} in bulwark.yml: intervals or a fixed age, the lag, and bad values. */
class HealthConfigTest {
  private static final String BASE = "repository: /r\npassword-file: /pw\n"
      + "api: {enabled: false}\n";

  @TempDir Path dir;

  @Test
  void withoutTheBlockASnapshotIsStaleAfterTwoIntervalsAndAStreamLagsAfterAMinute()
      throws Exception {
    HealthConfig h = ConfigLoader.load(write(BASE), Map.of()).api().health();
    assertThat(h).isEqualTo(HealthConfig.DEFAULTS);
    assertThat(h.allowedAge(Duration.ofHours(1))).isEqualTo(Duration.ofHours(2));
    assertThat(h.maxStreamLag()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void staleAfterIsANumberOfIntervalsOrAFixedAge() throws Exception {
    HealthConfig h = ConfigLoader.load(write(BASE
        + "health: {stale-after: 1.5x, max-stream-lag: 30s}\n"), Map.of()).api().health();
    assertThat(h.allowedAge(Duration.ofHours(2))).isEqualTo(Duration.ofHours(3));
    assertThat(h.staleAfterText()).isEqualTo("1.5x");
    assertThat(h.maxStreamLag()).isEqualTo(Duration.ofSeconds(30));
    HealthConfig fixed = ConfigLoader.load(write(BASE + "health: {stale-after: 6h}\n"),
        Map.of()).api().health();
    assertThat(fixed.allowedAge(Duration.ofMinutes(5))).isEqualTo(Duration.ofHours(6));
    assertThat(fixed.allowedAge(Duration.ofDays(1))).isEqualTo(Duration.ofHours(6));
    assertThat(fixed.staleAfterText()).isEqualTo("6h");
  }

  @Test
  void theEnvironmentOverridesTheFile() throws Exception {
    HealthConfig h = ConfigLoader.load(write(BASE + "health: {stale-after: 3x}\n"),
        Map.of("BULWARK_HEALTH_STALE_AFTER", "4x")).api().health();
    assertThat(h.allowedAge(Duration.ofHours(1))).isEqualTo(Duration.ofHours(4));
  }

  @Test
  void aBadValueIsOneLineNamingTheField() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(write(BASE + "health: {stale-after: soon}\n"),
        Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("health.stale-after: 'soon' is neither a number of schedule "
            + "intervals (2x, 1.5x) nor a duration (use 30s, 15m, 1h, 1d)")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> ConfigLoader.load(write(BASE + "health: {stale-after: 0.5x}\n"),
        Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("health.stale-after: '0.5x' is less than one interval");
    assertThatThrownBy(() -> ConfigLoader.load(write(BASE + "health: {max-stream-lag: x}\n"),
        Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("health.max-stream-lag: 'x' is not a duration");
    assertThatThrownBy(() -> ConfigLoader.load(write(BASE + "health: {stale: 2x}\n"),
        Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("health");
  }

  private Path write(String text) throws Exception {
    return Files.writeString(dir.resolve("bulwark.yml"), text);
  }
}
