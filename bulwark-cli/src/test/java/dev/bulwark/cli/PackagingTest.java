package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigLoader;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.RepositoryConfig;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code packaging/}: the example {@code /etc/bulwark/bulwark.yml} is a valid configuration for
 * the real binder, and the systemd unit is one systemd accepts (where {@code systemd-analyze}
 * is installed; CI need not have it) with the hardening its README promises.
 */
class PackagingTest {
  // Tests run in bulwark-cli/: the packaging folder is beside it.
  private static final Path PACKAGING = Path.of("..", "packaging").toAbsolutePath().normalize();
  private static final Path UNIT = PACKAGING.resolve("bulwark.service");

  @Test
  void theExampleConfigurationParsesWithTheRealBinder() throws Exception {
    BulwarkConfig c = ConfigLoader.load(PACKAGING.resolve("bulwark.yml"), Map.of());
    assertThat(c.repository()).isEqualTo("/var/backups/bulwark");
    assertThat(c.passwordFile()).isEqualTo(Path.of("/etc/bulwark/password"));
    assertThat(c.api().enabled()).isTrue();
    assertThat(c.api().tokenFile()).isEqualTo(Path.of("/etc/bulwark/api-token"));
    assertThat(c.api().health().allowedAge(Duration.ofHours(1))).isEqualTo(Duration.ofHours(2));
    assertThat(c.databases()).extracting(DatabaseConfig::name).containsExactly("app");
    DatabaseConfig app = c.databases().get(0);
    assertThat(app.path()).isEqualTo(Path.of("/srv/app/app.db"));
    assertThat(app.isStreamed()).isTrue();
    RepositoryConfig offsite = c.repository("offsite").orElseThrow();
    assertThat(offsite.s3().secretKeyFile()).isEqualTo(Path.of("/etc/bulwark/s3-secret-key"));
    assertThat(c.targets(app)).hasSize(2);
    // The unit may write where the example keeps its databases and its local repository.
    String rw = directive("ReadWritePaths");
    assertThat(rw.split(" ")).contains(app.path().getParent().toString(), c.repository());
  }

  @Test
  void theUnitRunsTheDaemonAsItsOwnUserWithTheHardeningDocumented() throws Exception {
    assertThat(directive("User")).isEqualTo("bulwark");
    assertThat(directive("Group")).isEqualTo("bulwark");
    assertThat(directive("ExecStart")).endsWith("run --config /etc/bulwark/bulwark.yml")
        .contains("-Djava.io.tmpdir=/var/lib/bulwark/tmp");
    assertThat(directive("StateDirectory").split(" ")).contains("bulwark", "bulwark/tmp");
    assertThat(directive("Restart")).isEqualTo("on-failure");
    assertThat(directive("NoNewPrivileges")).isEqualTo("yes");
    assertThat(directive("ProtectSystem")).isEqualTo("strict");
    assertThat(directive("ProtectHome")).isEqualTo("yes");
    assertThat(directive("PrivateTmp")).isEqualTo("yes");
    assertThat(directive("PrivateDevices")).isEqualTo("yes");
    assertThat(directive("CapabilityBoundingSet")).isEmpty();
    assertThat(directive("UMask")).isEqualTo("0077");
    assertThat(Integer.parseInt(directive("LimitNOFILE"))).isGreaterThanOrEqualTo(65536);
    // The JIT writes and runs code: this setting would stop the JVM at start.
    assertThat(Files.readString(UNIT)).doesNotContainPattern("(?m)^MemoryDenyWriteExecute=");
  }

  @Test
  void systemdAcceptsTheUnit() throws Exception {
    Path analyze = onPath("systemd-analyze");
    Assumptions.assumeTrue(analyze != null, "systemd-analyze is not installed");
    Process p = new ProcessBuilder(analyze.toString(), "verify", UNIT.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).as("warnings about the unit").doesNotContain("bulwark.service");
  }

  /** The value of the unit's only line {@code name=...}. */
  private static String directive(String name) throws Exception {
    List<String> values = Files.readAllLines(UNIT).stream()
        .filter(l -> l.startsWith(name + "=")).map(l -> l.substring(name.length() + 1).strip())
        .toList();
    assertThat(values).as(name).hasSize(1);
    return values.get(0);
  }

  private static Path onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
