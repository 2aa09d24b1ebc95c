package dev.bulwark.cli.daemon;

/** Where a job is in its life. */
public enum JobState {
  QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

  /** True once the job has ended, however it ended. */
  public boolean isDone() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
