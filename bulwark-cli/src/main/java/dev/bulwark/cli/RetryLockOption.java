package dev.bulwark.cli;

import dev.bulwark.cli.config.DurationText;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.LockRequests;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --retry-lock DURATION}, restic's flag: when another process holds the repository
 * lock, keep trying for up to DURATION instead of failing at once, and meanwhile ask that
 * process's jobs that can yield (the daemon's verifications and scheduled backups) to stop at
 * their next checkpoint, through a request under {@code bulwark/lock-requests/}.
 */
final class RetryLockOption {
  @Option(names = "--retry-lock", paramLabel = "DURATION",
      description = "When the repository is locked, ask jobs that can yield (the daemon's "
          + "verifications and scheduled backups) to stop at their next checkpoint and retry "
          + "taking the lock for up to DURATION (e.g. 30s, 5m; default: fail at once).")
  String retryLock;

  /**
   * The lock, taken as {@code --retry-lock} says.
   *
   * @param purpose the command, named in the yielding job's log line
   * @throws UsageException if DURATION is not a positive duration
   */
  Lock lock(Repository r, boolean exclusive, String purpose)
      throws IOException, BulwarkException, UsageException {
    return new LockRequests(r).lock(exclusive, purpose, retryFor());
  }

  /** The duration the flag says, zero without it. */
  Duration retryFor() throws UsageException {
    if (retryLock == null) {
      return Duration.ZERO;
    }
    try {
      return DurationText.parse(retryLock);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--retry-lock: " + e.getMessage(), false);
    }
  }
}
