package dev.bulwark.core.stream;

import java.time.Duration;
import java.util.Map;

/**
 * How a replicator holds its stream's lease.
 *
 * @param expiry how long the lease lasts without renewal (default 30 s); it is renewed every
 *     third of it, and another replicator takes it over only after seeing it unchanged for this
 *     long
 * @param host the host name recorded in the lease; a lease of this host whose process is gone
 *     is taken over at once
 */
public record LeaseOptions(Duration expiry, String host) {
  /** The default expiry, 30 seconds. */
  public static final Duration DEFAULT_EXPIRY = Duration.ofSeconds(30);
  /** Environment variable overriding the expiry (a duration such as {@code 30s}). */
  public static final String EXPIRY_VARIABLE = "BULWARK_LEASE_EXPIRY";
  /** Environment variable overriding the host name recorded in leases. */
  public static final String HOST_VARIABLE = "BULWARK_LEASE_HOST";

  public LeaseOptions {
    if (expiry.compareTo(Duration.ofMillis(300)) < 0
        || expiry.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("lease expiry must be between 300 ms and 1 h: "
          + expiry);
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("a lease needs a host name");
    }
  }

  /**
   * The expiry and host from {@code BULWARK_LEASE_EXPIRY} ({@code 500ms}, {@code 30s},
   * {@code 2m}) and {@code BULWARK_LEASE_HOST} where set, else 30 s and this host's name.
   *
   * @throws IllegalArgumentException if the expiry is set but is not a duration in range
   */
  public static LeaseOptions fromEnvironment(Map<String, String> env, String hostName) {
    String e = env.get(EXPIRY_VARIABLE);
    String h = env.get(HOST_VARIABLE);
    Duration expiry = e == null || e.isBlank() ? DEFAULT_EXPIRY : parse(e.trim());
    return new LeaseOptions(expiry, h == null || h.isBlank() ? hostName : h.trim());
  }

  private static Duration parse(String s) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})(ms|s|m)")
        .matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException(EXPIRY_VARIABLE + " is not a duration such as 30s: "
          + s);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
  }
}
