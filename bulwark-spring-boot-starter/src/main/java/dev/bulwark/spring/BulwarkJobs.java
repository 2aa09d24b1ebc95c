package dev.bulwark.spring;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.api.CheckDepth;
import dev.bulwark.core.api.Database;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.check.CheckResult;
import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.core.fs.FileTrees;
import dev.bulwark.core.fs.Leftovers;
import dev.bulwark.core.prune.PruneOptions;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.RestoreOption;
import dev.bulwark.core.retention.ForgetPlan;
import dev.bulwark.core.stream.ReplayTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Scheduled snapshots (each followed by retention: forget, then prune if anything was
 * forgotten) and verifications of the database, on one daemon thread of its own rather than
 * the application's task scheduler, so a long backup never holds up the application's tasks;
 * also "back up now" and "verify now" on that thread. Each run is logged with its outcome.
 * Starts after the stream and stops before it (a snapshot may be built from the stream).
 */
public final class BulwarkJobs implements SmartLifecycle {
  /** Just above the stream's phase: started after it, stopped before it. */
  public static final int PHASE = BulwarkStream.PHASE + 1;
  private static final Logger LOG = LoggerFactory.getLogger(BulwarkJobs.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private final BulwarkRepository repo;
  private final BulwarkSettings settings;
  private final BulwarkStream stream;
  /** What a backup reads: for RocksDB, the application's open handle once it exists. */
  private final Supplier<Database> live;
  private final Clock clock;
  private final AtomicLong backupFailures = new AtomicLong();
  private final AtomicLong verifyFailures = new AtomicLong();
  private volatile @Nullable ScheduledThreadPoolExecutor executor;
  private volatile @Nullable JobResult lastBackup;
  private volatile @Nullable JobResult lastSuccessfulBackup;
  private volatile @Nullable JobResult lastVerify;
  private volatile @Nullable JobResult lastSuccessfulVerify;
  private volatile @Nullable Snapshot newest;
  private volatile boolean backupRunning;

  BulwarkJobs(BulwarkRepository repo, BulwarkSettings settings, BulwarkStream stream,
      Supplier<Database> live, Clock clock) {
    this.repo = repo;
    this.settings = settings;
    this.stream = stream;
    this.live = live;
    this.clock = clock;
  }

  @Override
  public synchronized void start() {
    if (executor != null) {
      return;
    }
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "bulwark-jobs-" + settings.name());
      t.setDaemon(true);
      return t;
    });
    e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    e.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    executor = e;
    e.execute(() -> schedule(e));
  }

  /** Looks up the newest snapshot, then plans the periodic runs from it (on the job thread). */
  private void schedule(ScheduledThreadPoolExecutor e) {
    try {
      List<Snapshot> mine = repo.snapshots(settings.database());
      newest = mine.isEmpty() ? null : mine.get(mine.size() - 1);
    } catch (IOException | BulwarkException | RuntimeException ex) {
      LOG.warn("{}: cannot list its snapshots: {}", settings.name(), RestoreGate.oneLine(ex));
    }
    settings.schedule().ifPresent(every -> {
      // As the daemon: the next backup is due `every` after the newest snapshot.
      Snapshot n = newest;
      long delay = n == null ? 0 : Math.max(0,
          Duration.between(clock.instant(), n.time().plus(every)).toMillis());
      e.scheduleWithFixedDelay(this::scheduledBackup, delay, every.toMillis(),
          TimeUnit.MILLISECONDS);
      LOG.info("{}: a snapshot every {}, the next in {}", settings.name(),
          DurationText.of(every), DurationText.of(Duration.ofSeconds(delay / 1000)));
    });
    settings.verify().ifPresent(every -> e.scheduleWithFixedDelay(this::scheduledVerify,
        every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS));
  }

  private void scheduledBackup() {
    try {
      backup();
    } catch (Exception e) {
      // Logged and counted by backup(); the schedule goes on.
    }
  }

  private void scheduledVerify() {
    try {
      verify();
    } catch (Exception e) {
      // Logged and counted by verify(); the schedule goes on.
    }
  }

  /**
   * Backs up now on the job thread (after a run in progress) and waits for it.
   *
   * @return the snapshot made
   * @throws BulwarkException if it failed (the line is also logged)
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  public Snapshot backupNow() throws BulwarkException, InterruptedException {
    return await(this::backup);
  }

  /**
   * Verifies the newest snapshot now on the job thread and waits for it.
   *
   * @return the snapshot verified
   * @throws BulwarkException if it failed
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  public Snapshot verifyNow() throws BulwarkException, InterruptedException {
    return await(this::verify);
  }

  private <T> T await(Callable<T> job) throws BulwarkException, InterruptedException {
    ScheduledThreadPoolExecutor e = executor;
    if (e == null) {
      throw new BulwarkException("Bulwark's jobs are not running (the application is "
          + "starting or stopping)");
    }
    Future<T> f;
    try {
      f = e.submit(job);
    } catch (RejectedExecutionException ex) {
      throw new BulwarkException("Bulwark's jobs are stopping with the application", ex);
    }
    try {
      return f.get();
    } catch (CancellationException ex) {
      throw new BulwarkException("Bulwark's jobs stopped with the application before this run",
          ex);
    } catch (ExecutionException ex) {
      Throwable c = ex.getCause();
      throw c instanceof BulwarkException b ? b
          : new BulwarkException(RestoreGate.oneLine(c), c);
    }
  }

  /** One backup and its retention, recorded and logged. */
  private Snapshot backup() throws Exception {
    Instant started = clock.instant();
    backupRunning = true;
    try {
      Snapshot s = takeSnapshot();
      newest = s;
      JobResult r = result(started, s, null);
      lastBackup = r;
      lastSuccessfulBackup = r;
      LOG.info("{}: backup done: snapshot {} in {} ms", settings.name(), shortId(s),
          r.took().toMillis());
      applyRetention();
      return s;
    } catch (Exception e) {
      backupFailures.incrementAndGet();
      lastBackup = result(started, null, e);
      LOG.warn("{}: backup failed: {}", settings.name(), RestoreGate.oneLine(e));
      throw e;
    } finally {
      backupRunning = false;
    }
  }

  /**
   * A snapshot built from the stream while it runs (no copy of the database), else a copy;
   * with files to travel with it, always a copy, which carries them.
   */
  private Snapshot takeSnapshot() throws IOException, BulwarkException, InterruptedException {
    if (settings.files().isEmpty()) {
      Optional<Snapshot> fromStream = stream.snapshot();
      if (fromStream.isPresent()) {
        return fromStream.get();
      }
    }
    List<Source> sources = new ArrayList<>();
    sources.add(live.get());
    if (!settings.files().isEmpty()) {
      sources.add(FileSource.of(settings.files()).ownerOnly());
    }
    return repo.backup(sources.toArray(Source[]::new));
  }

  private void applyRetention() throws IOException, BulwarkException {
    if (settings.retention().isEmpty()) {
      return;
    }
    ForgetPlan plan = repo.forget(settings.database(), settings.retention());
    if (plan.removed().isEmpty()) {
      return;
    }
    LOG.info("{}: retention removed {} snapshot(s)", settings.name(), plan.removed().size());
    if (settings.prune()) {
      repo.prune(PruneOptions.defaults());
      LOG.info("{}: pruned the data of the removed snapshots", settings.name());
    }
  }

  /**
   * Checks the repository's structure, then restores the newest snapshot (with the stream
   * replayed onto it, for a streamed database) into a private folder beside the database,
   * which verifies it as every restore does, and deletes that folder.
   */
  private Snapshot verify() throws Exception {
    Instant started = clock.instant();
    try {
      CheckResult check = repo.check(CheckDepth.STRUCTURE);
      if (!check.ok()) {
        throw new BulwarkException("the repository check found " + check.errors().size()
            + " error(s), the first: " + check.errors().get(0));
      }
      Snapshot s = restoreNewestAside();
      JobResult r = result(started, s, null);
      lastVerify = r;
      lastSuccessfulVerify = r;
      LOG.info("{}: verification done: snapshot {} restores and checks out ({} ms)",
          settings.name(), shortId(s), r.took().toMillis());
      return s;
    } catch (Exception e) {
      verifyFailures.incrementAndGet();
      lastVerify = result(started, null, e);
      LOG.warn("{}: verification failed: {}", settings.name(), RestoreGate.oneLine(e));
      throw e;
    }
  }

  private Snapshot restoreNewestAside() throws IOException, BulwarkException {
    Path db = settings.database().path();
    String prefix = "." + AtomicFiles.siblingBase(db, 64) + ".bulwark-verify-";
    for (Path p : Leftovers.abandoned(db.getParent(), prefix)) {
      FileTrees.deleteRecursively(p);
    }
    Path dir = db.resolveSibling(Leftovers.ownName(prefix));
    FileTrees.deleteRecursively(dir);
    AtomicFiles.createDirectories(dir);
    try {
      return repo.restore(settings.database(), ReplayTarget.newest(),
          dir.resolve(db.getFileName()), RestoreOption.NO_FILES).snapshot()
          .orElseThrow(() -> new BulwarkException("no snapshot of " + db + " to verify"));
    } finally {
      FileTrees.deleteRecursively(dir);
    }
  }

  private JobResult result(Instant started, @Nullable Snapshot s, @Nullable Exception e) {
    return new JobResult(started, Duration.between(started, clock.instant()),
        Optional.ofNullable(s).map(x -> x.id() == null ? "" : x.id().toString()),
        Optional.ofNullable(s).map(Snapshot::time),
        Optional.ofNullable(e).map(RestoreGate::oneLine));
  }

  private static String shortId(Snapshot s) {
    return s.id() == null ? "?" : s.id().shortForm();
  }

  @Override
  public synchronized void stop() {
    ScheduledThreadPoolExecutor e = executor;
    if (e == null) {
      return;
    }
    executor = null;
    // A job in progress is interrupted: the library stops it at its next safe point and
    // leaves the repository valid (a backup then writes no snapshot).
    for (Runnable queued : e.shutdownNow()) {
      // A "back up now" still queued: its caller waits on it, so end that wait.
      if (queued instanceof Future<?> f) {
        f.cancel(false);
      }
    }
    try {
      if (!e.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{}: a Bulwark job did not stop within {}", settings.name(),
            DurationText.of(STOP_WAIT));
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return executor != null;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /**
   * The database's name, as in logs and metrics.
   *
   * @return its name
   */
  public String databaseName() {
    return settings.name();
  }

  /**
   * The newest snapshot of the database known here (listed at start, or made since).
   *
   * @return the snapshot, or empty if there is none
   */
  public Optional<Snapshot> newestSnapshot() {
    return Optional.ofNullable(newest);
  }

  /**
   * The last backup, whatever its outcome, since the start.
   *
   * @return its result, or empty if none ran
   */
  public Optional<JobResult> lastBackup() {
    return Optional.ofNullable(lastBackup);
  }

  /**
   * The last backup that succeeded, since the start.
   *
   * @return its result, or empty if none succeeded
   */
  public Optional<JobResult> lastSuccessfulBackup() {
    return Optional.ofNullable(lastSuccessfulBackup);
  }

  /**
   * The last verification, whatever its outcome, since the start.
   *
   * @return its result, or empty if none ran
   */
  public Optional<JobResult> lastVerify() {
    return Optional.ofNullable(lastVerify);
  }

  /**
   * The last verification that succeeded, since the start.
   *
   * @return its result, or empty if none succeeded
   */
  public Optional<JobResult> lastSuccessfulVerify() {
    return Optional.ofNullable(lastSuccessfulVerify);
  }

  /**
   * Backups that failed since the start.
   *
   * @return how many
   */
  public long backupFailures() {
    return backupFailures.get();
  }

  /**
   * Verifications that failed since the start.
   *
   * @return how many
   */
  public long verifyFailures() {
    return verifyFailures.get();
  }

  /**
   * True while a backup runs.
   *
   * @return whether one runs now
   */
  public boolean backupRunning() {
    return backupRunning;
  }

  /**
   * This host's snapshots of the database, oldest first, as the repository lists them now.
   *
   * @return the snapshots
   * @throws IOException if the repository cannot be read
   * @throws BulwarkException if the snapshots cannot be listed
   */
  public List<Snapshot> snapshots() throws IOException, BulwarkException {
    return repo.snapshots(settings.database());
  }
}
