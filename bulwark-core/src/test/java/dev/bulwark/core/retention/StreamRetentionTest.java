package dev.bulwark.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StreamRetentionTest {
  private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

  @Test
  void parsesDaysHoursMinutesAndSecondsLargestFirst() {
    assertThat(StreamRetention.parse("24h").window()).isEqualTo(Duration.ofHours(24));
    assertThat(StreamRetention.parse(" 1d12h ").window()).isEqualTo(Duration.ofHours(36));
    assertThat(StreamRetention.parse("90m").window()).isEqualTo(Duration.ofMinutes(90));
    assertThat(StreamRetention.parse("1h30m15s").window())
        .isEqualTo(Duration.ofSeconds(5415));
    for (String bad : new String[] {"", "24", "h", "1h1d", "1h1h", "0s", "-1h", "1.5h", "1w"}) {
      assertThatThrownBy(() -> StreamRetention.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad.strip());
    }
  }

  @Test
  void theCutoffIsTheWindowBackFromNowAndKeepAllHasNone() {
    assertThat(StreamRetention.within(Duration.ofHours(2)).cutoff(NOW))
        .isEqualTo(NOW.minus(Duration.ofHours(2)));
    assertThat(StreamRetention.KEEP_ALL.keepsAll()).isTrue();
    assertThat(StreamRetention.KEEP_ALL.cutoff(NOW)).isEqualTo(Instant.MIN);
    Duration beyondTime = Duration.between(Instant.MIN, NOW).plusDays(1);
    assertThat(StreamRetention.within(beyondTime).cutoff(NOW)).isEqualTo(Instant.MIN);
    assertThat(StreamRetention.parse("24h").keepsAll()).isFalse();
    assertThatThrownBy(() -> StreamRetention.within(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
