package dev.bulwark.cli.config;

import java.nio.file.Path;

/**
 * The daemon's HTTP API.
 *
 * @param host the address to bind; 127.0.0.1 unless configured otherwise
 * @param port the TCP port; 0 picks a free one (tests), and the daemon logs which
 * @param tokenFile the file holding the bearer token every call must carry
 * @param enabled false to run without the API
 * @param health when {@code /healthz} reports a problem ({@code health:} in the file)
 */
public record ApiConfig(String host, int port, Path tokenFile, boolean enabled,
    HealthConfig health) {
  /** Default port: unassigned by IANA, easy to remember. */
  public static final int DEFAULT_PORT = 8750;
  public static final String DEFAULT_HOST = "127.0.0.1";

  public ApiConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range");
    }
    health = health == null ? HealthConfig.DEFAULTS : health;
  }

  /** An API with the default health thresholds. */
  public ApiConfig(String host, int port, Path tokenFile, boolean enabled) {
    this(host, port, tokenFile, enabled, null);
  }
}
