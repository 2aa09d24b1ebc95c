package dev.bulwark.core.backend;

import dev.bulwark.core.BulwarkException;
import java.io.IOException;
import java.util.Map;

/**
 * Opens the backends of one kind of repository location, such as {@code s3:https://...}.
 * Implementations live in their own modules (bulwark-s3) and are found with
 * {@link java.util.ServiceLoader}, so core knows no network library.
 */
public interface BackendProvider {
  /** True if this provider handles {@code location}, judged by its scheme alone. */
  boolean accepts(String location);

  /**
   * Opens the backend at {@code location}; creates nothing (see {@link Backend#create}).
   *
   * @param env the environment, for settings such as credentials and endpoints
   * @throws BulwarkException if the location is malformed or lacks a setting it needs; the
   *     message says which
   */
  Backend open(String location, Map<String, String> env) throws IOException, BulwarkException;
}
