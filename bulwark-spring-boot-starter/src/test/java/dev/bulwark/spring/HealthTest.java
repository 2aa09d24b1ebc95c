package dev.bulwark.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Health {@code bulwark} on a real repository and a real streamed SQLite database: DOWN while
 * the repository's folder is renamed away (and the stream lags past the threshold), UP again
 * once it is back and the stream has caught up.
 */
class HealthTest {
  @TempDir Path tmp;

  @Test
  void downWhileTheRepositoryIsUnreachableAndUpWhenItReturns() throws Exception {
    TestRepo repo = TestRepo.create(tmp);
    Path db = TestRepo.ledger(tmp.resolve("ledger.db"), 3);
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(BulwarkAutoConfiguration.class,
            BulwarkActuatorAutoConfiguration.class))
        .withPropertyValues(repo.properties(db, "bulwark.stream.sync-interval=100ms",
            "bulwark.health.max-lag=300ms"))
        .run(context -> {
          assertThat(context).hasNotFailed();
          BulwarkHealthIndicator health = context.getBean(BulwarkHealthIndicator.class);
          Health up = health.health();
          assertThat(up.getStatus()).isEqualTo(Status.UP);
          assertThat(up.getDetails()).containsEntry("repository", "up")
              .containsEntry("database", "ledger").containsKey("stream")
              .doesNotContainKey("reasons");

          // Moved away, with a file in its place so that nothing makes the folder again.
          Path away = Files.move(repo.folder(), tmp.resolve("repo-away"));
          Files.writeString(repo.folder(), "not a repository");
          TestRepo.insert(db, 3, 6);
          Health down = await(health, h -> h.getStatus().equals(Status.DOWN)
              && reasons(h).size() == 2);
          assertThat(down.getDetails()).containsEntry("repository", "unreachable");
          assertThat(reasons(down)).anySatisfy(r -> assertThat(r).startsWith("no repository at"))
              .anySatisfy(r -> assertThat(r).startsWith("the stream lags"));

          Files.delete(repo.folder());
          Files.move(away, repo.folder());
          Health back = await(health, h -> h.getStatus().equals(Status.UP));
          assertThat(back.getDetails()).containsEntry("repository", "up");
          @SuppressWarnings("unchecked")
          Map<String, Object> stream = (Map<String, Object>) back.getDetails().get("stream");
          assertThat(stream).containsEntry("running", true).containsEntry("pendingBytes", 0L);
        });
  }

  @SuppressWarnings("unchecked")
  private static List<String> reasons(Health h) {
    return (List<String>) h.getDetails().getOrDefault("reasons", List.of());
  }

  /** Polls until {@code done} holds, for up to 20 s (the replicator retries with a backoff). */
  private static Health await(BulwarkHealthIndicator indicator, Predicate<Health> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Health h = indicator.health();
    while (!done.test(h) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      h = indicator.health();
    }
    assertThat(done).as("health reached the expected state; last: %s", h).accepts(h);
    return h;
  }
}
