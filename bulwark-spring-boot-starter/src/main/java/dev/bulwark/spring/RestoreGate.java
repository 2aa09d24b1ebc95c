package dev.bulwark.spring;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.StartupRefusedException;
import dev.bulwark.core.stream.StartupReport;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs before the application's {@code DataSource} (or RocksDB bean) is created, which depend
 * on it: restores the database when it is missing and the repository has a snapshot of it,
 * then, for a streamed database, checks that it continues its stream. Both must happen before
 * anything opens the database: a restore refuses a database that is open, and the check reads
 * the file itself. A failure or a refusal stops the application's start.
 */
public final class RestoreGate {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreGate.class);
  private final BulwarkRepository repo;
  private final BulwarkSettings settings;
  private final boolean autoRestore;
  private volatile boolean passed;
  private volatile Optional<StartupReport> report = Optional.empty();

  RestoreGate(BulwarkRepository repo, BulwarkSettings settings, boolean autoRestore) {
    this.repo = repo;
    this.settings = settings;
    this.autoRestore = autoRestore;
  }

  /** Restores if missing, then checks the stream position; once. */
  synchronized void pass() {
    if (passed) {
      return;
    }
    if (autoRestore) {
      restoreIfMissing();
    }
    Optional<ReplicationOptions> stream = settings.stream();
    if (stream.isPresent()) {
      check(stream.get());
    }
    passed = true;
  }

  /**
   * True once the gate has let the application go on.
   *
   * @return whether it passed
   */
  public boolean passed() {
    return passed;
  }

  /** What the start-up check found, when the database streams and existed at start. */
  Optional<StartupReport> report() {
    return report;
  }

  private void restoreIfMissing() {
    String name = settings.name();
    try {
      DatabaseRestorer.Result r = repo.restoreIfMissing(settings.database());
      switch (r.outcome()) {
        case RESTORED -> {
          Snapshot s = r.snapshot().orElseThrow();
          LOG.info("{}: {} was missing; restored from snapshot {} of {}{}", name,
              settings.database().path(), s.id() == null ? "?" : s.id().shortForm(), s.time(),
              r.replay().map(p -> ", replayed to " + p.reached()).orElse(""));
        }
        case SKIPPED_DB_EXISTS -> LOG.info("{}: {} exists; nothing to restore", name,
            settings.database().path());
        case SKIPPED_NO_SNAPSHOT -> LOG.info("{}: {} is missing and the repository has no "
            + "snapshot of it; the application starts with a new database", name,
            settings.database().path());
        default -> throw new IllegalStateException(r.outcome().toString());
      }
    } catch (IOException | BulwarkException e) {
      throw new BulwarkStartupException("cannot restore " + name + " ("
          + settings.database().path() + ") before the application opens it: "
          + oneLine(e), "Fix the cause above and start again; nothing was replaced.", e);
    }
  }

  private void check(ReplicationOptions options) {
    String name = settings.name();
    if (!Files.exists(settings.database().path())) {
      LOG.info("{}: no database yet; its stream starts with the first snapshot", name);
      return;
    }
    try {
      StartupReport r = repo.startupCheck(settings.database(), options,
          settings.startupPolicy());
      LOG.info("{}: start-up check: {}", name, r.detail());
      report = Optional.of(r);
    } catch (StartupRefusedException e) {
      throw new BulwarkStartupException("start-up check refused " + name + ": "
          + oneLine(e), "Restore the database (stop the application and move "
          + settings.database().path() + " away: the next start restores it), or start once "
          + "with --bulwark.startup.accept-older-database=true (a database behind its stream)"
          + " or --bulwark.startup.rebind=true (bound to another repository or stream) to "
          + "stream this database as it is.", e);
    } catch (IOException | BulwarkException e) {
      throw new BulwarkStartupException("cannot check " + name + " ("
          + settings.database().path() + ") against its stream: " + oneLine(e),
          "Fix the cause above and start again.", e);
    }
  }

  /** The message on one line (a path or a cause may hold a line break). */
  static String oneLine(Throwable e) {
    String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return m.replaceAll("\\s*\\R\\s*", " ");
  }
}
