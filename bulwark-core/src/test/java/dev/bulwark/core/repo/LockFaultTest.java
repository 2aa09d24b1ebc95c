package dev.bulwark.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.RepositoryLockedException;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.testing.FaultyBackend;
import dev.bulwark.core.testing.FaultyBackend.Fault;
import dev.bulwark.core.testing.FaultyBackend.Op;
import dev.bulwark.core.testing.TestRepositories;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository lock when the backend fails: refresh and release failures, competitors that
 * appear while it is taken, stale locks of others. The refresh interval is shortened to
 * 50 ms so that refreshes happen within the test; the build shortens the recheck each acquire
 * waits ({@link Lock#RECHECK_AFTER}) from 200 ms to 10 ms.
 */
class LockFaultTest {
  private static final Duration REFRESH = Duration.ofMillis(50);
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir Path dir;
  private FaultyBackend backend;
  private Repository repo;

  @BeforeEach
  void repository() throws Exception {
    backend = new FaultyBackend(LocalBackend.open(dir.resolve("repo")));
    repo = TestRepositories.init(backend);
  }

  @AfterEach
  void close() throws IOException {
    backend.clearFaults();
    repo.close();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(10);
    }
  }

  private List<Id> lockFiles() {
    try {
      return repo.list(FileType.LOCK);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anInterruptWhileLockingIsACancellationNotAReadOnlyRepository() throws Exception {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Lock.acquire(repo, false, REFRESH))
          .isInstanceOf(java.io.InterruptedIOException.class)
          .hasMessageNotContaining("--no-lock");
    } finally {
      Thread.interrupted();
    }
    assertThat(lockFiles()).isEmpty();
  }

  @Test
  void aFailingRefreshKeepsTheOldLockFileAndALaterRefreshReplacesIt() throws Exception {
    try (Lock lock = Lock.acquire(repo, false, REFRESH)) {
      List<Id> first = lockFiles();
      assertThat(first).hasSize(1);
      Fault f = backend.on(Op.SAVE).type(FileType.LOCK).always().fail();
      assertThat(f.awaitFired(WAIT)).isTrue();
      await(() -> f.fired() >= 3, "three refreshes failed");
      // The holder warns and goes on; its old lock file still keeps an exclusive locker out.
      assertThat(lockFiles()).isEqualTo(first);
      assertThatThrownBy(() -> Lock.acquire(repo, true)).isInstanceOf(
          RepositoryLockedException.class);
      backend.clearFaults();
      await(() -> !lockFiles().equals(first) && lockFiles().size() == 1, "a refresh succeeded");
    }
    assertThat(lockFiles()).isEmpty();
  }

  @Test
  void anOldLockFileWhoseRemovalFailedIsRemovedLater() throws Exception {
    try (Lock lock = Lock.acquire(repo, false, REFRESH)) {
      Fault f = backend.on(Op.DELETE).type(FileType.LOCK).nth(1).fail();
      assertThat(f.awaitFired(WAIT)).isTrue();
      await(() -> lockFiles().size() == 1, "the superseded lock file was removed");
    }
    assertThat(lockFiles()).isEmpty();
  }

  @RepeatedTest(10) // the race it guards against (close during a refresh) is rare
  void aSupersededLockFileIsRemovedOnCloseAtTheLatest() throws Exception {
    Lock lock = Lock.acquire(repo, false, REFRESH);
    backend.on(Op.DELETE).type(FileType.LOCK).always().fail();
    await(() -> lockFiles().size() >= 2, "a refresh left its old lock file");
    backend.clearFaults();
    lock.close();
    assertThat(lockFiles()).isEmpty();
  }

  @Test
  void aReleaseThatFailsIsReportedAndLeavesTheLockFile() throws Exception {
    Lock lock = Lock.acquire(repo, true);
    backend.on(Op.DELETE).type(FileType.LOCK).nth(1).fail();
    assertThatThrownBy(lock::close).isInstanceOf(IOException.class)
        .hasMessageContaining("delete locks/");
    // It stays until its holder is gone or 30 minutes pass, as restic's would; unlock removes
    // it once it is stale.
    assertThat(lockFiles()).hasSize(1);
    lock.close(); // closing again does nothing
    assertThat(lockFiles()).hasSize(1);
  }

  @Test
  void aReleaseAfterSuccessThatFailsIsOnlyAWarning() throws Exception {
    Lock lock = Lock.acquire(repo, false, REFRESH);
    backend.on(Op.DELETE).type(FileType.LOCK).nth(1).fail();
    lock.releaseAfterSuccess(); // must not throw: the work it guarded is saved
    assertThat(lock.isHeldOn(repo)).isFalse();
    assertThat(lockFiles()).hasSize(1);
    lock.close();
    assertThat(lockFiles()).hasSize(1);
  }

  @Test
  void aLockThatCannotBeWrittenSuggestsNoLock() {
    backend.on(Op.SAVE).type(FileType.LOCK).nth(1).fail();
    assertThatThrownBy(() -> Lock.acquire(repo, false)).isInstanceOf(
        LockNotCreatedException.class).hasMessageContaining("--no-lock");
    assertThat(lockFiles()).isEmpty();
  }

  @Test
  void aCompetitorThatAppearsWhileOursIsWrittenWinsAndOursIsRemoved() throws Exception {
    Fault stall = backend.on(Op.SAVE).type(FileType.LOCK).nth(1).stall(WAIT);
    CompletableFuture<Lock> ours = CompletableFuture.supplyAsync(() -> {
      try {
        return Lock.acquire(repo, true);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    assertThat(stall.awaitFired(WAIT)).isTrue();
    Id other = writeLock(Instant.now(), "other-host", 4242, false);
    stall.release();
    assertThatThrownBy(() -> ours.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(RepositoryLockedException.class)
        .hasStackTraceContaining("other-host");
    assertThat(lockFiles()).containsExactly(other);
  }

  @Test
  void staleLocksAreIgnoredAndLiveOnesRefuse() throws Exception {
    String host = Host.name();
    Id old = writeLock(Instant.now().minus(Duration.ofMinutes(31)), "other-host", 1, true);
    Id dead = writeLock(Instant.now(), host, deadPid(), true);
    try (Lock lock = Lock.acquire(repo, true)) {
      assertThat(lockFiles()).contains(old, dead).hasSize(3);
    }
    Id live = writeLock(Instant.now(), "other-host", 1, false);
    assertThatThrownBy(() -> Lock.acquire(repo, true))
        .isInstanceOf(RepositoryLockedException.class)
        .hasMessageContaining("shared lock held by PID 1 on other-host")
        .hasMessageContaining("bulwark unlock");
    try (Lock shared = Lock.acquire(repo, false)) {
      assertThat(lockFiles()).contains(live).hasSize(4);
    }
  }

  private Id writeLock(Instant time, String host, long pid, boolean exclusive)
      throws IOException {
    return repo.saveUnpacked(FileType.LOCK,
        new LockInfo(null, time, exclusive, host, "someone", pid, 0, 0).toJson());
  }

  /** The PID of a process that has ended. */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }
}
