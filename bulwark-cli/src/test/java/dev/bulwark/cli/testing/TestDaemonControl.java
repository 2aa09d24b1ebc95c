package dev.bulwark.cli.testing;

import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.ConfigLoader;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.daemon.DaemonControl;
import dev.bulwark.cli.daemon.DaemonStatus;
import dev.bulwark.cli.daemon.DatabaseStatus;
import dev.bulwark.cli.daemon.JobHandle;
import dev.bulwark.cli.daemon.JobKind;
import dev.bulwark.cli.daemon.JobState;
import dev.bulwark.cli.daemon.JobStatus;
import dev.bulwark.cli.daemon.UnknownDatabaseException;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.BackupResult;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.fs.FileTrees;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.testing.Backups;
import dev.bulwark.sqlite.SqliteKind;
import dev.bulwark.sqlite.SqliteSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A small but real {@link DaemonControl} for testing the HTTP API while the real daemon is
 * written: SQLite databases from a real {@code bulwark.yml} (read with {@link ConfigLoader}, so
 * {@code reload} really re-reads it), real backups with {@link Archiver} into a real
 * repository, real verification by restoring into a scratch folder. Jobs run one at a time on
 * one thread; a job asked for while the same kind of job for the same database is queued or
 * running is that job. No schedule: {@code nextBackup} is null.
 *
 * <p>{@link #hold()} makes jobs wait at their start until {@link #release()}, so a test can
 * catch a job in flight without sleeping.
 */
public final class TestDaemonControl implements DaemonControl, AutoCloseable {
  private final Path configFile;
  private final Path scratch;
  private final Path repoDir;
  private final Repository repo;
  private final Clock clock = Clock.systemUTC();
  private final Instant started = clock.instant();
  private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
      new ArrayBlockingQueue<>(64), r -> new Thread(r, "bulwark-test-daemon-1"));
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, Job> active = new HashMap<>();
  private final Map<String, List<Job>> ended = new HashMap<>();
  private volatile BulwarkConfig config;
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile long repositoryBytes;
  private volatile int snapshotCount;

  private TestDaemonControl(Path configFile, Path scratch, BulwarkConfig config,
      Repository repo) throws IOException, BulwarkException {
    this.configFile = configFile;
    this.scratch = scratch;
    this.config = config;
    this.repoDir = Path.of(config.repository());
    this.repo = repo;
    refreshRepositoryFacts();
  }

  /** Loads {@code configFile} and opens (creating if needed, with a cheap KDF) its repository. */
  public static TestDaemonControl open(Path configFile, Path scratch)
      throws IOException, BulwarkException {
    BulwarkConfig config = ConfigLoader.load(configFile, Map.of());
    Backend backend = LocalBackend.open(Path.of(config.repository()));
    byte[] password = Kdf.readPasswordFile(config.passwordFile());
    Repository repo = backend.exists() ? Repository.open(backend, password)
        : Repository.init(backend, password, new Kdf.Params(1024, 8, 1));
    Files.createDirectories(scratch);
    return new TestDaemonControl(configFile, scratch, config, repo);
  }

  /** From now on, jobs wait at their start until {@link #release()}. */
  public void hold() {
    gate = new CountDownLatch(1);
  }

  /** Lets held jobs run. */
  public void release() {
    gate.countDown();
  }

  @Override
  public JobHandle backupNow(String database) throws UnknownDatabaseException {
    return submit(database, JobKind.BACKUP);
  }

  @Override
  public JobHandle verifyNow(String database) throws UnknownDatabaseException {
    return submit(database, JobKind.VERIFY);
  }

  private synchronized JobHandle submit(String database, JobKind kind)
      throws UnknownDatabaseException {
    DatabaseConfig db = config.database(database)
        .orElseThrow(() -> new UnknownDatabaseException(database));
    String key = database + "/" + kind;
    Job existing = active.get(key);
    if (existing != null) {
      return existing;
    }
    Job job = new Job("job-" + ids.incrementAndGet(), kind, db, clock.instant());
    active.put(key, job);
    worker.execute(() -> run(job, key));
    return job;
  }

  private void run(Job job, String key) {
    try {
      gate.await();
      job.start(clock.instant());
      if (job.kind == JobKind.BACKUP) {
        BackupResult r = Backups.underLock(repo, new Archiver(repo, BackupOptions.defaults(),
            new Progress()), List.of(SqliteSource.of(job.db.path())));
        job.succeed(clock.instant(), r.snapshot().id().toString(), r.bytesAdded());
      } else {
        job.succeed(clock.instant(), verify(job.db), 0);
      }
    } catch (IOException | BulwarkException | RuntimeException e) {
      job.fail(clock.instant(), e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      job.cancel(clock.instant());
      Thread.currentThread().interrupt();
    } finally {
      try {
        refreshRepositoryFacts();
      } catch (IOException | BulwarkException e) {
        job.fail(clock.instant(), "cannot read the repository: " + e.getMessage());
      }
      synchronized (this) {
        active.remove(key);
        ended.computeIfAbsent(job.db.name(), k -> new ArrayList<>()).add(job);
      }
      job.done.countDown();
    }
  }

  /** Restores the newest snapshot of {@code db} into scratch, checked; returns its id. */
  private String verify(DatabaseConfig db) throws IOException, BulwarkException {
    DatabaseRestorer restorer = new DatabaseRestorer(repo, new SqliteKind(), 2,
        new Progress());
    Snapshot latest = restorer.latestFor(db.path().toRealPath())
        .orElseThrow(() -> new IOException("no snapshot of " + db.name() + " to verify"));
    Path target = Files.createTempDirectory(scratch, "verify-").resolve(db.name() + ".db");
    try (Lock lock = repo.lock(false)) {
      restorer.restore(SnapshotRef.id(latest.id().toString()), target);
      return latest.id().toString();
    } finally {
      FileTrees.deleteRecursively(target.getParent());
    }
  }

  private void refreshRepositoryFacts() throws IOException, BulwarkException {
    try (Stream<Path> files = Files.walk(repoDir)) {
      repositoryBytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length())
          .sum();
    }
    snapshotCount = repo.snapshots().size();
  }

  @Override
  public synchronized DaemonStatus status() {
    List<DatabaseStatus> dbs = new ArrayList<>();
    for (DatabaseConfig d : config.databases()) {
      List<JobStatus> history = ended.getOrDefault(d.name(), List.of()).stream()
          .map(Job::status).toList();
      List<JobStatus> backups = history.stream().filter(j -> j.kind() == JobKind.BACKUP)
          .toList();
      List<JobStatus> verifies = history.stream().filter(j -> j.kind() == JobKind.VERIFY)
          .toList();
      JobStatus current = active.values().stream().filter(j -> j.db.name().equals(d.name()))
          .map(Job::status).findFirst().orElse(null);
      dbs.add(new DatabaseStatus(d.name(), d.kind(), d.path(), null, null, current,
          last(backups), backups.stream().filter(j -> j.state() == JobState.SUCCEEDED)
              .reduce((a, b) -> b).orElse(null),
          last(verifies), backups.stream().filter(j -> j.state() == JobState.FAILED).count(),
          verifies.stream().filter(j -> j.state() == JobState.FAILED).count(), backups, null,
          0));
    }
    return new DaemonStatus(started, config.repository(), repositoryBytes, snapshotCount, dbs);
  }

  private static JobStatus last(List<JobStatus> jobs) {
    return jobs.isEmpty() ? null : jobs.get(jobs.size() - 1);
  }

  @Override
  public List<Snapshot> snapshots(String database)
      throws UnknownDatabaseException, IOException, BulwarkException {
    if (database == null) {
      return repo.snapshots();
    }
    DatabaseConfig db = config.database(database)
        .orElseThrow(() -> new UnknownDatabaseException(database));
    String path = db.path().toRealPath().toString();
    return repo.snapshots().stream().filter(s -> DatabaseTags.describes(s.tags(), path))
        .toList();
  }

  @Override
  public void reload() throws ConfigException, IOException {
    config = ConfigLoader.load(configFile, Map.of());
  }

  @Override
  public void close() throws IOException {
    release();
    worker.shutdown();
    try {
      if (!worker.awaitTermination(1, TimeUnit.MINUTES)) {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    }
    repo.close();
  }

  /** One job; its fields change under its own lock. */
  private static final class Job implements JobHandle {
    final String id;
    final JobKind kind;
    final DatabaseConfig db;
    final Instant queued;
    final CountDownLatch done = new CountDownLatch(1);
    private JobState state = JobState.QUEUED;
    private Instant started;
    private Duration duration;
    private String snapshotId;
    private long bytesAdded;
    private String error;

    Job(String id, JobKind kind, DatabaseConfig db, Instant queued) {
      this.id = id;
      this.kind = kind;
      this.db = db;
      this.queued = queued;
    }

    synchronized void start(Instant now) {
      state = JobState.RUNNING;
      started = now;
    }

    synchronized void succeed(Instant now, String snapshot, long added) {
      end(now, JobState.SUCCEEDED);
      snapshotId = snapshot;
      bytesAdded = added;
    }

    synchronized void fail(Instant now, String why) {
      end(now, JobState.FAILED);
      error = why;
    }

    synchronized void cancel(Instant now) {
      end(now, JobState.CANCELLED);
    }

    private void end(Instant now, JobState s) {
      state = s;
      if (started == null) {
        started = now;
      }
      duration = Duration.between(started, now);
    }

    @Override
    public synchronized JobStatus status() {
      return new JobStatus(id, kind, db.name(), state, queued, started, duration, snapshotId,
          bytesAdded, error);
    }

    @Override
    public JobStatus await(Duration timeout) throws InterruptedException {
      done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return status();
    }
  }
}
