package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.LockRequests;
import dev.bulwark.core.repo.Repository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --retry-lock} on {@code check} and {@code prune}: a locked repository fails at once
 * without it; with it the command asks the holder to yield, waits and runs once the lock is
 * let go, or fails as locked when the time runs out; a bad duration is a usage error.
 */
class RetryLockTest {
  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();

  private Path repo() {
    Path repo = dir.resolve("repo");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    return repo;
  }

  private Repository open(Path repo) throws Exception {
    return Repository.open(LocalBackend.open(repo),
        Cli.PASSWORD.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aBadDurationIsAUsageError() {
    Path repo = repo();
    for (String bad : new String[] {"0s", "-1m", "soon", "5"}) {
      Cli.Result r = cli.run("prune", "--repo", repo.toString(), "--retry-lock", bad);
      assertThat(r.exitCode()).as(bad).isEqualTo(2);
      assertThat(r.stderr()).as(bad).contains("--retry-lock");
      assertThat(cli.run("check", "--repo", repo.toString(), "--retry-lock", bad).exitCode())
          .as(bad).isEqualTo(2);
    }
  }

  @Test
  void checkWaitsForTheLockAskingTheHolderToYield() throws Exception {
    Path repo = repo();
    try (Repository holder = open(repo)) {
      Lock held = holder.lock(false);
      assertThat(cli.run("check", "--repo", repo.toString()).exitCode())
          .as("without --retry-lock").isEqualTo(11);
      CompletableFuture<Cli.Result> check = CompletableFuture.supplyAsync(() ->
          cli.run("check", "--repo", repo.toString(), "--retry-lock", "2m"));
      LockRequests requests = new LockRequests(holder);
      Instant until = Instant.now().plusSeconds(60);
      while (requests.requested() == null && Instant.now().isBefore(until)) {
        Thread.sleep(20);
      }
      assertThat(requests.requested()).startsWith("check (PID ");
      assertThat(check).isNotDone();
      held.close();
      check.get(60, TimeUnit.SECONDS).assertOk();
      assertThat(requests.requested()).isNull();
    }
  }

  @Test
  void pruneGivesUpAsLockedWhenTheWaitRunsOut() throws Exception {
    Path repo = repo();
    try (Repository holder = open(repo); Lock held = holder.lock(false)) {
      Cli.Result r = cli.run("prune", "--repo", repo.toString(), "--retry-lock", "1s");
      assertThat(r.exitCode()).isEqualTo(11);
      assertThat(new LockRequests(holder).requested()).isNull();
    }
  }
}
