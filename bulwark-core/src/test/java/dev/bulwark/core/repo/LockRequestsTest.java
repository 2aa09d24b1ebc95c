package dev.bulwark.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.RepositoryLockedException;
import dev.bulwark.core.backend.LocalBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lock requests on a real local repository: only a fresh request from a live process asks a
 * job to yield, and a process waiting with a retry gets the lock once the holder lets go,
 * removing its request however it ends.
 */
class LockRequestsTest {
  private static final String NAME = "0123456789abcdef0123456789abcdef";
  @TempDir Path dir;
  private Repository repo;

  @BeforeEach
  void repository() throws Exception {
    repo = Repository.init(LocalBackend.open(dir), "pw".getBytes(), RepositoryTest.FAST);
  }

  @AfterEach
  void close() throws Exception {
    repo.close();
  }

  private void save(Instant time, String host, long pid) throws Exception {
    repo.saveLockRequest(NAME, new LockRequests.Request(time, "prune", host, pid, true)
        .toJson());
  }

  @Test
  void aFreshRequestOfALiveProcessAsksAndNamesIt() throws Exception {
    LockRequests signal = new LockRequests(repo);
    assertThat(signal.requested()).isNull();
    long me = ProcessHandle.current().pid();
    save(Instant.now(), Host.name(), me);
    assertThat(signal.requested()).isEqualTo("prune (PID " + me + " on " + Host.name()
        + ") waits for the repository lock");
    // Sealed with the repository's key like every file Bulwark writes there.
    byte[] onDisk = Files.readAllBytes(dir.resolve("bulwark/lock-requests/" + NAME));
    assertThat(new String(onDisk, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("prune");
  }

  @Test
  void staleRequestsAreIgnored() throws Exception {
    Instant now = Instant.parse("2026-12-04T12:00:00Z");
    LockRequests signal = new LockRequests(repo, Clock.fixed(now, ZoneOffset.UTC));
    long me = ProcessHandle.current().pid();
    save(now.minus(LockRequests.FRESH_FOR).minusSeconds(1), Host.name(), me);
    assertThat(signal.requested()).as("not rewritten for too long").isNull();
    save(now.minus(LockRequests.FRESH_FOR).plusSeconds(1), Host.name(), me);
    assertThat(signal.requested()).isNotNull();
    save(now, Host.name(), deadPid());
    assertThat(signal.requested()).as("its process is gone").isNull();
    save(now, "another-host", deadPid());
    assertThat(signal.requested()).as("another host's process cannot be looked at")
        .contains("another-host");
  }

  @Test
  void aDamagedRequestIsPassedOver() throws Exception {
    Files.createDirectories(dir.resolve("bulwark/lock-requests"));
    Files.write(dir.resolve("bulwark/lock-requests/" + NAME), new byte[64]);
    assertThat(new LockRequests(repo).requested()).isNull();
  }

  @Test
  void withoutRetryALockedRepositoryFailsAtOnceAndAsksNothing() throws Exception {
    try (Lock held = repo.lock(false)) {
      assertThatThrownBy(() -> new LockRequests(repo).lock(true, "prune", Duration.ZERO))
          .isInstanceOf(RepositoryLockedException.class);
      assertThat(requests()).isZero();
    }
  }

  @Test
  void aWaitingProcessAsksGetsTheLockWhenTheHolderLetsGoAndRemovesItsRequest()
      throws Exception {
    Lock held = repo.lock(false);
    LockRequests requests = new LockRequests(repo);
    CompletableFuture<Lock> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return requests.lock(true, "prune", Duration.ofMinutes(1));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // The holder, a job at its checkpoint, sees the request and lets go.
    Instant until = Instant.now().plusSeconds(30);
    while (requests.requested() == null && Instant.now().isBefore(until)) {
      Thread.sleep(20);
    }
    assertThat(requests.requested()).startsWith("prune (PID ");
    assertThat(waiting).isNotDone();
    held.close();
    try (Lock got = waiting.get(30, TimeUnit.SECONDS)) {
      assertThat(got).isNotNull();
      assertThat(requests()).isZero();
      assertThat(requests.requested()).isNull();
    }
  }

  @Test
  void aWaitThatRunsOutFailsAsLockedAndRemovesItsRequest() throws Exception {
    try (Lock held = repo.lock(false)) {
      assertThatThrownBy(() -> new LockRequests(repo).lock(true, "check",
          Duration.ofSeconds(1))).isInstanceOf(RepositoryLockedException.class);
      assertThat(requests()).isZero();
    }
  }

  private long requests() throws Exception {
    Path folder = dir.resolve("bulwark/lock-requests");
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.count();
    }
  }

  /** The pid of a process that has ended. */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }
}
