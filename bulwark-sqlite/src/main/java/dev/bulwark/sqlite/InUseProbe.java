package dev.bulwark.sqlite;

import dev.bulwark.core.BulwarkException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out whether a database is in use without changing it.
 *
 * <p>Opening the database itself would not do: when the last connection to a WAL database
 * closes, SQLite checkpoints the WAL into the file and deletes it, so a failed restore would
 * leave the old database changed (logically the same, but not byte-identical). The probe opens
 * the database through a temporary hard link instead: SQLite's locks are on the file, so the
 * lock test is the same, but the link has its own (empty) WAL name, so nothing of the
 * database's own WAL, journal or content is touched.
 */
final class InUseProbe {
  private static final Logger LOG = LoggerFactory.getLogger(InUseProbe.class);

  private InUseProbe() {}

  /**
   * Returns quietly if nobody holds a lock on the database at {@code target}.
   *
   * @throws BulwarkException if it is in use, or the check itself cannot be made
   */
  static void check(Path target) throws IOException, BulwarkException {
    Path dir = target.getParent();
    ScratchFile.sweep(dir, target, ScratchFile.Purpose.PROBE);
    Path probe = ScratchFile.name(dir, target, ScratchFile.Purpose.PROBE);
    link(probe, target);
    try (Connection c = ExclusiveAccess.open(probe)) {
      if (ExclusiveAccess.lock(c, target) == ExclusiveAccess.Outcome.NOT_A_DATABASE) {
        LOG.warn("{} is not a readable SQLite database; it will be replaced and kept aside",
            target);
      }
    } catch (SQLException e) {
      throw new BulwarkException("cannot check whether " + target + " is in use: it "
          + SqliteFailure.of(e).explain(e), e);
    } finally {
      ScratchFile.delete(probe);
    }
  }

  /** Hard-links {@code link} to {@code target}; a restore needs links to keep the old file. */
  static void link(Path link, Path target) throws IOException, BulwarkException {
    try {
      Files.createLink(link, target);
    } catch (UnsupportedOperationException | FileSystemException e) {
      throw new BulwarkException("cannot restore over " + target + ": cannot hard-link it to keep"
          + " the previous database (" + e.getMessage() + "); move it away and retry", e);
    }
  }
}
