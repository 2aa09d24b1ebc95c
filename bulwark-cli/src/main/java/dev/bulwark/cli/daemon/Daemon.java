package dev.bulwark.cli.daemon;

import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.ConfigSource;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.GroupConfig;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.job.YieldFile;
import dev.bulwark.core.job.YieldSignal;
import dev.bulwark.core.repo.LockRequests;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Host;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseSnapshots;
import dev.bulwark.core.retention.ForgetPlan;
import dev.bulwark.core.retention.Forgetter;
import dev.bulwark.core.retention.GroupBy;
import dev.bulwark.core.retention.Retention;
import dev.bulwark.core.retention.RetentionPolicy;
import dev.bulwark.core.stream.StartupPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon behind {@code bulwark run}: backs up each configured database on its schedule,
 * verifies its newest snapshot on another, restores missing databases on start, and answers
 * {@link DaemonControl}. All work runs as jobs, one at a time and the most urgent first (see
 * {@link JobPriority}; a less urgent job yields at its next checkpoint), under one {@link
 * Supervisor}; one {@link Scheduler} thread starts them when due. Databases configured with
 * {@code stream:} are kept streaming beside the jobs ({@link DatabaseStreams}). Times come from
 * the injected clock.
 *
 * <p>Life: {@link #open} unlocks the repository, {@link #start()} queues the auto-restores
 * (so they run before any backup), starts the streams and the scheduler, {@link #close()} stops
 * the scheduler, then the streams (each ships what is pending), then the supervisor (see
 * {@link Supervisor#close()}), then closes the repository; afterwards no thread of the daemon
 * remains. Thread-safe.
 */
public final class Daemon implements RunningDaemon {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  private static final GroupBy BY_HOST = new GroupBy(EnumSet.of(GroupBy.Field.HOST));
  /**
   * How far ahead of our clock a snapshot's time may be and still count for planning: clocks of
   * hosts that share a repository drift by seconds, but a snapshot an hour or years ahead (a
   * wrong clock, a hostile writer) would otherwise defer every backup until that time.
   */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

  private final Repository repo;
  private final String repositoryLocation;
  private final Path configFile;
  private final ConfigSource source;
  private final Clock clock;
  private final Instant started;
  private final Supervisor supervisor;
  private final Scheduler scheduler;
  private final DatabaseBackup backup;
  private final SnapshotVerification verification;
  private final DaemonMemory memory;
  private final AutoRestore autoRestore;
  private final DatabaseStreams streams;
  private final String host = Host.name();
  private final Set<Id> reportedFuture = new HashSet<>();
  private final Object lock = new Object();
  private final Map<String, DatabaseState> databases = new LinkedHashMap<>();
  /**
   * The configured groups by name; each is also scheduled in {@link #databases} under its
   * name, as a {@link DatabaseConfig} without kind or path ({@link #scheduleOf}). Guarded by
   * {@link #lock}.
   */
  private final Map<String, GroupConfig> groups = new LinkedHashMap<>();
  /** Checkpoint interval and daemon-wide yield signal (run's --yield-file) of every job. */
  private volatile CheckpointPolicy checkpoints = CheckpointPolicy.defaults();
  private final LockRequests lockRequests;
  /** The repository's name in the log when a configuration has several; null with one. */
  private volatile String repositoryName;
  private long repositoryBytes;
  private int snapshotCount;
  private boolean running;
  private boolean closed;

  private Daemon(BulwarkConfig config, Repository repo, ConfigSource source, Clock clock,
      Duration stopGrace) {
    this.repo = repo;
    this.repositoryLocation = config.repository();
    this.configFile = config.file();
    this.source = source;
    this.clock = clock;
    this.started = clock.instant();
    this.backup = new DatabaseBackup(repo, clock);
    this.verification = new SnapshotVerification(repo);
    this.autoRestore = new AutoRestore(repo);
    this.lockRequests = new LockRequests(repo);
    this.supervisor = new Supervisor(clock, stopGrace, new Supervisor.Listener() {
      @Override
      public void started(Job job) {
        if (job.resumes() == null) {
          LOG.info("{} started", describe(job));
        } else {
          LOG.info("{} started: resumes job {} from its checkpoint", describe(job),
              job.resumes());
        }
      }

      @Override
      public void ended(Job job) {
        jobEnded(job);
      }
    });
    this.scheduler = new Scheduler(clock, this::runDue);
    this.streams = new DatabaseStreams(repo, clock);
    this.memory = new DaemonMemory(repo, host, clock);
    for (DatabaseConfig d : config.databases()) {
      databases.put(d.name(), new DatabaseState(d));
    }
    for (GroupConfig g : config.groups()) {
      groups.put(g.name(), g);
      databases.put(g.name(), new DatabaseState(scheduleOf(g)));
    }
  }

  /**
   * A group as the scheduler, the status and the API see it: its name, files, schedule and
   * retention; no kind or path (so no verification, auto-restore, stream or daemon record).
   */
  private static DatabaseConfig scheduleOf(GroupConfig g) {
    return new DatabaseConfig(g.name(), null, null, g.files(), g.every(), g.retention(), null,
        false, null, null);
  }

  /**
   * Opens the configured repository with the first unlock file that opens it.
   *
   * @param source where {@link #reload()} reads the configuration again
   * @param stopGrace how long {@link #close()} lets a job in progress go on before
   *     interrupting it
   * @throws dev.bulwark.core.WrongPasswordException if no unlock file opens it
   */
  public static Daemon open(BulwarkConfig config, ConfigSource source, Clock clock,
      Duration stopGrace) throws IOException, BulwarkException {
    return new Daemon(config, RepositoryUnlock.open(config), source, clock, stopGrace);
  }

  /**
   * What the start-up check of each streamed database lets through (default: only a database
   * that continues its stream); call before {@link #start()}.
   */
  public void startupPolicy(StartupPolicy policy) {
    streams.startupPolicy(policy);
  }

  /**
   * How often the daemon's jobs checkpoint, and a daemon-wide signal (the sentinel file of
   * {@code run --yield-file}) that asks every job to yield; call before {@link #start()}.
   */
  public void checkpoints(CheckpointPolicy policy) {
    checkpoints = java.util.Objects.requireNonNull(policy, "policy");
  }

  /** How long a job that yielded to an outside signal waits before it looks again (tests). */
  void resumeBackoff(Duration d) {
    supervisor.resumeBackoff(d);
  }

  /**
   * Queues the auto-restores, starts streaming the databases configured with {@code stream:}
   * (one that is missing until its auto-restore ran starts on a later try), then starts
   * scheduling.
   */
  public void start() {
    List<DatabaseConfig> configs;
    synchronized (lock) {
      if (running || closed) {
        throw new IllegalStateException("already started or closed");
      }
      running = true;
      configs = configs();
    }
    recall(configs);
    synchronized (lock) {
      // Queued before the scheduler runs, and jobs run in order: restores come first.
      for (DatabaseState s : databases.values()) {
        if (s.config.autoRestore()) {
          DatabaseConfig db = s.config;
          // Nothing yields to it: it runs before anything else is queued.
          supervisor.submit(JobKind.RESTORE, db.name(), JobPriority.URGENT, YieldSignal.NEVER,
              y -> autoRestore.run(db));
        }
      }
      configs = configs();
    }
    streams.apply(configs);
    refreshRepositoryStats();
    scheduler.start();
  }

  /**
   * Restores {@code db} now from this daemon's repository if it is missing and a snapshot
   * exists (what auto-restore does at start); {@link RepositoryDaemons} asks each repository
   * in turn.
   */
  Job.Outcome restoreIfMissing(DatabaseConfig db) throws IOException, BulwarkException {
    return autoRestore.run(db);
  }

  @Override
  public JobHandle backupNow(String database) throws UnknownDatabaseException {
    synchronized (lock) {
      return submitBackup(state(database), JobPriority.URGENT);
    }
  }

  @Override
  public JobHandle verifyNow(String database) throws UnknownDatabaseException {
    synchronized (lock) {
      if (groups.containsKey(database)) {
        // Verification restores one database; a group's members are verified by their names.
        throw new UnknownDatabaseException(database, "is a group: verify its databases by "
            + "their own names");
      }
      return submitVerify(state(database));
    }
  }

  @Override
  public DaemonStatus status() {
    synchronized (lock) {
      List<DatabaseStatus> out = new ArrayList<>();
      for (DatabaseState s : databases.values()) {
        String name = s.config.name();
        out.add(s.toStatus(current(name)).withStream(streams.status(name)));
      }
      return new DaemonStatus(started, repositoryLocation, repositoryBytes, snapshotCount, out);
    }
  }

  @Override
  public Map<String, Duration> backupIntervals(String repository) {
    synchronized (lock) {
      Map<String, Duration> out = new LinkedHashMap<>();
      databases.forEach((name, s) -> {
        if (s.config.every() != null) {
          out.put(name, s.config.every());
        }
      });
      return out;
    }
  }

  @Override
  public List<Snapshot> snapshots(String database)
      throws UnknownDatabaseException, IOException, BulwarkException {
    DatabaseConfig db = null;
    if (database != null) {
      synchronized (lock) {
        db = state(database).config;
      }
    }
    List<Snapshot> all = repo.snapshots();
    return db == null ? all : snapshotsOf(db, all);
  }

  @Override
  public void reload() throws ConfigException, IOException {
    BulwarkConfig next = source.load();
    List<DatabaseConfig> configs;
    synchronized (lock) {
      if (!next.repository().equals(repositoryLocation)) {
        LOG.warn("reload: the repository changed to {}; that takes a restart", next.repository());
      }
      Map<String, DatabaseState> old = new LinkedHashMap<>(databases);
      databases.clear();
      groups.clear();
      List<DatabaseConfig> scheduled = new ArrayList<>(next.databases());
      for (GroupConfig g : next.groups()) {
        groups.put(g.name(), g);
        scheduled.add(scheduleOf(g));
      }
      for (DatabaseConfig d : scheduled) {
        DatabaseState s = old.remove(d.name());
        if (s == null) {
          s = new DatabaseState(d);
        } else {
          s.reconfigure(d);
        }
        databases.put(d.name(), s);
      }
      for (String gone : old.keySet()) {
        LOG.info("reload: {} is no longer configured; its job in progress, if any, finishes",
            gone);
      }
      LOG.info("reloaded {}: {} database(s)", configFile, databases.size());
      configs = configs();
    }
    streams.apply(configs);
    scheduler.wake();
  }

  // ------------------------------------------------------------------ scheduling

  /** The scheduler's round: plans what is unknown, starts what is due, says when to wake. */
  private Instant runDue(Instant now) {
    boolean needPlan;
    synchronized (lock) {
      needPlan = databases.values().stream().anyMatch(DatabaseState::needsRepositoryScan);
    }
    List<Snapshot> snaps = null;
    if (needPlan) {
      try {
        snaps = repo.snapshots();
      } catch (IOException | BulwarkException e) {
        LOG.warn("cannot list snapshots to plan backups ({}); trying again in {}",
            Supervisor.oneLine(e), human(DatabaseState.RETRY_AFTER));
      }
    }
    synchronized (lock) {
      Instant earliest = needPlan && snaps == null ? now.plus(DatabaseState.RETRY_AFTER) : null;
      for (DatabaseState s : databases.values()) {
        if (snaps != null && s.needsRepositoryScan()) {
          plan(s, snaps, now);
        }
        s.planVerify(started);
        if (s.isBackupDue(now)) {
          submitBackup(s, JobPriority.NORMAL);
        }
        if (s.isVerifyDue(now)) {
          if (s.newestSnapshot == null) {
            s.nextVerify = now.plus(s.config.verifyEvery());
            LOG.info("verify of {}: no snapshot yet; next try at {}", s.config.name(),
                s.nextVerify);
          } else {
            submitVerify(s);
          }
        }
        earliest = min(earliest, s.nextBackup);
        earliest = min(earliest, s.nextVerify);
      }
      return earliest;
    }
  }

  /**
   * Plans from this host's snapshots of the database: another host's backup of the same path
   * is not ours, and one dated in the future is ignored (and reported), or it would defer our
   * backups until then and silence the staleness alert.
   */
  private void plan(DatabaseState s, List<Snapshot> snaps, Instant now) {
    Instant newest = null;
    int future = 0;
    for (Snapshot snap : snapshotsOf(s.config, snaps)) {
      if (snap.time().isAfter(now.plus(CLOCK_SKEW))) {
        future++;
        if (reportedFuture.add(snap.id())) {
          LOG.warn("{}: snapshot {} of host {} is dated {}, in the future (now {}); it is "
              + "ignored for scheduling; check that host's clock", s.config.name(),
              snap.id().shortForm(), snap.hostname(), snap.time(), now);
        }
      } else if (newest == null || snap.time().isAfter(newest)) {
        newest = snap.time();
      }
    }
    s.futureSnapshots = future;
    s.snapshotsScanned = true;
    if (!s.needsBackupPlan()) {
      // Only the first scan gets here (no schedule, or a backup pending): record what it saw.
      if (newest != null && (s.newestSnapshot == null || newest.isAfter(s.newestSnapshot))) {
        s.newestSnapshot = newest;
      }
      return;
    }
    s.planBackup(newest, now);
    LOG.info("{}: next backup at {} ({})", s.config.name(), s.nextBackup, newest == null
        ? "no snapshot of it from " + host + " yet"
        : "newest snapshot " + newest + " + " + human(s.config.every()));
  }

  /**
   * Queues a backup of {@code s}: urgent when asked over the API, normal when the schedule asks.
   * Only a scheduled one yields: someone waits for a requested one.
   */
  private Job submitBackup(DatabaseState s, JobPriority priority) {
    DatabaseConfig db = s.config;
    GroupConfig group = groups.get(db.name());
    YieldSignal outside = priority == JobPriority.URGENT ? YieldSignal.NEVER
        : outsideSignal(db);
    Job job = supervisor.submit(JobKind.BACKUP, db.name(), priority, outside, y -> {
      Job.Outcome o = group != null
          ? backup.runGroup(group, checkpoints.withYieldSignal(y)) : backupOf(db, y);
      if (o.problem() == null) {
        applyRetention(db);
      }
      return o;
    });
    if (refused(job)) {
      // Refused at once (queue full): plan a retry rather than wait for an end that came.
      s.backupEnded(job.status(), job.outcome(), clock.instant());
    } else {
      s.backupSubmitted();
    }
    return job;
  }

  /**
   * One scheduled or requested backup of {@code db}. A streamed database without travelling
   * files gets a snapshot built from its stream, which neither copies nor reads the database;
   * when that cannot be done now (not streaming at the moment, or the fold failed), the
   * database is copied as any other is, so the schedule never goes without its snapshot.
   */
  private Job.Outcome backupOf(DatabaseConfig db, YieldSignal yieldSignal)
      throws IOException, BulwarkException, InterruptedException {
    if (db.isStreamed() && db.files().isEmpty()) {
      try {
        Optional<Snapshot> folded = streams.snapshot(db.name());
        if (folded.isPresent()) {
          Snapshot s = folded.get();
          LOG.info("{}: snapshot {} built from the stream", db.name(), s.id().shortForm());
          return new Job.Outcome(s.id().toString(), s.time(), 0, null);
        }
        LOG.info("{}: not streaming at the moment; copying the database instead", db.name());
      } catch (IOException | BulwarkException | RuntimeException e) {
        LOG.warn("{}: cannot build the snapshot from the stream ({}); copying the database"
            + " instead", db.name(), Supervisor.oneLine(e));
      }
    }
    return backup.run(db, checkpoints.withYieldSignal(yieldSignal));
  }

  private Job submitVerify(DatabaseState s) {
    DatabaseConfig db = s.config;
    Job job = supervisor.submit(JobKind.VERIFY, db.name(), JobPriority.LOW, outsideSignal(db),
        y -> verification.run(db, checkpoints.withYieldSignal(y)));
    if (refused(job)) {
      s.verifyEnded(job.status(), clock.instant());
    } else {
      s.verifySubmitted();
    }
    return job;
  }

  /**
   * True for a job the supervisor refused at once. A job that already ran and ended (a quick
   * failure can end before submit returns) is not: its end is reported to {@link #jobEnded},
   * and counting it here too would count it twice.
   */
  /**
   * What asks a yielding job of {@code db} to stop from outside the daemon: the daemon-wide
   * sentinel file, the database's own, and another process waiting for the repository lock.
   */
  private YieldSignal outsideSignal(DatabaseConfig db) {
    YieldSignal own = db.yieldFile() == null ? YieldSignal.NEVER : new YieldFile(db.yieldFile());
    return YieldSignal.anyOf(List.of(checkpoints.yieldSignal(), own, lockRequests));
  }

  private static boolean refused(Job job) {
    JobStatus st = job.status();
    return st.state().isDone() && st.started() == null;
  }

  /**
   * Applies the database's retention policy after a successful backup: this host's snapshots
   * of it (another host sharing the repository applies its own policy to its own), grouped
   * by host only (a change of attached files must not start a new group that retention never
   * thins), under an exclusive lock. Only snapshot files go; data stays until a prune. A
   * failure here does not fail the backup, which is saved: it is logged and the next backup
   * tries again.
   */
  private void applyRetention(DatabaseConfig db) {
    RetentionPolicy policy = db.retention();
    if (policy.isEmpty()) {
      return;
    }
    try (Lock exclusive = repo.lock(true)) {
      List<Snapshot> mine = snapshotsOf(db, repo.snapshots());
      ForgetPlan plan = Retention.plan(mine, policy, BY_HOST, clock.instant());
      if (!plan.removed().isEmpty()) {
        Forgetter.remove(repo, exclusive, plan.removed(), s -> { });
        LOG.info("{}: retention removed {} snapshot(s), kept {}", db.name(),
            plan.removed().size(), plan.kept().size());
      }
    } catch (IOException | BulwarkException e) {
      LOG.warn("{}: retention not applied this time: {}", db.name(), e.getMessage());
    }
  }

  private void jobEnded(Job job) {
    refreshRepositoryStats();
    JobStatus st = job.status();
    Instant now = clock.instant();
    DaemonMemory.Pending remembered = null;
    synchronized (lock) {
      DatabaseState s = databases.get(job.database());
      String next = "";
      if (s != null && st.state() == JobState.YIELDED) {
        s.jobYielded(st);
      } else if (s != null && job.kind() == JobKind.BACKUP) {
        s.backupEnded(st, job.outcome(), now);
        next = s.nextBackup == null ? "" : "; next backup at " + s.nextBackup;
      } else if (s != null && job.kind() == JobKind.VERIFY) {
        s.verifyEnded(st, now);
      }
      if (s != null && s.config.path() != null
          && (job.kind() == JobKind.BACKUP || job.kind() == JobKind.VERIFY)) {
        remembered = memory.take(s);
      }
      String took = " in " + String.format(Locale.ROOT, "%.1f s",
          st.duration().toMillis() / 1000.0);
      String what = describe(job);
      switch (st.state()) {
        case SUCCEEDED -> LOG.info("{} succeeded{}{}{}{}", what, took,
            st.snapshotId() == null ? "" : ": snapshot " + st.snapshotId().substring(0, 8),
            job.kind() == JobKind.BACKUP ? ", " + st.bytesAdded() + " bytes added" : "", next);
        case FAILED -> LOG.warn("{} failed{}: {}{}", what, took, st.error(), next);
        case YIELDED -> LOG.info("{} yielded at a checkpoint after{}: {}; it resumes after the "
            + "more urgent work", what, took, st.error());
        default -> LOG.info("{} {}{}: {}", what, st.state().name().toLowerCase(Locale.ROOT),
            took, st.error());
      }
    }
    if (remembered != null) {
      memory.remember(remembered);
    }
    scheduler.wake();
  }

  /** Takes each database's record from the repository, so status and schedule carry on. */
  private void recall(List<DatabaseConfig> configs) {
    for (DatabaseConfig db : configs) {
      memory.recall(db).ifPresent(r -> {
        synchronized (lock) {
          DatabaseState s = databases.get(db.name());
          if (s != null && s.config.path().equals(db.path())) {
            s.recall(r);
            LOG.info("{}: carrying on from the daemon record of {} (last verification {})",
                db.name(), r.saved(), r.lastVerifyEnded() == null ? "none"
                    : r.lastVerifyEnded());
          }
        }
      });
    }
  }

  private void refreshRepositoryStats() {
    try {
      long bytes = repo.storedBytes();
      int count = repo.list(FileType.SNAPSHOT).size();
      synchronized (lock) {
        repositoryBytes = bytes;
        snapshotCount = count;
      }
    } catch (IOException e) {
      LOG.debug("cannot measure the repository: {}", e.toString());
    }
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Names this daemon's repository in its job log lines ({@link RepositoryDaemons} runs one
   * daemon per repository, and their jobs have the same names).
   */
  void repositoryName(String name) {
    repositoryName = name;
  }

  /** The job as its log lines name it: {@code backup of app (job 3)[ to repository far]}. */
  private String describe(Job job) {
    String name = repositoryName;
    return name == null ? job.toString() : job + (job.kind() == JobKind.BACKUP ? " to" : " in")
        + " repository " + name;
  }

  private JobStatus current(String name) {
    for (JobKind k : List.of(JobKind.BACKUP, JobKind.VERIFY, JobKind.RESTORE)) {
      Job j = supervisor.active(k, name);
      if (j != null) {
        return j.status();
      }
    }
    return null;
  }

  /** Every configured database, in order, without the groups. The caller holds the lock. */
  private List<DatabaseConfig> configs() {
    return databases.values().stream().map(s -> s.config)
        .filter(c -> !groups.containsKey(c.name())).toList();
  }

  private DatabaseState state(String name) throws UnknownDatabaseException {
    DatabaseState s = name == null ? null : databases.get(name);
    if (s == null) {
      throw new UnknownDatabaseException(name);
    }
    return s;
  }

  /** This host's snapshots of {@code db}, or of the group of that name, among {@code all}. */
  private List<Snapshot> snapshotsOf(DatabaseConfig db, List<Snapshot> all) {
    if (db.path() == null) {
      return all.stream().filter(s -> s.hostname().equals(host)
          && DatabaseTags.group(s.tags()).map(db.name()::equals).orElse(false)).toList();
    }
    // A group's snapshots are the group's: its retention thins them, not a member's.
    return new DatabaseSnapshots(db.path(), host).of(all).stream()
        .filter(s -> DatabaseTags.group(s.tags()).isEmpty()).toList();
  }

  private static Instant min(Instant a, Instant b) {
    return a == null ? b : b == null || a.isBefore(b) ? a : b;
  }

  /** 90s, 15m, 1h, 2d: the units of the configuration file. */
  static String human(Duration d) {
    long s = d.getSeconds();
    if (s % 86400 == 0 && s > 0) {
      return s / 86400 + "d";
    }
    if (s % 3600 == 0 && s > 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0 && s > 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  /**
   * Stops scheduling, then the streams (each ships what is pending), then jobs (see the class
   * comment), and closes the repository.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    scheduler.close();
    // Before the job in progress is given its grace: what is committed is shipped first.
    streams.close();
    supervisor.close();
    try {
      repo.close();
    } catch (IOException e) {
      LOG.warn("closing the repository: {}", e.toString());
    }
  }
}
