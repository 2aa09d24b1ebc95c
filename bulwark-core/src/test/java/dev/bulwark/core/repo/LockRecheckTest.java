package dev.bulwark.core.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The lock's re-check wait can be shortened for tests, never lengthened past restic's. */
class LockRecheckTest {
  @Test
  void withoutASettingTheWaitIsRestics200Milliseconds() {
    assertThat(Lock.recheckAfter(null)).isEqualTo(Duration.ofMillis(200));
    assertThat(Lock.recheckAfter(" ")).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void aShorterSettingIsUsed() {
    assertThat(Lock.recheckAfter("10")).isEqualTo(Duration.ofMillis(10));
    assertThat(Lock.recheckAfter(" 0 ")).isEqualTo(Duration.ZERO);
  }

  @Test
  void aLongerNegativeOrGarbledSettingKeepsTheDefault() {
    assertThat(Lock.recheckAfter("5000")).isEqualTo(Duration.ofMillis(200));
    assertThat(Lock.recheckAfter("-1")).isEqualTo(Duration.ofMillis(200));
    assertThat(Lock.recheckAfter("10ms")).isEqualTo(Duration.ofMillis(200));
  }
}
