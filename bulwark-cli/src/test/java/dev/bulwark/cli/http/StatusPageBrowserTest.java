package dev.bulwark.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Browser;
import dev.bulwark.cli.testing.Browser.WebDriverError;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in real headless Chromium: it reads the token from the fragment, lists the
 * database, and its "Back up now" button makes a real snapshot that then appears on the page.
 */
@Slow
class StatusPageBrowserTest {
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  private static final String DB = "section.db[data-db=\"ledger\"]";

  @TempDir Path dir;

  /** Polls {@code probe} until it returns a non-null value; WebDriver misses count as "not yet". */
  private static <T> T await(String what, Callable<T> probe) throws Exception {
    Instant deadline = Instant.now().plus(DEADLINE);
    String last = "nothing yet";
    while (Instant.now().isBefore(deadline)) {
      try {
        T v = probe.call();
        if (v != null) {
          return v;
        }
      } catch (WebDriverError e) {
        // The page re-renders as it refreshes: an element may vanish between find and read.
        last = e.getMessage();
      }
    }
    throw new AssertionError("timed out waiting for " + what + "; last: " + last);
  }

  private static List<String> snapshotIds(Browser b) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String row : b.findAll(DB + " tr.snapshot")) {
      ids.add(b.attribute(row, "data-snapshot-id"));
    }
    return ids;
  }

  @Test
  void backUpNowButtonMakesASnapshotThatAppearsOnThePage() throws Exception {
    try (ApiFixture api = new ApiFixture(dir, "ledger");
        Browser browser = Browser.start(dir)) {
      String first = api.result("backup_now", "{\"database\":\"ledger\"}").path("jobs").get(0)
          .path("snapshot_id").asText();
      browser.navigate("http://127.0.0.1:" + api.server.port() + "/#token=" + api.token);

      String name = await("the database to be listed", () -> {
        String t = browser.text(browser.find(DB + " .db-name"));
        return t.isEmpty() ? null : t;
      });
      assertThat(name).isEqualTo("ledger");
      // The page took the token out of the address bar.
      assertThat(browser.currentUrl()).doesNotContain(api.token);
      List<String> before = await("the first snapshot to be listed",
          () -> snapshotIds(browser).contains(first) ? snapshotIds(browser) : null);
      assertThat(before).containsExactly(first);

      await("the button to be clicked", () -> {
        String button = browser.find(DB + " button.backup-now");
        assertThat(browser.text(button)).isEqualTo("Back up now");
        browser.click(button);
        return true;
      });

      Set<String> known = new HashSet<>(before);
      String added = await("a new snapshot on the page", () -> snapshotIds(browser).stream()
          .filter(id -> !known.contains(id)).findFirst().orElse(null));

      assertThat(added).matches("[0-9a-f]{64}");
      assertThat(api.daemon.snapshots("ledger").stream().map(Snapshot::id)
          .map(Object::toString)).containsExactlyInAnyOrder(first, added);
      String shown = browser.text(browser.find(DB + " tr.snapshot .snapshot-id"));
      assertThat(added).startsWith(shown);
    }
  }
}
