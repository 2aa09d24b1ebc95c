package dev.bulwark.sqlite;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.LocalStates;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.StartupJudge;
import dev.bulwark.core.stream.StartupPolicy;
import dev.bulwark.core.stream.StartupRefusedException;
import dev.bulwark.core.stream.StartupRefusedException.Reason;
import dev.bulwark.core.stream.StartupReport;
import dev.bulwark.core.stream.StreamBinding;
import dev.bulwark.core.stream.StreamHistory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before a SQLite database is opened and streamed, that it belongs to this repository
 * and stream (its {@link StreamBinding}) and that it continues its stream ({@link
 * StartupJudge}), from the database's own content: its files as SQLite would read them, never
 * the replicator's saved state alone. On success it writes the binding; when a new generation
 * is to start, it removes the replicator's saved state so that it cannot resume.
 */
final class StartupCheck {
  private static final Logger LOG = LoggerFactory.getLogger(StartupCheck.class);

  /** How many times a refusal is read again when the files changed while they were read. */
  private static final int READS = 10;
  private static final long REREAD_PAUSE_MILLIS = 20;

  private StartupCheck() {}

  static StartupReport run(Path db, Repository repo, ReplicationOptions options,
      StartupPolicy policy) throws IOException, BulwarkException {
    String streamId = options.databaseId().orElseGet(() -> SqliteReplicator.derivedId(db));
    String repoId = repo.config().id();
    Optional<StreamBinding> bound = StreamBinding.read(db);
    if (bound.isPresent() && !policy.rebind()) {
      StreamBinding b = bound.get();
      if (!b.repositoryId().equals(repoId)) {
        throw new StartupRefusedException(Reason.OTHER_REPOSITORY, "refusing to stream " + db
            + " into repository " + StreamBinding.shortId(repoId) + ": it is bound to "
            + b.describe() + " (" + StreamBinding.fileFor(db).getFileName() + "); use that"
            + " repository, or start with --rebind to bind it to this one");
      }
      if (!b.streamId().equals(streamId)) {
        throw new StartupRefusedException(Reason.OTHER_STREAM, "refusing to stream " + db
            + " as stream " + streamId + ": it is bound to stream " + b.streamId() + " of this"
            + " repository (a copy of another database?); use --stream-id " + b.streamId()
            + ", or start with --rebind to bind it to stream " + streamId);
      }
    }
    StreamHistory history = StreamHistory.read(repo, streamId);
    Path stateFile = SqliteReplicator.stateFile(db, options, streamId);
    StartupReport report = judge(db, repoId, streamId, history, policy);
    if (report.outcome() == StartupReport.Outcome.NEW_GENERATION) {
      Files.deleteIfExists(stateFile);
    }
    report.bindTo(report.outcome() == StartupReport.Outcome.EQUAL
        || report.outcome() == StartupReport.Outcome.AHEAD
        ? report.head().orElseThrow().position().generation() : 0);
    LOG.info("{}", report.detail());
    return report;
  }

  /**
   * Reads the database's states and judges them; a refusal is read again while the files
   * changed during the read. A service writing meanwhile is harmless to a match: commits only
   * append to the WAL, which is read to its last commit, and the file only changes when a
   * checkpoint copies pages the WAL also holds. A read torn by such a copy can only fail to
   * match (its checksum equals no stream state), never match wrongly, so only refusals are
   * re-read.
   */
  private static StartupReport judge(Path db, String repoId, String streamId,
      StreamHistory history, StartupPolicy policy) throws IOException, BulwarkException {
    for (int attempt = 1; ; attempt++) {
      FileStamp before = FileStamp.of(db);
      try {
        LocalStates states = DatabaseStates.read(db);
        boolean stable = before.equals(FileStamp.of(db));
        try {
          return StartupJudge.judge(db, repoId, streamId, history, states, policy);
        } catch (StartupRefusedException e) {
          if (stable || attempt >= READS) {
            throw e;
          }
        }
      } catch (IOException e) { // e.g. the WAL restarted while it was read
        if (attempt >= READS || before.equals(FileStamp.of(db))) {
          throw e;
        }
      }
      LOG.debug("{} changed while it was checked; reading it again", db);
      try {
        Thread.sleep(REREAD_PAUSE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while checking " + db);
      }
    }
  }

  /** The sizes and modification times of a database file and its WAL. */
  private record FileStamp(long dbSize, FileTime dbTime, long walSize, FileTime walTime) {
    static FileStamp of(Path db) throws IOException {
      Path wal = Sidecar.WAL.of(db);
      long walSize = -1;
      FileTime walTime = null;
      try {
        walSize = Files.size(wal);
        walTime = Files.getLastModifiedTime(wal);
      } catch (NoSuchFileException e) {
        // no WAL (yet, or any more): the stamp says so
      }
      return new FileStamp(Files.size(db), Files.getLastModifiedTime(db), walSize, walTime);
    }
  }
}
