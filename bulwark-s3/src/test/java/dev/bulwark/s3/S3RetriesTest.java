package dev.bulwark.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retry settings: users keep the documented budget; tests can shorten the waits. */
class S3RetriesTest {
  @Test
  void withoutSettingsRequestsGetTenAttemptsAndBackoffFrom200MillisecondsTo20Seconds()
      throws Exception {
    S3Retries r = S3Retries.from(Map.of());
    assertThat(r).isEqualTo(S3Retries.DEFAULT);
    assertThat(r.attempts()).isEqualTo(10);
    assertThat(r.firstBackoff()).isEqualTo(Duration.ofMillis(200));
    assertThat(r.firstThrottlingBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(r.maxBackoff()).isEqualTo(Duration.ofSeconds(20));
    assertThat(r.bodyAttempts()).isEqualTo(6);
    assertThat(r.bodyBackoffCapMillis(1)).isEqualTo(200);
    assertThat(r.bodyBackoffCapMillis(2)).isEqualTo(400);
    assertThat(r.bodyBackoffCapMillis(6)).isEqualTo(5_000);
    assertThat(r.bodyBackoffCapMillis(60)).isEqualTo(5_000);
  }

  @Test
  void theEnvironmentShortensTheBackoffAndSetsTheAttempts() throws Exception {
    S3Retries r = S3Retries.from(Map.of("BULWARK_S3_ATTEMPTS", " 3 ",
        "BULWARK_S3_BACKOFF_MS", "10"));
    assertThat(r.attempts()).isEqualTo(3);
    assertThat(r.bodyAttempts()).isEqualTo(3);
    assertThat(r.maxBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(r.bodyBackoffCapMillis(20)).isEqualTo(250);
  }

  @Test
  void aBadSettingIsRefusedInOneLineNamingIt() {
    assertThatThrownBy(() -> S3Retries.from(Map.of("BULWARK_S3_ATTEMPTS", "0")))
        .isInstanceOf(BulwarkException.class)
        .hasMessage("BULWARK_S3_ATTEMPTS must be a number from 1 to 100, not '0'");
    assertThatThrownBy(() -> S3Retries.from(Map.of("BULWARK_S3_BACKOFF_MS", "1s")))
        .isInstanceOf(BulwarkException.class)
        .hasMessageStartingWith("BULWARK_S3_BACKOFF_MS must be a number from 1 to 10000");
  }
}
