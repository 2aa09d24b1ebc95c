package dev.bulwark.spring;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How one backup or verification ended.
 *
 * @param started when it began
 * @param took how long it ran
 * @param snapshotId the snapshot made (backup) or verified, when there was one
 * @param snapshotTime that snapshot's time
 * @param error one line, when it failed
 */
public record JobResult(Instant started, Duration took, Optional<String> snapshotId,
    Optional<Instant> snapshotTime, Optional<String> error) {

  /**
   * True if it succeeded.
   *
   * @return whether it succeeded
   */
  public boolean ok() {
    return error.isEmpty();
  }

  /**
   * When it ended.
   *
   * @return its start plus how long it took
   */
  public Instant ended() {
    return started.plus(took);
  }
}
