package dev.bulwark.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaseOptionsTest {
  @Test
  void defaultsToThirtySecondsAndTheKernelsHostName() {
    LeaseOptions o = LeaseOptions.fromEnvironment(Map.of(), "node-1");
    assertThat(o.expiry()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.host()).isEqualTo("node-1");
  }

  @Test
  void theEnvironmentSetsExpiryAndHost() {
    LeaseOptions o = LeaseOptions.fromEnvironment(Map.of("BULWARK_LEASE_EXPIRY", "1500ms",
        "BULWARK_LEASE_HOST", " other "), "node-1");
    assertThat(o.expiry()).isEqualTo(Duration.ofMillis(1500));
    assertThat(o.host()).isEqualTo("other");
    assertThat(LeaseOptions.fromEnvironment(Map.of("BULWARK_LEASE_EXPIRY", "2m"), "h").expiry())
        .isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void refusesAnExpiryThatIsNoDurationOrOutOfRange() {
    for (String bad : new String[] {"30", "1h", "-5s", "100ms", "61m"}) {
      assertThatThrownBy(() -> LeaseOptions.fromEnvironment(
          Map.of("BULWARK_LEASE_EXPIRY", bad), "h"))
          .as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
