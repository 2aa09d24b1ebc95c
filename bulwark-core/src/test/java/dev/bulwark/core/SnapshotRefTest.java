package dev.bulwark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SnapshotRefTest {

  @Test
  void theCommandLineWordsBecomeTypedReferences() {
    assertThat(SnapshotRef.parse("latest")).isEqualTo(SnapshotRef.latest())
        .isInstanceOf(SnapshotRef.Latest.class);
    assertThat(SnapshotRef.parse("4f2a9c1e")).isEqualTo(SnapshotRef.id("4f2a9c1e"))
        .isInstanceOf(SnapshotRef.IdPrefix.class);
    assertThat(SnapshotRef.parse("Latest")).as("only the exact word, as restic")
        .isInstanceOf(SnapshotRef.IdPrefix.class);
  }

  @Test
  void aTimeIsItsOwnKind() {
    Instant t = Instant.parse("2026-12-01T10:00:00Z");
    assertThat(SnapshotRef.at(t)).isEqualTo(new SnapshotRef.At(t))
        .isNotEqualTo(SnapshotRef.at(t.plusSeconds(1)));
    assertThat(SnapshotRef.at(t).toString()).contains("2026-12-01T10:00:00Z");
    assertThatThrownBy(() -> SnapshotRef.at(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> SnapshotRef.id(null)).isInstanceOf(NullPointerException.class);
  }
}
