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
import java.nio.file.Files;
import java.nio.file.Path;
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
    LocalStates states = DatabaseStates.read(db);
    StreamHistory history = StreamHistory.read(repo, streamId);
    Path stateFile = SqliteReplicator.stateFile(db, options, streamId);
    StartupReport report = StartupJudge.judge(db, repoId, streamId, history, states,
        policy);
    if (report.outcome() == StartupReport.Outcome.NEW_GENERATION) {
      Files.deleteIfExists(stateFile);
    }
    report.bindTo(report.outcome() == StartupReport.Outcome.EQUAL
        || report.outcome() == StartupReport.Outcome.AHEAD
        ? report.head().orElseThrow().position().generation() : 0);
    LOG.info("{}", report.detail());
    return report;
  }
}
