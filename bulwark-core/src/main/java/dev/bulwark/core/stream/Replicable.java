package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;

/** A source whose committed changes can be streamed into a repository as they happen. */
public interface Replicable extends Source {
  /**
   * Starts replicating into {@code repo}: resumes the stream this database was replicating to,
   * or starts a new generation with a snapshot, and returns once shipping runs in the
   * background.
   *
   * @throws BulwarkException if the database cannot be replicated (not in WAL mode, missing,
   *     not a database) or the repository refuses the first snapshot
   */
  Replicator replicate(Repository repo, ReplicationOptions options)
      throws IOException, BulwarkException;

  /**
   * Checks, before the database is opened and streamed, that it belongs to {@code repo} and
   * continues its stream there, and writes its binding; see {@link StartupReport.Outcome}.
   *
   * @throws StartupRefusedException when it does not and {@code policy} does not accept it
   */
  StartupReport startupCheck(Repository repo, ReplicationOptions options, StartupPolicy policy)
      throws IOException, BulwarkException;
}
