package dev.bulwark.cli.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.ConfigSource;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.cli.config.StreamConfig;
import dev.bulwark.cli.daemon.Daemon;
import dev.bulwark.cli.http.ApiServer;
import dev.bulwark.cli.testing.Browser;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.Slow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real headless Chromium shows a streamed database's stream: its state,
 * what is not shipped yet, the last shipped transaction and the restore estimate.
 */
@Slow
class StreamStatusPageTest {
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  private static final String TOKEN = "stream-status-page-token";

  @TempDir Path dir;

  @Test
  void theStatusPageShowsTheStream() throws Exception {
    Path repo = dir.resolve("repo");
    Repository.init(LocalBackend.open(repo), Cli.PASSWORD.getBytes(StandardCharsets.UTF_8),
        new Kdf.Params(1024, 8, 1)).close();
    Path token = Files.writeString(dir.resolve("token"), TOKEN);
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    Path db = dir.resolve("app.db");
    StreamedDatabase.create(db);
    DatabaseConfig app = new DatabaseConfig("app", DatabaseType.SQLITE, db, List.of(), null,
        null, null, false, new StreamConfig(Duration.ofMillis(200), null));
    BulwarkConfig config = new BulwarkConfig(dir.resolve("bulwark.yml"), repo.toString(),
        Cli.passwordFile(dir, Cli.PASSWORD), List.of(),
        new ApiConfig("127.0.0.1", 0, token, true), List.of(app));
    ConfigSource noReload = () -> {
      throw new ConfigException("no reload here");
    };
    try (Daemon daemon = Daemon.open(config, noReload, Clock.systemUTC(), Duration.ZERO);
        ApiServer api = new ApiServer(config.api(), daemon);
        Browser browser = Browser.start(dir)) {
      api.start();
      daemon.start();
      StreamedDatabase.insert(db, 20);
      browser.navigate("http://127.0.0.1:" + api.port() + "/#token=" + TOKEN);
      String facts = await(browser, "section.db[data-db=\"app\"] dl.facts");
      assertThat(facts).containsPattern("Stream\\s+streaming")
          .containsPattern("Unshipped \\(live RPO\\)\\s+[0-9.]+ m?s · [0-9.]+ (B|KiB) pending")
          .containsPattern("Last shipped\\s+transaction \\d+ of generation [0-9a-f]{16}")
          .containsPattern("Estimated restore\\s+[0-9.]+ m?s");
    }
  }

  /**
   * The text of {@code css} once it shows the stream with a shipped position (the page renders
   * when loaded, then every 15 s).
   */
  private static String await(Browser b, String css) throws Exception {
    Instant end = Instant.now().plus(DEADLINE);
    Pattern shipped = Pattern.compile("transaction \\d+ of generation");
    String last = "nothing yet";
    while (Instant.now().isBefore(end)) {
      try {
        last = b.text(b.find(css));
        if (shipped.matcher(last).find()) {
          return last;
        }
      } catch (Browser.WebDriverError e) {
        last = e.getMessage();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the page never showed the stream; last: " + last);
  }
}
