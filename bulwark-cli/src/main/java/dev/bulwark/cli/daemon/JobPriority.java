package dev.bulwark.cli.daemon;

/**
 * How urgent a daemon job is. The supervisor runs the most urgent queued job first (first
 * asked, first run among equals), and when a job is queued while a less urgent one runs, it asks
 * the running one to yield at its next checkpoint.
 */
public enum JobPriority {
  /** Someone is waiting: {@code backup_now} over the API, the start-up restore. */
  URGENT,
  /** The schedule's backups. */
  NORMAL,
  /** Work that may wait: verification and other checks. */
  LOW;

  /** True if a job of this priority should make a running job of {@code other} yield. */
  boolean preempts(JobPriority other) {
    return compareTo(other) < 0;
  }
}
