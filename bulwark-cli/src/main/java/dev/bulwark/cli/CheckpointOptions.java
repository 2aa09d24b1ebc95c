package dev.bulwark.cli;

import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.job.YieldFile;
import dev.bulwark.core.job.YieldSignal;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --checkpoint-every N} and {@code --yield-file PATH} of the long jobs (backup, restore,
 * check, prune): how often a job persists its progress, and the sentinel file that asks it to
 * stop at its next checkpoint. The interval falls back to {@code BULWARK_CHECKPOINT_EVERY},
 * then {@link CheckpointPolicy#DEFAULT_EVERY}.
 */
final class CheckpointOptions {
  private final Map<String, String> env;

  // A String, not an int: a value past Integer.MAX_VALUE must be our one-line usage error.
  @Option(names = "--checkpoint-every", paramLabel = "N",
      description = "Persist progress every N units (packs stored for backup; files restored, "
          + "packs read or repacked for the others), so a killed or yielded job resumes "
          + "there; at least 1 (default: $" + CheckpointPolicy.ENV + ", then "
          + CheckpointPolicy.DEFAULT_EVERY + ").")
  String every;

  @Option(names = "--yield-file", paramLabel = "PATH",
      description = "Stop at the next checkpoint while PATH exists, exit code 75 (run again "
          + "to resume); the file is never deleted.")
  Path yieldFile;

  /** Options reading their fallback from this process's environment. */
  CheckpointOptions() {
    this(System.getenv());
  }

  /** Options reading their fallback from {@code env}. */
  CheckpointOptions(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /**
   * The policy the flags and environment ask for.
   *
   * @throws UsageException naming the flag or variable if the interval is not a whole number
   *     from 1 to {@value Integer#MAX_VALUE}
   */
  CheckpointPolicy policy() throws UsageException {
    int n = CheckpointPolicy.DEFAULT_EVERY;
    if (every != null) {
      n = parse(every, "--checkpoint-every");
    } else if (env.get(CheckpointPolicy.ENV) != null) {
      n = parse(env.get(CheckpointPolicy.ENV), CheckpointPolicy.ENV);
    }
    YieldSignal signal = yieldFile == null ? YieldSignal.NEVER : new YieldFile(yieldFile);
    return new CheckpointPolicy(n, signal);
  }

  /** {@code text} as an interval, or a one-line usage error naming {@code source}. */
  static int parse(String text, String source) throws UsageException {
    String t = text.strip();
    long n;
    try {
      n = Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw new UsageException(source + " must be a whole number of at least 1, got '" + text
          + "'", false);
    }
    if (n < 1) {
      throw new UsageException(source + " must be at least 1, got " + t, false);
    }
    if (n > Integer.MAX_VALUE) {
      throw new UsageException(source + " must be at most " + Integer.MAX_VALUE + ", got " + t,
          false);
    }
    return (int) n;
  }
}
