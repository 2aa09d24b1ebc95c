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
  /**
   * True if this provider handles {@code location}, judged by its scheme alone.
   *
   * @param location the repository location, e.g. {@code s3:...}
   * @return true if {@link #open} should be asked for it
   */
  boolean accepts(String location);

  /**
   * Opens the backend at {@code location}; creates nothing (see {@link Backend#create}).
   *
   * @param env the environment, for settings such as credentials and endpoints
   * @param location a location {@link #accepts} accepted
   * @return the backend, ready for use; the caller closes it
   * @throws BulwarkException if the location is malformed or lacks a setting it needs; the
   *     message says which
   * @throws IOException if the store cannot be reached while opening
   */
  Backend open(String location, Map<String, String> env) throws IOException, BulwarkException;
}
