package dev.bulwark.cli.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark demo} runs its whole cycle, the streamed SQLite ledger included: streamed
 * while a writer commits, restored to a past second, and found to be exactly the writer's
 * first rows up to that point. Slow: the demo calibrates a real key (about a second each time
 * the repository is opened) and writes for three seconds.
 */
@Slow
class DemoStreamTest {
  private static final Pattern RESTORED = Pattern.compile("restored ledger: (\\d+) rows, "
      + "exactly its first (\\d+) transactions; the writer had committed (\\d+) rows by \\S+: "
      + "consistent");

  @TempDir Path dir;

  @Test
  void theDemoStreamsRestoresToAPastSecondAndChecksIt() {
    Cli.Result r = Cli.withEnv(Map.of()).inProcess()
        .run("demo", "--dir", dir.resolve("demo").toString(), "--size", "1M");
    r.assertOk();
    assertThat(r.stdout()).contains("streaming ").contains("bulwark restore latest --db ")
        .contains(" --time ").contains("demo ok");
    Matcher m = RESTORED.matcher(r.stdout());
    assertThat(m.find()).as(r.stdout()).isTrue();
    long rows = Long.parseLong(m.group(1));
    assertThat(rows).as("a past second with rows before it").isPositive();
    assertThat(Long.parseLong(m.group(2))).isEqualTo(rows);
    assertThat(Long.parseLong(m.group(3))).isGreaterThanOrEqualTo(rows);
  }
}
