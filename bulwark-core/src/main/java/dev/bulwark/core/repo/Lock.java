package dev.bulwark.core.repo;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.RepositoryLockedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held repository lock, compatible with restic's: shared for backup and restore, exclusive
 * for anything that deletes. Refreshed every five minutes while held; {@link #close()} removes
 * it.
 *
 * <p>Who locks: the caller (a CLI command, a daemon job, the library facade) takes the lock
 * with {@link Repository#lock(boolean)} and hands it to the engines that write or delete
 * (backup, prune, forget), which refuse to run without it; engines never lock by themselves.
 * Engines that only read (check, restore) run under the caller's lock, or under none when the
 * user asks for {@code --no-lock}.
 */
public final class Lock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lock.class);
  /** How often the lock file is rewritten with a fresh time, as restic does. */
  static final Duration REFRESH_EVERY = Duration.ofMinutes(5);
  /** Wait between writing the lock and re-checking for a competitor, as restic does. */
  static final Duration RECHECK_AFTER = Duration.ofMillis(200);
  /**
   * System property that shortens {@link #RECHECK_AFTER} (milliseconds, at most the default).
   * The test suites set it: they take thousands of locks, one process at a time, and would
   * otherwise spend minutes waiting for competitors that never come.
   */
  static final String RECHECK_PROPERTY = "bulwark.lock.recheck-ms";

  private final Repository repo;
  private final boolean exclusive;
  private final ScheduledExecutorService refresher;
  private volatile Id current;
  /** Our earlier lock files whose removal failed during a refresh; removed later. */
  private final Set<Id> superseded = ConcurrentHashMap.newKeySet();
  private final Thread releaseOnExit;
  private boolean closed;

  private Lock(Repository repo, boolean exclusive, Id current, Duration refreshEvery) {
    this.repo = repo;
    this.exclusive = exclusive;
    this.current = current;
    this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bulwark-lock-refresh");
      t.setDaemon(true);
      return t;
    });
    long every = refreshEvery.toMillis();
    refresher.scheduleAtFixedRate(this::refresh, every, every, TimeUnit.MILLISECONDS);
    // Ctrl-C or SIGTERM: remove the lock as restic does, so no one has to wait for it to age.
    this.releaseOnExit = new Thread(this::deleteQuietly, "bulwark-lock-release");
    Runtime.getRuntime().addShutdownHook(releaseOnExit);
  }

  private void deleteQuietly() {
    try {
      repo.removeLock(current);
    } catch (IOException | RuntimeException e) {
      // exiting anyway; a leftover lock of a dead process is stale and ignored
    }
  }

  /**
   * Takes a lock.
   *
   * @throws RepositoryLockedException if a live conflicting lock exists
   */
  static Lock acquire(Repository repo, boolean exclusive) throws IOException, BulwarkException {
    return acquire(repo, exclusive, REFRESH_EVERY);
  }

  /** Takes a lock refreshed every {@code refreshEvery} (tests use less than five minutes). */
  static Lock acquire(Repository repo, boolean exclusive, Duration refreshEvery)
      throws IOException, BulwarkException {
    return acquire(repo, exclusive, refreshEvery, () -> { });
  }

  /** Read-only work done while a new lock settles, instead of after it. */
  @FunctionalInterface
  interface WhileSettling {
    void run() throws IOException, BulwarkException;
  }

  /**
   * Takes a lock as {@link #acquire(Repository, boolean, Duration)}, running {@code work} in
   * the wait before the re-check. The work must only read: if the re-check finds a conflict,
   * the lock is given up and the work's result must be as if never obtained.
   */
  static Lock acquire(Repository repo, boolean exclusive, Duration refreshEvery,
      WhileSettling work) throws IOException, BulwarkException {
    checkConflicts(repo, exclusive, null);
    Id own;
    try {
      own = write(repo, exclusive);
    } catch (ClosedByInterruptException e) {
      throw interrupted(e);
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      throw new LockNotCreatedException("cannot create a lock in " + repo.location()
          + " (" + cause(e) + "); if the repository is read-only, read-only commands (snapshots, "
          + "check, restore, info) run without a lock with --no-lock", e);
    }
    try {
      long until = System.nanoTime()
          + recheckAfter(System.getProperty(RECHECK_PROPERTY)).toNanos();
      work.run();
      long left = until - System.nanoTime();
      if (left > 0) {
        Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
      }
      checkConflicts(repo, exclusive, own);
    } catch (BulwarkException | IOException | RuntimeException e) {
      repo.removeLock(own);
      throw e;
    } catch (InterruptedException e) {
      repo.removeLock(own);
      Thread.currentThread().interrupt();
      throw interrupted(e);
    }
    return new Lock(repo, exclusive, own, refreshEvery);
  }

  /**
   * An interrupt while locking is a cancellation, not a read-only repository: callers (and the
   * facade's cancellation) recognise it by this type.
   */
  private static InterruptedIOException interrupted(Exception cause) {
    InterruptedIOException e = new InterruptedIOException("interrupted while taking the lock");
    e.initCause(cause);
    return e;
  }

  /**
   * The wait before the re-check: {@code millis} when it is a number from 0 up to the default,
   * else the default, so a stray setting can only shorten it within restic's bound.
   */
  static Duration recheckAfter(String millis) {
    if (millis == null || millis.isBlank()) {
      return RECHECK_AFTER;
    }
    try {
      long ms = Long.parseLong(millis.strip());
      return ms >= 0 && ms < RECHECK_AFTER.toMillis() ? Duration.ofMillis(ms) : RECHECK_AFTER;
    } catch (NumberFormatException e) {
      return RECHECK_AFTER;
    }
  }

  /** The reason a lock could not be written, in a few words. */
  private static String cause(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static void checkConflicts(Repository repo, boolean exclusive, Id own)
      throws IOException, BulwarkException {
    String host = Host.name();
    Instant now = Instant.now();
    List<LockInfo> locks = repo.locks();
    for (LockInfo l : locks) {
      if (l.id().equals(own) || !l.conflictsWith(exclusive)) {
        continue;
      }
      if (l.isStale(now, host)) {
        LOG.warn("ignoring stale lock {} ({}); `bulwark unlock` removes it", l.id().shortForm(),
            l.describe());
        continue;
      }
      throw new RepositoryLockedException("repository is locked: " + l.describe()
          + " (if that process is gone, run `bulwark unlock`)");
    }
  }

  private static Id write(Repository repo, boolean exclusive) throws IOException {
    LockInfo info = new LockInfo(null, Instant.now(), exclusive, Host.name(), Host.user(),
        ProcessHandle.current().pid(), Host.uid(), Host.gid());
    return repo.saveUnpacked(FileType.LOCK, info.toJson());
  }

  private void refresh() {
    try {
      Id old = current;
      current = write(repo, exclusive);
      superseded.add(old);
    } catch (IOException | RuntimeException e) {
      // The old lock file stays and still holds the lock; it ages toward stale meanwhile.
      LOG.warn("could not refresh the repository lock: {}", e.toString());
    }
    // A superseded file that stayed would keep the repository locked after close() while
    // this process lives (its PID is alive), so a failed removal is tried again.
    deleteSuperseded();
  }

  private void deleteSuperseded() {
    for (Id old : superseded) {
      try {
        repo.removeLock(old);
        superseded.remove(old);
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not remove the old lock file {}: {}", old.shortForm(), e.toString());
      }
    }
  }

  /** True while this lock is held on {@code r} (taken there and not yet released). */
  public synchronized boolean isHeldOn(Repository r) {
    return repo == r && !closed;
  }

  /** True for an exclusive lock. */
  public boolean isExclusive() {
    return exclusive;
  }

  /**
   * Releases the lock once the work it guarded is done and durable (a snapshot saved): a lock
   * file that cannot be removed then is logged, not thrown, since failing the call would make a
   * caller retry work that succeeded (a second snapshot). The file left behind goes stale when
   * this process ends or 30 minutes after its last refresh, and {@code bulwark unlock} removes
   * it then. A later {@link #close()} does nothing.
   */
  public void releaseAfterSuccess() {
    try {
      close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("the work is saved, but the repository lock {} could not be removed ({}); it "
          + "goes stale once this process ends, and `bulwark unlock` removes it then",
          current.shortForm(), e.toString());
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(releaseOnExit);
    } catch (IllegalStateException e) {
      // already shutting down: the hook deletes the lock
    }
    // shutdown, not shutdownNow: an interrupt could stop a refresh after its new lock file is
    // stored but before it is recorded, leaving a file nobody removes (it would keep the
    // repository locked while this process lives). A refresh is short; one that hangs is
    // interrupted after the wait.
    refresher.shutdown();
    try {
      if (!refresher.awaitTermination(5, TimeUnit.SECONDS)) {
        refresher.shutdownNow();
      }
    } catch (InterruptedException e) {
      refresher.shutdownNow();
      Thread.currentThread().interrupt();
    }
    deleteSuperseded();
    repo.removeLock(current);
  }
}
