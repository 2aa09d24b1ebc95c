package dev.bulwark.core.job;

import dev.bulwark.core.BulwarkException;

/**
 * A job stopped at a checkpoint because something more urgent asked it to. Not a failure: its
 * progress up to that checkpoint is persisted, and running the same job again resumes from it.
 */
public final class JobYieldedException extends BulwarkException {
  private static final long serialVersionUID = 1L;
  /** What yielded, for people. */
  private final String job;
  /** Why it yielded. */
  private final String reason;

  /**
   * @param job what yielded, for people ({@code "backup of /srv/app/app.db"})
   * @param reason why, as {@link YieldSignal#requested} said
   */
  public JobYieldedException(String job, String reason) {
    super(job + " yielded at a checkpoint (" + reason + "); run it again to resume");
    this.job = job;
    this.reason = reason;
  }

  /**
   * What yielded.
   *
   * @return e.g. {@code "backup of /srv/app/app.db"}
   */
  public String job() {
    return job;
  }

  /**
   * Why it yielded, as the yield signal said.
   *
   * @return e.g. {@code "backup_now requested over the API"}
   */
  public String reason() {
    return reason;
  }
}
