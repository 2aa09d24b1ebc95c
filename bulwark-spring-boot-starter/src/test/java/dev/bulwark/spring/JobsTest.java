package dev.bulwark.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.spring.BulwarkEndpoint.ActionResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Backups, retention and verification through the {@code bulwark} endpoint and on schedules,
 * on a real repository and a real SQLite database.
 */
class JobsTest {
  @TempDir Path tmp;

  private ApplicationContextRunner runner(TestRepo repo, Path db, String... more) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(BulwarkAutoConfiguration.class,
            BulwarkActuatorAutoConfiguration.class))
        .withPropertyValues(repo.properties(db, more));
  }

  @Test
  void theEndpointBacksUpThinsAndVerifiesAndAFailedVerificationIsDown() throws Exception {
    TestRepo repo = TestRepo.create(tmp);
    Path db = TestRepo.ledger(tmp.resolve("ledger.db"), 3);
    runner(repo, db, "management.endpoints.web.exposure.include=bulwark",
        "bulwark.stream.enabled=false", "bulwark.retention.keep-last=2").run(context -> {
          assertThat(context).hasNotFailed();
          BulwarkEndpoint endpoint = context.getBean(BulwarkEndpoint.class);
          BulwarkHealthIndicator health = context.getBean(BulwarkHealthIndicator.class);
          ActionResult last = null;
          for (int i = 0; i < 3; i++) {
            TestRepo.insert(db, 10 + i, 11 + i);
            WebEndpointResponse<ActionResult> r = endpoint.run("backup");
            assertThat(r.getStatus()).isEqualTo(200);
            assertThat(r.getBody().ok()).isTrue();
            last = r.getBody();
          }
          List<BulwarkEndpoint.SnapshotView> listed = endpoint.snapshots().snapshots();
          assertThat(listed).hasSize(2);
          assertThat(listed.get(1).id()).isEqualTo(last.snapshot().id());

          WebEndpointResponse<ActionResult> verified = endpoint.run("verify");
          assertThat(verified.getStatus()).isEqualTo(200);
          assertThat(verified.getBody().snapshot().id()).isEqualTo(last.snapshot().id());
          assertThat(health.health().getStatus()).isEqualTo(Status.UP);
          // No scratch copy is left beside the database.
          try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                .noneMatch(n -> n.contains("bulwark-verify"));
          }

          // The repository's data gone: verification fails, and health says so.
          Path data = Files.move(repo.folder().resolve("data"), tmp.resolve("data-away"));
          WebEndpointResponse<ActionResult> failed = endpoint.run("verify");
          assertThat(failed.getStatus()).isEqualTo(500);
          assertThat(failed.getBody().ok()).isFalse();
          assertThat(failed.getBody().error()).isNotBlank().doesNotContain("\n");
          assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
          assertThat(health.health().getDetails().get("reasons").toString())
              .contains("the last verification failed");
          Files.move(data, repo.folder().resolve("data"));
          assertThat(endpoint.run("verify").getStatus()).isEqualTo(200);
          assertThat(health.health().getStatus()).isEqualTo(Status.UP);
          assertThat(context.getBean(BulwarkJobs.class).verifyFailures()).isEqualTo(1);

          assertThatThrownBy(() -> endpoint.run("restore"))
              .isInstanceOf(InvalidEndpointRequestException.class);
        });
  }

  @Test
  void theEndpointIsLeftOutUnlessExposed() throws Exception {
    TestRepo repo = TestRepo.create(tmp);
    Path db = TestRepo.ledger(tmp.resolve("ledger.db"), 1);
    runner(repo, db, "bulwark.stream.enabled=false").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(BulwarkEndpoint.class);
      assertThat(context).hasSingleBean(BulwarkHealthIndicator.class);
    });
  }

  @Test
  void schedulesRunBackupsFromTheStreamAndVerifications() throws Exception {
    TestRepo repo = TestRepo.create(tmp);
    Path db = TestRepo.ledger(tmp.resolve("ledger.db"), 3);
    runner(repo, db, "bulwark.schedule.every=300ms", "bulwark.verify.every=700ms",
        "bulwark.stream.sync-interval=100ms").run(context -> {
          assertThat(context).hasNotFailed();
          BulwarkJobs jobs = context.getBean(BulwarkJobs.class);
          TestRepo.insert(db, 3, 6);
          await(() -> jobs.lastSuccessfulBackup().isPresent()
              && jobs.lastSuccessfulVerify().isPresent());
          assertThat(jobs.backupFailures()).isZero();
          assertThat(jobs.verifyFailures()).isZero();
          // No retention rule: every snapshot is kept: the stream's first, and the one built
          // from the stream after the inserts (later runs with nothing new give no snapshot).
          await(() -> snapshots(jobs) == 2);
          // Built from the stream: the snapshot carries the stream's tags.
          assertThat(jobs.snapshots().get(jobs.snapshots().size() - 1).tags())
              .anyMatch(t -> t.startsWith("bulwark:stream"));
        });
  }

  private static int snapshots(BulwarkJobs jobs) {
    try {
      return jobs.snapshots().size();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void await(BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(done.getAsBoolean()).as("reached in time").isTrue();
  }
}
