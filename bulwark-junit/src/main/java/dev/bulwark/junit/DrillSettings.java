package dev.bulwark.junit;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RestoreDrill}'s attributes with their placeholders resolved.
 *
 * @param repository the repository's location
 * @param database the database's absolute path as it was backed up
 * @param password where the password comes from
 * @param time the point in time to restore, or null for the newest state
 * @param host the host whose snapshots are meant, or empty for the newest snapshot's host
 */
record DrillSettings(String repository, Path database, DrillPassword password,
    @Nullable Instant time, String host) {

  /**
   * Resolves {@code drill}'s attributes.
   *
   * @throws NotConfiguredException if a placeholder has no value, or no password is given
   * @throws RestoreDrillException if an attribute is malformed
   */
  static DrillSettings of(RestoreDrill drill, Placeholders variables)
      throws RestoreDrillException {
    String repository = variables.resolve("repository", drill.repository()).trim();
    if (repository.isEmpty()) {
      throw new NotConfiguredException("restore drill not configured: repository is empty");
    }
    String database = variables.resolve("database", drill.database()).trim();
    if (database.isEmpty()) {
      throw new NotConfiguredException("restore drill not configured: database is empty");
    }
    DrillPassword password = DrillPassword.of(drill, variables);
    String time = variables.resolve("time", drill.time()).trim();
    String host = variables.resolve("host", drill.host()).trim();
    return new DrillSettings(repository, Path.of(database).toAbsolutePath().normalize(),
        password, time.isEmpty() ? null : instant(time), host);
  }

  private static Instant instant(String time) throws RestoreDrillException {
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      throw new RestoreDrillException("restore drill: time = \"" + time + "\" is not an"
          + " ISO-8601 instant such as 2026-12-01T08:00:00Z");
    }
  }
}
