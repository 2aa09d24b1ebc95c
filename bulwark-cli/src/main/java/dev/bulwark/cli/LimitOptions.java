package dev.bulwark.cli;

import dev.bulwark.core.backend.RateLimits;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --limit-upload} and {@code --limit-download} (a picocli mixin), in KiB/s as restic's
 * flags of the same names: 0 means unlimited. A flag wins over {@code BULWARK_LIMIT_UPLOAD} /
 * {@code BULWARK_LIMIT_DOWNLOAD}; a negative or non-numeric value is a usage error.
 */
final class LimitOptions {
  static final String UPLOAD_VARIABLE = "BULWARK_LIMIT_UPLOAD";
  static final String DOWNLOAD_VARIABLE = "BULWARK_LIMIT_DOWNLOAD";

  @Option(names = "--limit-upload", paramLabel = "KiB/s", description = "Upload at most this "
      + "many KiB per second, all transfers together; 0 = unlimited (default: "
      + "$" + UPLOAD_VARIABLE + ", else unlimited).")
  Long upload;

  @Option(names = "--limit-download", paramLabel = "KiB/s", description = "Download at most "
      + "this many KiB per second, all transfers together; 0 = unlimited (default: "
      + "$" + DOWNLOAD_VARIABLE + ", else unlimited).")
  Long download;

  /** The limits: each flag, else its variable in {@code env}, else unlimited. */
  RateLimits rateLimits(Map<String, String> env) throws UsageException {
    return new RateLimits(
        value("--limit-upload", upload, UPLOAD_VARIABLE, env),
        value("--limit-download", download, DOWNLOAD_VARIABLE, env));
  }

  private static long value(String flag, Long given, String variable, Map<String, String> env)
      throws UsageException {
    String from = flag;
    long v;
    if (given != null) {
      v = given;
    } else {
      String text = env.get(variable);
      if (text == null || text.isBlank()) {
        return 0;
      }
      from = variable;
      try {
        v = Long.parseLong(text.strip());
      } catch (NumberFormatException e) {
        throw new UsageException(variable + ": '" + text + "' is not a number of KiB/s "
            + "(0 = unlimited)", false);
      }
    }
    if (v < 0) {
      throw new UsageException(from + ": " + v + " is negative; give KiB/s, or 0 for "
          + "unlimited");
    }
    if (v > Long.MAX_VALUE / 1024) {
      throw new UsageException(from + ": " + v + " KiB/s is too large; 0 means unlimited");
    }
    return v;
  }
}
