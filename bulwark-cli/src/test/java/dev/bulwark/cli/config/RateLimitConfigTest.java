package dev.bulwark.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.backend.RateLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code limit-upload} / {@code limit-download} in bulwark.yml: flag over variable over file. */
class RateLimitConfigTest {
  private static final String FILE = """
      repository: /r
      password-file: /pw
      api: {enabled: false}
      limit-upload: 100
      limit-download: 200
      """;

  @TempDir Path dir;

  @Test
  void theFileSetsBothLimitsAndTheyDefaultToUnlimited() throws Exception {
    assertThat(ConfigLoader.load(write(FILE), Map.of()).limits())
        .isEqualTo(new RateLimits(100, 200));
    Path plain = write("repository: /r\npassword-file: /pw\napi: {enabled: false}\n");
    assertThat(ConfigLoader.load(plain, Map.of()).limits()).isEqualTo(RateLimits.UNLIMITED);
  }

  @Test
  void aFlagWinsOverTheVariableWhichWinsOverTheFile() throws Exception {
    ConfigOptions options = new ConfigOptions();
    new CommandLine(options).parseArgs("--config", write(FILE).toString(),
        "--limit-upload", "7");
    EffectiveConfig ec = options.resolve(Map.of("BULWARK_LIMIT_UPLOAD", "50",
        "BULWARK_LIMIT_DOWNLOAD", "60"));
    assertThat(ec.config().limits()).isEqualTo(new RateLimits(7, 60));
    assertThat(ec.origin("limit-upload").orElseThrow().source()).isEqualTo("--limit-upload");
    assertThat(ec.origin("limit-download").orElseThrow().source())
        .isEqualTo("BULWARK_LIMIT_DOWNLOAD");
  }

  @Test
  void aNegativeOrWordyLimitNamesWhereItCameFrom() throws Exception {
    Path file = write(FILE);
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("BULWARK_LIMIT_UPLOAD", "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("BULWARK_LIMIT_UPLOAD: limit-upload: -1 cannot be negative");
    assertThatThrownBy(() -> ConfigLoader.resolve(file, Map.of(),
        List.of(new FlagOverride("--limit-download", "limit-download", "fast"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--limit-download: limit-download: 'fast' is not a whole number");
  }

  private Path write(String text) throws Exception {
    Path f = dir.resolve("bulwark-" + System.nanoTime() + ".yml");
    Files.writeString(f, text);
    return f;
  }
}
