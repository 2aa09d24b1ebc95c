package dev.bulwark.core.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplicationOptionsTest {
  private static final ReplicationOptions DEFAULTS = ReplicationOptions.defaults();

  @Test
  void withoutACeilingSegmentsShipEverySyncInterval() {
    assertEquals(Duration.ofSeconds(1), DEFAULTS.shippingInterval());
    assertEquals(Duration.ofMillis(250),
        DEFAULTS.withSyncInterval(Duration.ofMillis(250)).shippingInterval());
  }

  @Test
  void aCeilingLeavesHalfOfItsUploadsToCompaction() {
    assertEquals(Duration.ofSeconds(2), DEFAULTS.withMaxRequestsPerHour(3600).shippingInterval());
    assertEquals(Duration.ofMinutes(2), DEFAULTS.withMaxRequestsPerHour(60).shippingInterval());
    assertEquals(Duration.ofHours(1), DEFAULTS.withMaxRequestsPerHour(1).shippingInterval());
    assertEquals(Duration.ofMinutes(5), DEFAULTS.withSyncInterval(Duration.ofMinutes(5))
        .withMaxRequestsPerHour(3600).shippingInterval(), "a longer interval wins");
  }

  @Test
  void nonsenseIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withMaxRequestsPerHour(-1));
    assertThrows(IllegalArgumentException.class,
        () -> DEFAULTS.withSyncInterval(Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> DEFAULTS.withSnapshotInterval(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withDatabaseId("../x"));
  }
}
