package dev.bulwark.cli.daemon;

/**
 * Where a job is in its life. {@link #YIELDED} is not a failure: the job stopped at a
 * checkpoint for something more urgent, and a new job of the same kind resumes it.
 */
public enum JobState {
  QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, YIELDED;

  /** True once the job has ended, however it ended. */
  public boolean isDone() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == YIELDED;
  }
}
