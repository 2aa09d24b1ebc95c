package dev.bulwark.cli;

import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.cli.config.DurationText;
import dev.bulwark.cli.config.SizeText;
import dev.bulwark.cli.daemon.ProcessSignals;
import dev.bulwark.cli.source.DatabaseSources;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.retention.StreamRetention;
import dev.bulwark.core.stream.Replicable;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.ReplicatorWatch;
import dev.bulwark.core.stream.StartupReport;
import dev.bulwark.core.stream.StreamPosition;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bulwark replicate}: streams a SQLite database in the foreground until a signal. */
@Command(name = "replicate", mixinStandardHelpOptions = true,
    description = {"Stream a SQLite database (WAL mode) into the repository: every committed "
        + "transaction is shipped within --sync-interval, the most a crash of this machine can "
        + "lose. Runs in the foreground beside the service, which keeps writing.",
        "First it checks that the database continues its stream: at its head, or the head "
        + "plus transactions still in its WAL (shipped at once). A database behind its stream "
        + "(an older copy), at a state the stream cannot place, or bound (DB.bulwark) to "
        + "another repository or stream is refused with one line (exit 1) unless "
        + "--accept-older-database or --rebind says otherwise.",
        "It resumes the stream the database was replicating to, or starts a new generation "
        + "with a snapshot (printed when it starts). On a terminal a status line shows the lag "
        + "(committed but not yet shipped), the last shipped position and the pending bytes.",
        "SIGTERM or SIGINT: ship what is pending, then exit 0; if that fails, exit 1 with one "
        + "line. `bulwark run` keeps databases with `stream:` in bulwark.yml streaming the "
        + "same way."},
    footer = {"", "Examples:",
        "  bulwark replicate --repo /backups/repo --sqlite /srv/app/app.db",
        "  bulwark replicate --sqlite /srv/app/app.db --sync-interval 250ms "
            + "--state-dir /var/lib/bulwark"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped by SIGTERM or SIGINT, everything committed shipped",
        "1:error (not a SQLite database in WAL mode, refused by the start-up check, or "
            + "shipping failed for good)",
        "2:usage (e.g. a --sync-interval that does not parse)", "10:no repository",
        "12:wrong password"})
final class ReplicateCommand implements Callable<Integer> {
  private static final long WATCH_MILLIS = 1000;

  @Mixin RepoOptions repo;
  @Mixin LimitOptions limits;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--sqlite", paramLabel = "DB", required = true,
      description = "The SQLite database to stream (in WAL mode).")
  Path sqlite;

  @Option(names = "--sync-interval", paramLabel = "DURATION", defaultValue = "1s",
      description = "Ship committed transactions this often, e.g. 250ms, 1s, 10s (at most 1h; "
          + "default: ${DEFAULT-VALUE}).")
  String syncInterval;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the replicator keeps "
      + "its position between runs (default: a hidden folder beside the database).")
  Path stateDir;

  @Option(names = "--stream-id", paramLabel = "ID", description = "The stream's name in the "
      + "repository: lower-case letters, digits, '.', '_', '-' (default: derived from the "
      + "database's path).")
  String streamId;

  @Option(names = "--max-requests-per-hour", paramLabel = "N", defaultValue = "0",
      description = "At most N segment uploads an hour (0: no ceiling); above it segments are "
          + "shipped less often and the lag grows, which bounds an S3 bill "
          + "(default: ${DEFAULT-VALUE}).")
  int maxRequestsPerHour;

  @Option(names = "--snapshot-interval", paramLabel = "DURATION", defaultValue = "1h",
      description = "Build a snapshot from the stream this often, without reading the database, "
          + "so a restore replays at most this much; 0s: never (default: ${DEFAULT-VALUE}).")
  String snapshotInterval;

  @Option(names = "--stream-retention", paramLabel = "DURATION",
      description = "Keep every point of the stream restorable this long, e.g. 24h, 7d; older "
          + "points at snapshot granularity (segments no longer needed are removed every hour; "
          + "default: keep all).")
  String retention;

  @Option(names = "--chunk-size", paramLabel = "SIZE", description = "Chunk size of the "
      + "database's pages in the snapshots the stream starts and folds, e.g. 8K; use the same "
      + "as the database's backups so that they share chunks (default: 32K).")
  String chunkSize;

  @Mixin StartupOptions startup;

  @Option(names = "--stop-after", paramLabel = "DURATION", hidden = true,
      description = "Stop as on SIGTERM after this long (for scripts and tests).")
  String stopAfter;

  @Override
  public Integer call() throws Exception {
    ReplicationOptions options = options();
    Duration limit = stopAfter == null ? null : parse("--stop-after", stopAfter);
    Replicable source = DatabaseSources.replicable(DatabaseType.SQLITE, sqlite);
    CountDownLatch stop = new CountDownLatch(1);
    PrintWriter out = spec.commandLine().getOut();
    // Before anything slow: a signal while the first snapshot is taken must stop cleanly too.
    try (ProcessSignals.Restore term = ProcessSignals.handle("TERM", stop::countDown);
        ProcessSignals.Restore intr = ProcessSignals.handle("INT", stop::countDown);
        Repository r = repo.open(true, limits)) {
      // Before the replicator opens the database: a database that does not continue its
      // stream is refused here, before anything is shipped on top of the wrong history.
      StartupReport check = source.startupCheck(r, options, startup.policy());
      out.printf("start-up check: %s%n", check.detail());
      Replicator replicator = source.replicate(r, options);
      if (replicator.lastShippedPosition().isPresent()) {
        check.bindTo(replicator.lastShippedPosition().get().generation());
      }
      try (ReplicationStatusLine status = new ReplicationStatusLine(replicator, true)) {
        out.printf("replicating %s: %s, every %s; stop with SIGTERM or Ctrl-C%n", sqlite,
            position(replicator), DurationText.format(options.syncInterval()));
        out.flush();
        ReplicatorWatch watch = new ReplicatorWatch(replicator, options);
        long end = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        // A replicator that stopped for good fails the command (exit 1, one line) here.
        while (!stop.await(Math.min(WATCH_MILLIS, Math.max(1,
            (end - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS)
            && System.nanoTime() < end) {
          watch.check();
        }
      } finally {
        // Ships what is pending; a failure here is the command's failure, exit 1.
        replicator.close();
      }
      out.printf("stopped: everything committed is in the repository, up to %s%n",
          position(replicator));
    }
    return ExitCodes.OK;
  }

  private ReplicationOptions options() throws UsageException {
    ReplicationOptions o = ReplicationOptions.defaults();
    try {
      o = o.withSyncInterval(parse("--sync-interval", syncInterval))
          .withMaxRequestsPerHour(maxRequestsPerHour)
          .withSnapshotInterval(parse("--snapshot-interval", snapshotInterval));
      if (retention != null) {
        o = o.withRetention(StreamRetention.parse(retention));
      }
      if (stateDir != null) {
        o = o.withStateDir(stateDir.toAbsolutePath().normalize());
      }
      if (chunkSize != null) {
        o = o.withPageChunkBytes(SizeText.parse(chunkSize));
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (streamId != null) {
      try {
        o = o.withDatabaseId(streamId);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--stream-id: '" + streamId + "' is not a stream id (lower-case "
            + "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64)");
      }
    }
    return o;
  }

  private static Duration parse(String flag, String text) throws UsageException {
    try {
      return DurationText.parseFine(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + ": " + e.getMessage() + " (use 250ms, 1s, 10s, 1m)");
    }
  }

  /** {@code generation 0190a3c1d2e40001, position 42}, or that nothing is shipped yet. */
  private static String position(Replicator r) {
    return r.lastShippedPosition().map(ReplicateCommand::describe)
        .orElse("nothing shipped yet");
  }

  private static String describe(StreamPosition p) {
    String s = p.toString();
    return "generation " + s.substring(0, s.indexOf('/')) + ", position " + p.txid();
  }
}
