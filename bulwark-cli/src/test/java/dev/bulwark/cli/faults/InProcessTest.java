package dev.bulwark.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The campaigns' judge of a run: clear failures (our exceptions, I/O errors, usage errors) pass,
 * a runtime exception or a hang does not. The campaigns themselves are in the slow tier.
 */
class InProcessTest {
  private static final Duration LIMIT = Duration.ofMinutes(1);

  @TempDir Path dir;

  @Test
  void aMissingRepositoryIsAClearFailure() throws Exception {
    InProcess.Run r = InProcess.run(LIMIT, "snapshots", "--repo",
        dir.resolve("none").toString());
    assertThat(r.exitCode()).as(r.err()).isEqualTo(10);
    assertThat(r.err()).startsWith("bulwark: ");
    assertThat(r.unclearError()).isNull();
  }

  @Test
  void aUsageErrorIsAClearFailure() throws Exception {
    InProcess.Run r = InProcess.run(LIMIT, "no-such-command");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.unclearError()).isNull();
  }

  @Test
  void aRuntimeExceptionOrAHangIsNot() {
    InProcess.Run npe = new InProcess.Run(1, "", "bulwark: boom\n"
        + "java.lang.NullPointerException: boom\n\tat dev.bulwark.X.y(X.java:1)\n");
    assertThat(npe.unclearError())
        .isEqualTo("internal error (java.lang.NullPointerException) for: bulwark: boom");
    assertThat(new InProcess.Run(-1, "", "").unclearError()).contains("hang");
    assertThat(new InProcess.Run(1, "", "Exception in thread main").unclearError())
        .contains("without a 'bulwark:' line");
  }
}
