package dev.bulwark.cli;

import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.core.IncompleteBackupException;
import dev.bulwark.core.RepositoryLockedException;
import dev.bulwark.core.RepositoryNotFoundException;
import dev.bulwark.core.WrongPasswordException;
import dev.bulwark.core.job.JobYieldedException;
import java.io.InterruptedIOException;
import picocli.CommandLine;

/** The one place failures become exit codes; restic's numbers, 2 for usage as picocli does. */
final class ExitCodes {
  static final int OK = 0;
  static final int ERROR = 1;
  static final int USAGE = 2;
  static final int INCOMPLETE = 3;
  static final int NO_REPOSITORY = 10;
  static final int LOCKED = 11;
  static final int WRONG_PASSWORD = 12;
  /** sysexits' EX_TEMPFAIL: a job yielded at a checkpoint; run it again to resume. */
  static final int YIELDED = 75;
  static final int INTERRUPTED = 130;

  private ExitCodes() {}

  static int of(Throwable t) {
    // A configuration that names a wrong field is a usage error, as a wrong flag is.
    if (t instanceof CommandLine.ParameterException || t instanceof UsageException
        || t instanceof ConfigException) {
      return USAGE;
    }
    if (t instanceof IncompleteBackupException) {
      return INCOMPLETE;
    }
    if (t instanceof RepositoryNotFoundException) {
      return NO_REPOSITORY;
    }
    if (t instanceof RepositoryLockedException) {
      return LOCKED;
    }
    if (t instanceof WrongPasswordException) {
      return WRONG_PASSWORD;
    }
    if (t instanceof JobYieldedException) {
      return YIELDED;
    }
    if (t instanceof InterruptedIOException || t instanceof InterruptedException) {
      return INTERRUPTED;
    }
    return ERROR;
  }
}
