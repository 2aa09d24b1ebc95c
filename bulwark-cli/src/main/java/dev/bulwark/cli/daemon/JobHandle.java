package dev.bulwark.cli.daemon;

import java.time.Duration;

/** A job queued or running under the daemon's supervisor. */
public interface JobHandle {
  /** Its state now. */
  JobStatus status();

  /**
   * Waits until the job ends or the timeout passes, and returns its state then.
   *
   * @throws InterruptedException if the waiting thread is interrupted
   */
  JobStatus await(Duration timeout) throws InterruptedException;
}
