package dev.bulwark.sqlite;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.RepositoryLockedException;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.core.prune.StreamPruner;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.CompactionLevels;
import dev.bulwark.core.stream.Compactor;
import dev.bulwark.core.stream.Durability;
import dev.bulwark.core.stream.FoldResult;
import dev.bulwark.core.stream.GenerationIds;
import dev.bulwark.core.stream.LeaseLostException;
import dev.bulwark.core.stream.LeaseOptions;
import dev.bulwark.core.stream.PlannedSegment;
import dev.bulwark.core.stream.ReplayPlan;
import dev.bulwark.core.stream.ReplayPlanner;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.stream.SegmentName;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.stream.SnapshotFolder;
import dev.bulwark.core.stream.StreamLease;
import dev.bulwark.core.stream.StreamPosition;
import dev.bulwark.core.stream.StreamTags;
import dev.bulwark.sqlite.stream.LocalStreamLog;
import dev.bulwark.sqlite.stream.LoggingSink;
import dev.bulwark.sqlite.stream.PageHashes;
import dev.bulwark.sqlite.stream.ReplicaState;
import dev.bulwark.sqlite.stream.SegmentAssembler;
import dev.bulwark.sqlite.wal.WalFollower;
import dev.bulwark.sqlite.wal.WalFrame;
import dev.bulwark.sqlite.wal.WalGapException;
import dev.bulwark.sqlite.wal.WalHeader;
import dev.bulwark.sqlite.wal.WalPosition;
import dev.bulwark.sqlite.wal.WalSink;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships every committed transaction of a SQLite database in WAL mode to a repository, from one
 * background thread: each cycle (every sync interval, or at once when someone waits for
 * durability) advances the pinned read transaction, reads the WAL from where the last cycle
 * stopped and ships what was committed as segments. How this keeps every frame without
 * holding the WAL back for good is in docs/design.md ("Continuous capture").
 *
 * <p>A new generation starts, with a snapshot, when there is no state to resume, when the
 * state does not match the repository or the database, when the WAL cannot be followed
 * ({@link WalGapException}), when one transaction is larger than a segment, and when the
 * database file is replaced. Each start is logged with its reason.
 *
 * <p>It holds the stream's lease ({@link StreamLease}) from before it writes anything until it
 * stops: a second replicator of the same stream is refused, segments and snapshots carry the
 * lease's epoch, nothing is shipped while the lease is not known to be held, and losing it to
 * another replicator stops this one for good.
 */
final class SqliteReplicator implements Replicator {
  /** Whether the replicator holds the WAL back with a read transaction. */
  private enum Mode { PINNED, UNPINNED }

  private static final Logger LOG = LoggerFactory.getLogger(SqliteReplicator.class);
  /** SQLite's default wal_autocheckpoint, in pages. */
  static final int AUTOCHECKPOINT_PAGES = 1000;
  /** The most committed pages read but not yet durable before reading waits for shipping. */
  static final long MAX_PENDING_BYTES = 64L << 20;
  /** How often the WAL's size is looked at, and the log read while it is not held back. */
  private static final Duration TICK = Duration.ofMillis(5);
  private static final Duration UNPINNED_TICK = Duration.ofMillis(1);
  /** Cycles forced by waiters take the read transaction anew at most this often. */
  private static final long MIN_PIN_NANOS = Duration.ofMillis(100).toNanos();
  /** After this long failing to ship, stop holding the WAL back; a new generation follows. */
  private static final Duration STALL_LIMIT = Duration.ofSeconds(30);

  private final Path db;
  private final Path wal;
  private final Path scratchDir;
  private final Repository repo;
  private final SegmentStore store;
  private final ReplicationOptions options;
  private final StreamLease lease;
  private final Duration interval;
  private final String databaseId;
  private final Path stateFile;
  private final Path hashFile;
  private final Clock clock;
  private final BackupOptions backupOptions;
  private final ReaderPin pin;
  private final Thread thread;
  private final Compactor compactor;
  /** Merges segments in levels off the WAL-reading thread, so reading never waits on it. */
  private final ScheduledExecutorService maintenance;
  private final Object monitor = new Object();
  private final Object folding = new Object();
  /** Transactions read but not yet shipped, fsynced for LOCAL waiters; null when not kept. */
  private final @Nullable LocalStreamLog log;

  // Owned by the replication thread.
  private @Nullable PageHashes hashes;
  private @Nullable WalFollower follower;
  private @Nullable SegmentAssembler assembler;
  /** Where the follower delivers: the assembler, through the local log when there is one. */
  private @Nullable WalSink sink;
  /** The WAL life of the logged transaction being replayed at start-up, else null. */
  private @Nullable WalHeader replayLife;
  private @Nullable ReplicaState state;
  private @Nullable Object fileKey;
  private boolean pinnedSinceLastRead;
  /**
   * True during a forced tick's shipment of what it read: its last segment stored releases the
   * SYNC waiters. Not during the other shipments (a retry, a stop to bound memory, before a new
   * generation), which come before the tick has read what the waiters committed.
   */
  private boolean releaseWaitersOnShipment;
  private Mode mode = Mode.PINNED;
  private @Nullable Instant failingSince;
  private long retryAt;
  private long pinnedAt;
  private long releasedAt;
  /** How long shipping took lately, smoothed: shipping starts this much before it is due. */
  private long shipNanos;
  /** The slowest recent shipment, forgotten by a sixteenth at each one after it. */
  private long shipPeakNanos;

  // Guarded by monitor.
  private long cyclesStarted;
  private long cyclesDone;
  private boolean wakeRequested;
  private long localStarted;
  private long localDone;
  private boolean localRequested;
  /** Why the last shipment failed, while shipping fails; for the waiters' messages. */
  private @Nullable IOException lastFailure;
  private boolean closing;
  private @Nullable Throwable fatal;
  private @Nullable StreamPosition shipped;
  private @Nullable Instant oldestPending;
  /** Since when commits may be unshipped, once the replication thread has died. */
  private @Nullable Instant stoppedAt;
  private long pending;

  private SqliteReplicator(Path db, Path scratchDir, Repository repo, ReplicationOptions options,
      Clock clock, StreamLease lease) throws IOException {
    this.db = db;
    this.wal = Sidecar.WAL.of(db);
    this.scratchDir = scratchDir;
    this.repo = repo;
    this.store = new SegmentStore(repo);
    this.options = options;
    this.lease = lease;
    this.interval = options.shippingInterval();
    this.databaseId = options.databaseId().orElseGet(() -> derivedId(db));
    this.stateFile = stateFile(db, options, databaseId);
    Path dir = stateFile.getParent();
    AtomicFiles.createDirectories(dir);
    this.hashFile = dir.resolve(databaseId + ".pages");
    this.log = options.localLog() ? LocalStreamLog.open(dir.resolve(databaseId + ".log")) : null;
    this.clock = clock;
    this.backupOptions = BackupOptions.defaults().withPageChunkBytes(options.pageChunkBytes());
    this.pin = new ReaderPin(db);
    this.thread = new Thread(this::run, "bulwark-replicate-" + databaseId);
    this.thread.setDaemon(true);
    this.compactor = new Compactor(store, CompactionLevels.DEFAULT);
    this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bulwark-compact-" + databaseId);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Resumes or starts replication of {@code db} and returns once the first cycle is done, so a
   * database that cannot be replicated fails here rather than in the background.
   */
  static SqliteReplicator start(Path db, Path scratchDir, Repository repo,
      ReplicationOptions options, Clock clock) throws IOException, BulwarkException {
    return start(db, scratchDir, repo, options, clock,
        LeaseOptions.fromEnvironment(System.getenv(), dev.bulwark.core.repo.Host.name()));
  }

  /**
   * As {@link #start(Path, Path, Repository, ReplicationOptions, Clock)}, holding the stream's
   * lease with {@code leaseOptions}.
   *
   * @throws dev.bulwark.core.stream.LeaseHeldException if another replicator holds the lease
   */
  static SqliteReplicator start(Path db, Path scratchDir, Repository repo,
      ReplicationOptions options, Clock clock, LeaseOptions leaseOptions)
      throws IOException, BulwarkException {
    GenerationStart.requireWalMode(db); // before any state is written beside the database
    StreamLease lease;
    try {
      lease = StreamLease.acquire(repo, options.databaseId().orElseGet(() -> derivedId(db)),
          leaseOptions, clock);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while taking the lease of " + db);
    }
    SqliteReplicator r;
    try {
      r = new SqliteReplicator(db, scratchDir, repo, options, clock, lease);
    } catch (IOException | RuntimeException e) {
      lease.close();
      throw e;
    }
    try {
      r.resumeOrBegin();
      r.cycle();
    } catch (IOException | BulwarkException | RuntimeException e) {
      r.shutDown();
      throw e;
    }
    r.thread.start();
    long every = CompactionLevels.DEFAULT.span(1).toMillis();
    r.maintenance.scheduleWithFixedDelay(r::compact, every, every, TimeUnit.MILLISECONDS);
    if (!options.retention().keepsAll()) {
      long hour = Duration.ofHours(1).toMillis();
      r.maintenance.scheduleWithFixedDelay(r::applyRetention, hour, hour, TimeUnit.MILLISECONDS);
    }
    long snapshots = options.snapshotInterval().toMillis();
    if (snapshots > 0) {
      r.maintenance.scheduleWithFixedDelay(r::foldQuietly, snapshots, snapshots,
          TimeUnit.MILLISECONDS);
    }
    return r;
  }

  /** Where the replicator of {@code db} keeps its state between runs. */
  static Path stateFile(Path db, ReplicationOptions options, String databaseId) {
    Path dir = options.stateDir().orElseGet(() ->
        db.resolveSibling("." + db.getFileName() + ".bulwark"));
    return dir.resolve(databaseId + ".state");
  }

  /** A stream id for a database: its file name and a hash of host and path. */
  static String derivedId(Path db) {
    String name = db.getFileName().toString().toLowerCase(Locale.ROOT)
        .replaceAll("[^0-9a-z._-]", "-").replaceAll("\\.\\.+", ".");
    name = name.replaceAll("^[^0-9a-z]+", "");
    if (name.length() > 40) {
      name = name.substring(0, 40);
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] d = sha.digest((dev.bulwark.core.repo.Host.name() + ":" + db)
          .getBytes(StandardCharsets.UTF_8));
      return (name.isEmpty() ? "db" : name) + "-" + HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- the public face ----

  @Override
  public Optional<StreamPosition> lastShippedPosition() {
    synchronized (monitor) {
      return Optional.ofNullable(shipped);
    }
  }

  @Override
  public Duration lag() {
    synchronized (monitor) {
      Instant since = fatal != null ? stoppedAt : oldestPending;
      if (since == null) {
        return Duration.ZERO;
      }
      Duration d = Duration.between(since, clock.instant());
      return d.isNegative() ? Duration.ZERO : d;
    }
  }

  @Override
  public long pendingBytes() {
    synchronized (monitor) {
      return pending;
    }
  }

  @Override
  public void awaitDurable(Duration timeout)
      throws InterruptedException, TimeoutException, IOException, BulwarkException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (monitor) {
      long target = cyclesStarted + 1;
      wakeRequested = true;
      monitor.notifyAll();
      while (cyclesDone < target) {
        rethrowFatal();
        if (closing && !thread.isAlive()) {
          throw new IllegalStateException("the replicator is closed");
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          TimeoutException t = new TimeoutException("committed transactions of " + db
              + " were not durable in the repository within " + timeout.toMillis() + " ms (lag "
              + lag().toMillis() + " ms)" + (lastFailure == null ? ""
              : "; shipping fails: " + lastFailure.getMessage()));
          t.initCause(lastFailure);
          throw t;
        }
        monitor.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  @Override
  public void awaitDurable(Durability mode, Duration timeout)
      throws InterruptedException, TimeoutException, IOException, BulwarkException {
    if (mode == Durability.ASYNC) {
      return;
    }
    if (mode == Durability.SYNC || log == null) {
      awaitDurable(timeout);
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (monitor) {
      long target = localStarted + 1;
      localRequested = true;
      monitor.notifyAll();
      while (localDone < target) {
        rethrowFatal();
        if (closing && !thread.isAlive()) {
          throw new IllegalStateException("the replicator is closed");
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("committed transactions of " + db + " were not in the"
              + " local stream log " + log.file() + " within " + timeout.toMillis() + " ms");
        }
        monitor.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  @Override
  public void close() throws IOException, BulwarkException {
    synchronized (monitor) {
      closing = true;
      monitor.notifyAll();
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the last transactions were shipped");
    }
    synchronized (monitor) {
      rethrowFatal();
    }
  }

  private void rethrowFatal() throws IOException, BulwarkException {
    Throwable e = fatal;
    if (e instanceof IOException io) {
      throw io;
    }
    if (e instanceof BulwarkException b) {
      throw b;
    }
    if (e != null) {
      throw new IOException("replication of " + db + " stopped: " + e, e);
    }
  }

  // ---- the replication thread ----

  private void run() {
    try {
      while (true) {
        Optional<String> lost = lease.lostReason();
        if (lost.isPresent()) {
          throw new LeaseLostException(lost.get()); // another replicator ships now
        }
        boolean forced;
        boolean local;
        boolean last;
        synchronized (monitor) {
          // While let go, the log may restart at any moment, and a second restart before the
          // follower sees the first is a gap: look every millisecond until it has restarted.
          long until = System.nanoTime() + (mode == Mode.UNPINNED ? UNPINNED_TICK : TICK)
              .toNanos();
          while (!closing && !wakeRequested && !localRequested) {
            long left = until - System.nanoTime();
            if (left <= 0) {
              break;
            }
            monitor.wait(Math.max(1, left / 1_000_000));
          }
          forced = closing || wakeRequested;
          wakeRequested = false;
          local = localRequested;
          localRequested = false;
          if (local) {
            localStarted++;
          }
          last = closing;
          if (forced) {
            cyclesStarted++;
          }
        }
        try {
          tick(forced, local);
        } catch (IOException e) {
          if (last) {
            throw e;
          }
          onShipFailure(e);
        }
        if (last) {
          return;
        }
      }
    } catch (Exception | Error e) {
      // An Error (out of memory) must stop the replicator visibly too, not leave waiters
      // waiting for a thread that is gone.
      LOG.error("replication of {} stopped: {}", db, e.toString());
      synchronized (monitor) {
        fatal = e;
        stoppedAt = oldestPending != null ? oldestPending : clock.instant();
      }
    } finally {
      shutDown();
      synchronized (monitor) {
        monitor.notifyAll();
      }
    }
  }

  /** A first tick on the caller's thread, so that start() fails if replication cannot run. */
  private void cycle() throws IOException, BulwarkException {
    synchronized (monitor) {
      cyclesStarted++;
    }
    tick(true, false);
  }

  /**
   * One step, every 5 ms (every millisecond while the read transaction is let go): read what
   * was committed, and ship when the oldest transaction not yet durable would otherwise wait
   * longer than the sync interval (allowing for how long shipping has been taking), or when
   * {@code forced}.
   *
   * <p>While the WAL's current life is short the read transaction is held. Once the follower
   * has read one autocheckpoint's worth of it, the transaction is let go so that SQLite's own
   * checkpoint can restart the log; the reads every tick then let the follower see the restart
   * while the new log is still much shorter than the old one, which proves nothing was missed.
   * The moment it has restarted, and for every shipment (which takes longer than a tick), the
   * transaction is taken again.
   */
  private void tick(boolean forced, boolean local) throws IOException, BulwarkException {
    if (failingSince != null) {
      boolean retry = forced || System.nanoTime() >= retryAt;
      if (!retry && !local) {
        return;
      }
      if (retry) {
        // Read nothing more until what was read is shipped: memory stays bounded (a LOCAL
        // waiter reads on, up to the bound below: the repository is not what it waits for).
        retryAt = System.nanoTime() + interval.toNanos();
        try {
          assembler.flush();
          failingSince = null;
          shipSucceeded();
        } catch (IOException e) {
          if (!local) {
            throw e;
          }
          onShipFailure(e);
        }
      }
    }
    long readBefore = assembler.readTxid();
    if (assembler.pendingBytes() >= MAX_PENDING_BYTES) {
      // Shipping is slower than the service writes: stop reading until it catches up, holding
      // the WAL back meanwhile, so that memory stays bounded (the WAL grows instead).
      if (mode == Mode.UNPINNED) {
        advancePin();
        pinnedSinceLastRead = false; // pinned after the last read: the next read proves again
        mode = Mode.PINNED;
      }
      assembler.flush();
    }
    boolean due = forced || shipDue();
    boolean letGo = false;
    try {
      if (databaseReplaced()) {
        beginGeneration("the database file was replaced");
      }
      if (mode == Mode.PINNED) {
        long held = System.nanoTime() - pinnedAt;
        if ((due && (!forced || held >= MIN_PIN_NANOS)) || held >= interval.toNanos()) {
          // Lets a checkpoint copy up to here, and one waiting for readers (FULL, RESTART,
          // TRUNCATE) go through within about two intervals; the log still cannot restart
          // over unread frames. Not at every cycle a durability waiter forces: taking the
          // transaction anew opens a connection, which would cost each SYNC commit.
          advancePin();
        }
        poll(pinnedSinceLastRead);
        pinnedSinceLastRead = follower.lastPollComplete();
        // Only once caught up: while let go every read must be short, or SQLite can restart
        // the log twice during one (a 16 MiB read behind a writer at 20,000 commits a second
        // was a gap in the 1 GiB benchmark). When shipping is due, after it (below): a
        // shipment is long, and SYNC waiters make it due at every cycle, which must not keep
        // the log from ever restarting (measured: 65 MB of WAL in 8 s of SYNC commits).
        letGo = lifeFrames() >= AUTOCHECKPOINT_PAGES && follower.lastPollComplete();
        if (letGo && !due) {
          releasePin();
          mode = Mode.UNPINNED;
        }
      } else {
        Optional<WalHeader> before = follower.life();
        poll(false);
        // A shipment a durability waiter forced goes out without the transaction for a while
        // after it was let go: taken again at once for every SYNC cycle, it left SQLite too
        // short a moment to restart the log (the WAL outgrew four autocheckpoints under 8 SYNC
        // writers). Such a shipment is short, far shorter than two restarts of the log.
        boolean shipPinned = due && (!forced || System.nanoTime() - releasedAt >= MIN_PIN_NANOS);
        if (mode == Mode.PINNED) {
          // The restart hook (or a new generation) took the transaction before the new life
          // was read: that read is the proof; taking it again would only open a connection.
          pinnedSinceLastRead = follower.lastPollComplete();
        } else if (shipPinned || !follower.life().equals(before) || !follower.lastPollComplete()
            || lifeFrames() < AUTOCHECKPOINT_PAGES) {
          advancePin();
          poll(false);
          pinnedSinceLastRead = follower.lastPollComplete();
          mode = Mode.PINNED;
        }
      }
    } catch (WalGapException | SegmentAssembler.TransactionTooLargeException e) {
      beginGeneration(e.getMessage());
    }
    if (assembler.readTxid() != readBefore) {
      CrashPoint.reach(CrashPoint.READ);
    }
    if (log != null) {
      syncLog(local);
    }
    if (due) {
      retryAt = System.nanoTime() + interval.toNanos();
      long t0 = System.nanoTime();
      releaseWaitersOnShipment = forced;
      try {
        assembler.flush();
      } finally {
        releaseWaitersOnShipment = false;
      }
      long took = System.nanoTime() - t0;
      shipNanos = (shipNanos * 7 + took * 3) / 10;
      shipPeakNanos = Math.max(took, shipPeakNanos - shipPeakNanos / 16);
      shipSucceeded();
      if (letGo && mode == Mode.PINNED) {
        releasePin();
        mode = Mode.UNPINNED;
      }
    }
    synchronized (monitor) {
      if (forced) {
        cyclesDone = cyclesStarted;
      }
      pending = assembler.pendingBytes();
      oldestPending = assembler.oldestPendingCommit().orElse(null);
      shipped = assembler.shipped();
      monitor.notifyAll();
    }
  }

  /**
   * True when the oldest pending commit would wait past the sync interval if not shipped now.
   * Shipping time varies (a busy disk, a slow request, a machine short of CPU), and the interval
   * is a bound on the wait, not its average: it is counted as twice its smoothed value or the
   * slowest recent shipment, whichever is more (with twice the average alone, the benchmark's
   * RPO p99 was 1.1-1.2 s at a 1 s interval on a loaded machine).
   */
  private boolean shipDue() {
    Optional<Instant> oldest = assembler.oldestPendingCommit();
    if (oldest.isEmpty()) {
      return false;
    }
    long age = Duration.between(oldest.get(), clock.instant()).toNanos();
    long allowance = Math.max(2 * shipNanos, shipPeakNanos);
    return age + allowance + TICK.toNanos() >= interval.toNanos();
  }

  /**
   * Makes what was read durable in the local log, then releases the LOCAL waiters of this
   * cycle, unless the read stopped short of the WAL's end (then the next tick goes on).
   */
  private void syncLog(boolean local) throws IOException {
    boolean wrote = log.sync();
    if (local) {
      synchronized (monitor) {
        if (follower.lastPollComplete()) {
          localDone = localStarted;
          monitor.notifyAll();
        } else {
          localRequested = true;
        }
      }
    }
    if (wrote) {
      CrashPoint.reach(CrashPoint.LOGGED);
    }
  }

  private void shipSucceeded() {
    synchronized (monitor) {
      lastFailure = null;
    }
  }

  /** Reads what was committed; a failure to read the WAL breaks the history like a gap. */
  private void poll(boolean pinned) throws WalGapException, BulwarkException, IOException {
    try {
      follower.poll(sink, pinned, this::pinOnRestart);
    } catch (SegmentAssembler.TransactionTooLargeException e) {
      throw e;
    } catch (IOException e) {
      // Part of the log may have been delivered; the only safe continuation is a new start.
      beginGeneration("reading the WAL failed: " + e.getMessage());
    }
  }

  /**
   * The log restarted while the read transaction was let go: take it again before reading the
   * new life, so that SQLite cannot restart the log a second time meanwhile.
   */
  private void pinOnRestart() throws IOException {
    advancePin();
    mode = Mode.PINNED;
  }

  private void advancePin() throws IOException {
    try {
      pin.advance();
      pinnedAt = System.nanoTime();
    } catch (SQLException e) {
      throw new IOException("cannot hold a read transaction on " + db + ": "
          + SqliteFailure.of(e).explain(e), e);
    }
  }

  private void releasePin() throws IOException {
    try {
      pin.release();
    } catch (SQLException e) {
      throw new IOException("cannot end the read transaction on " + db, e);
    }
    pinnedSinceLastRead = false;
    releasedAt = System.nanoTime();
  }

  /**
   * How far into the WAL's current life the follower has read, in frames. Not the file's
   * size: SQLite does not shrink the file, so after the log once grew (held back while
   * shipping lagged, 2.5 GB in the benchmark) the size says nothing about the life, and the
   * transaction would be let go at every tick, long before SQLite can restart the log, which
   * only lengthens the time a second restart can slip between two reads.
   */
  private long lifeFrames() {
    return follower.position().map(WalPosition::frameIndex).orElse(0L);
  }

  private void onShipFailure(IOException e) throws IOException, BulwarkException {
    Instant now = clock.instant();
    if (failingSince == null) {
      failingSince = now;
    }
    synchronized (monitor) {
      lastFailure = e;
    }
    LOG.warn("replicating {} failed, retrying in {} ms (at once for a caller waiting for"
        + " durability): {}", db, interval.toMillis(), e.toString());
    retryAt = System.nanoTime() + interval.toNanos();
    if (Duration.between(failingSince, now).compareTo(STALL_LIMIT) > 0) {
      // Holding the WAL back any longer would let it grow without bound: let SQLite
      // checkpoint; the follower will report the gap this opens once shipping works again.
      releasePin();
      mode = Mode.UNPINNED;
    }
  }

  @Override
  public Snapshot snapshot() throws IOException, BulwarkException, InterruptedException {
    try {
      awaitDurable(Duration.ofMinutes(10));
    } catch (TimeoutException e) {
      throw new IOException("cannot snapshot " + db + ": " + e.getMessage(), e);
    }
    return fold();
  }

  /**
   * Builds a snapshot of the current generation's newest shipped point from its newest
   * snapshot and the segments after it. One at a time: a periodic one and a requested one
   * would otherwise fold the same pages twice.
   */
  private Snapshot fold() throws IOException, BulwarkException {
    synchronized (folding) {
      lease.requireHeld();
      StreamPosition at;
      synchronized (monitor) {
        at = shipped;
      }
      if (at == null) {
        throw new IllegalStateException("nothing has been shipped yet");
      }
      List<Snapshot> ours = new ArrayList<>();
      for (Snapshot s : repo.snapshots()) {
        Optional<StreamTags> t = DatabaseTags.fromTags(s.tags()).flatMap(StreamTags::of);
        if (t.isPresent() && t.get().databaseId().equals(databaseId)
            && t.get().generation() == at.generation()) {
          ours.add(s);
        }
      }
      ReplayPlan plan = new ReplayPlanner(repo).plan(ours, ReplayTarget.position(at))
          .orElseThrow(() -> new IllegalStateException("generation "
              + SegmentName.generation(at.generation()) + " has no snapshot"));
      if (plan.segments().isEmpty()) {
        return plan.snapshot();
      }
      List<SegmentRef> refs = plan.segments().stream().map(PlannedSegment::ref).toList();
      try (Lock lock = repo.lock(false)) {
        // Changed pages past the fold's budget spill beside the snapshot copies, not to /tmp.
        FoldResult r = new SnapshotFolder(repo, backupOptions, Segment.MAX_PAGE_BYTES,
            scratchDir).fold(lock, plan.snapshot(), refs);
        lock.releaseAfterSuccess();
        LOG.info("{}: snapshot {} built from the stream up to transaction {} ({} segments, {}"
            + " chunks rewritten)", db, r.snapshot().id().shortForm(), r.position().txid(),
            r.segments(), r.chunksWritten());
        return r.snapshot();
      }
    }
  }

  private void foldQuietly() {
    try {
      fold();
    } catch (IOException | BulwarkException | RuntimeException e) {
      LOG.warn("building a snapshot of {} from its stream failed, trying again later: {}", db,
          e.toString());
    }
  }

  /**
   * Removes the segments of this stream its retention no longer needs (the stream part of a
   * prune, for this database only). It needs an exclusive lock: while another process backs up
   * or prunes, it waits for the next round.
   */
  private void applyRetention() {
    if (!lease.isHeld()) {
      return; // only the stream's one writer removes its segments
    }
    try (Lock lock = repo.lock(true)) {
      new StreamPruner(repo, databaseId, options.retention()).run(lock, clock.instant());
      lock.releaseAfterSuccess();
    } catch (RepositoryLockedException e) {
      LOG.debug("stream retention of {} waits for the next round: {}", db, e.getMessage());
    } catch (IOException | BulwarkException | RuntimeException e) {
      LOG.warn("applying the stream retention of {} failed, trying again later: {}", db,
          e.toString());
    }
  }

  /** One round of compaction of the current generation; a failure waits for the next round. */
  private void compact() {
    StreamPosition at;
    synchronized (monitor) {
      at = shipped;
    }
    if (at == null) {
      return;
    }
    try {
      compactor.compact(databaseId, at.generation(), clock.instant());
    } catch (IOException | BulwarkException | RuntimeException e) {
      LOG.warn("compacting the stream of {} failed, trying again later: {}", db, e.toString());
    }
  }

  // ---- generations and state ----

  private void resumeOrBegin() throws IOException, BulwarkException {
    Optional<ReplicaState> saved = ReplicaState.read(stateFile);
    String why = saved.isEmpty() ? "no replication state to resume" : resumable(saved.get());
    if (why != null) {
      beginGeneration(why);
      return;
    }
    state = saved.get();
    hashes = PageHashes.open(hashFile);
    if (hashes.xor(state.pageCount()) != state.checksum().value()) {
      beginGeneration("the page hashes kept beside the state do not add up to its checksum");
      return;
    }
    fileKey = currentFileKey();
    reloadFromState();
    LOG.info("{}: resuming generation {} at transaction {}", db,
        SegmentName.generation(state.generation()), state.txid());
    replayLog();
    pinnedSinceLastRead = false; // nothing held the WAL back while we were not running
  }

  /** Why {@code s} cannot be continued, or null if it can. */
  private @Nullable String resumable(ReplicaState s) throws IOException, BulwarkException {
    if (!s.repositoryId().equals(repo.config().id())) {
      return "the saved state belongs to another repository";
    }
    if (!s.databaseId().equals(databaseId)) {
      return "the saved state belongs to stream " + s.databaseId();
    }
    if (!s.databaseFile().equals(String.valueOf(currentFileKey()))) {
      return "the database file was replaced since the last run";
    }
    if (!Files.exists(hashFile)) {
      return "the page hashes kept beside the state are missing";
    }
    if (s.life() == null && !logContinues(s)) {
      // No WAL existed at the saved position, so no log can show what was committed since:
      // SQLite may have written transactions into a log, copied them into the database and
      // deleted that log while nothing replicated.
      return "no WAL position was saved, so commits made while the replicator was stopped"
          + " cannot be ruled out";
    }
    List<SegmentRef> refs = store.list(databaseId, s.generation());
    long last = refs.isEmpty() ? 0 : refs.get(refs.size() - 1).lastTxid();
    if (last != s.txid()) {
      return "the repository holds generation " + SegmentName.generation(s.generation())
          + " up to transaction " + last + ", the saved state says " + s.txid();
    }
    return null;
  }

  /**
   * True if the local log holds the transaction after {@code s}: it was read while the first
   * WAL was held back from its start, so the log carries the history on from there.
   */
  private boolean logContinues(ReplicaState s) {
    return log != null && log.recovered().stream()
        .anyMatch(e -> e.generation() == s.generation() && e.txid() == s.txid() + 1);
  }

  private void reloadFromState() throws IOException {
    follower = follower(state.life(), state.position());
    assembler = new SegmentAssembler(state.generation(), state.txid(), state.pageSize(),
        state.pageCount(), state.checksum(), hashes, clock, new Shipping(), this::currentLife);
    sink = log == null ? assembler
        : new LoggingSink(assembler, log, state.generation(), this::currentLife);
  }

  /**
   * A follower of the WAL from {@code position} in {@code life}, reading a quarter of the
   * pending bound a poll: reading stops at the bound, so memory peaks at the bound plus one
   * poll (measured 126 MiB with a whole bound a poll).
   */
  private WalFollower follower(@Nullable WalHeader life, @Nullable WalPosition position) {
    return new WalFollower(wal, life, position, MAX_PENDING_BYTES / 4 / (state.pageSize() + 24));
  }

  private @Nullable WalHeader currentLife() {
    return replayLife != null ? replayLife : follower.life().orElse(null);
  }

  /**
   * Ships the transactions of the local log that follow the saved state, before the WAL is
   * read again: SQLite may have restarted the WAL meanwhile, so they may be nowhere else. They
   * must continue the state exactly (the next transaction, in the same WAL life further on or
   * in the next life); the log stops being used at the first that does not. The WAL is then
   * followed from after the last one shipped, with the usual checks.
   */
  private void replayLog() throws IOException {
    if (log == null) {
      return;
    }
    long next = state.txid() + 1;
    WalHeader life = state.life();
    WalPosition at = state.position();
    LocalStreamLog.Entry last = null;
    for (LocalStreamLog.Entry e : log.recovered()) {
      if (e.generation() != state.generation() || e.txid() < next) {
        continue;
      }
      String broken = e.txid() != next ? "transaction " + e.txid() + " follows " + (next - 1)
          : !continues(life, at, e) ? "transaction " + e.txid() + " does not continue the WAL"
          : null;
      if (broken != null) {
        LOG.warn("{}: the local stream log {} stops being used: {}", db, log.file(), broken);
        break;
      }
      replayLife = e.life();
      for (WalFrame f : e.frames()) {
        assembler.frame(f);
      }
      assembler.commit(e.end(), e.dbSizePages());
      replayLife = null;
      last = e;
      life = e.life();
      at = e.end();
      next++;
    }
    if (last != null) {
      LOG.info("{}: shipping transactions {} to {} from the local stream log first", db,
          state.txid() + 1, last.txid());
      assembler.flush();
      follower = follower(last.life(), last.end());
    }
    // What was usable is shipped; the rest can never be continued from.
    log.reset();
  }

  private static boolean continues(@Nullable WalHeader life, @Nullable WalPosition at,
      LocalStreamLog.Entry e) {
    if (life == null) {
      // The first WAL: the follower took it while the read transaction held it back.
      return e.end().sameLifeAs(e.life());
    }
    if (e.life().pageSize() != life.pageSize()) {
      return false;
    }
    if (e.life().equals(life)) {
      return e.end().sameLifeAs(life) && e.end().frameIndex() > at.frameIndex();
    }
    return e.life().salt1() == life.salt1() + 1 && e.end().sameLifeAs(e.life());
  }

  private void beginGeneration(String reason) throws IOException, BulwarkException {
    lease.requireHeld();
    long generation = GenerationIds.next(clock);
    LOG.info("{}: starting generation {}: {}", db, SegmentName.generation(generation), reason);
    shipBeforeBreak();
    if (hashes != null) {
      hashes.close();
    }
    hashes = PageHashes.create(hashFile);
    fileKey = currentFileKey();
    GenerationStart.Base base = GenerationStart.take(db, scratchDir, wal, pin, repo, databaseId,
        generation, lease.epoch(), hashes, backupOptions);
    state = new ReplicaState(repo.config().id(), databaseId, String.valueOf(fileKey),
        generation, 0, base.pageSize(), base.pageCount(), base.checksum(), base.life(),
        base.position());
    state.write(stateFile);
    if (log != null) {
      log.reset(); // the generation's snapshot holds everything logged
    }
    reloadFromState();
    pinnedSinceLastRead = true; // pinned at exactly the position the stream starts from
    mode = Mode.PINNED;
    synchronized (monitor) {
      shipped = new StreamPosition(generation, 0);
    }
  }

  /**
   * Ships the transactions read before a break (they are the old generation's history, and a
   * restore to a moment before the break needs them), which also frees their memory for the
   * new generation's snapshot (a 1 GiB database's snapshot ran out of a 512 MiB heap beside
   * 126 MiB still pending). If shipping fails, the snapshot holds their pages anyway; only the
   * points in time between them and the snapshot are lost.
   */
  private void shipBeforeBreak() {
    if (assembler == null || assembler.pendingBytes() == 0) {
      return;
    }
    try {
      assembler.flush();
    } catch (IOException e) {
      LOG.warn("{}: the transactions read before the break could not be shipped: {}", db,
          e.toString());
    }
  }

  private final class Shipping implements SegmentAssembler.Shipper {
    /** The first transaction of a segment whose shipment failed, else -1. */
    private long failedFirst = -1;

    @Override
    public void ship(Segment segment) throws IOException {
      try {
        lease.requireHeld();
        Segment stamped = segment.withEpoch(lease.epoch());
        if (segment.firstTxid() == failedFirst) {
          // The failed attempt may have landed: compare rather than write blindly.
          store.save(databaseId, stamped);
        } else {
          store.saveNew(databaseId, stamped);
        }
        failedFirst = -1;
      } catch (BulwarkException e) {
        failedFirst = segment.firstTxid();
        throw new IOException(e.getMessage(), e);
      } catch (IOException | RuntimeException e) {
        failedFirst = segment.firstTxid();
        throw e;
      }
      CrashPoint.reach(CrashPoint.SHIPPED);
      if (releaseWaitersOnShipment && assembler.sealedSegments() == 1) {
        // Everything this cycle read is in the repository now: what a SYNC caller waits for.
        // Recording it locally (page hashes, state file: three fsyncs) need not delay them; a
        // crash before the record leaves the repository ahead of the state, which a restart
        // answers with a new generation, the transactions kept.
        synchronized (monitor) {
          // A flush seals everything read before shipping: after its last segment nothing
          // read is pending.
          shipped = new StreamPosition(segment.generation(), segment.lastTxid());
          pending = 0;
          oldestPending = null;
          cyclesDone = cyclesStarted;
          monitor.notifyAll();
        }
      }
    }

    @Override
    public void recorded(Segment segment, @Nullable WalHeader life, WalPosition end)
        throws IOException {
      // What a restart after a crash resumes from. A crash before this line leaves the
      // repository ahead of the state, which resume refuses (a new generation follows).
      hashes.force();
      state = state.advance(segment.lastTxid(), segment.pageCount(), segment.after(), life,
          life == null ? null : end);
      state.write(stateFile);
      CrashPoint.reach(CrashPoint.RECORDED);
      if (log != null && log.lastTxid() <= segment.lastTxid()) {
        log.reset(); // everything logged is shipped
      }
      compactor.shipped(databaseId, segment);
      synchronized (monitor) {
        shipped = new StreamPosition(segment.generation(), segment.lastTxid());
      }
    }
  }

  private boolean databaseReplaced() throws IOException {
    return fileKey != null && !fileKey.equals(currentFileKey());
  }

  private @Nullable Object currentFileKey() throws IOException {
    return Files.readAttributes(db, java.nio.file.attribute.BasicFileAttributes.class)
        .fileKey();
  }

  private void shutDown() {
    maintenance.shutdownNow();
    try {
      lease.close(); // nothing more is shipped: the next replicator need not wait
    } catch (IOException e) {
      LOG.warn("releasing the lease of {} failed; the next replicator waits for it to expire:"
          + " {}", db, e.toString());
    }
    try {
      pin.close();
    } catch (SQLException e) {
      LOG.debug("closing the read transaction failed", e);
    }
    try {
      if (hashes != null) {
        hashes.close();
      }
      if (log != null) {
        log.close();
      }
    } catch (IOException e) {
      LOG.debug("closing the page hashes or the local stream log failed", e);
    }
  }
}
