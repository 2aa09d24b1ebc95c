package dev.bulwark.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.cli.config.HealthConfig;
import dev.bulwark.cli.daemon.DaemonStatus;
import dev.bulwark.cli.daemon.DatabaseStatus;
import dev.bulwark.cli.daemon.RepositoryStatus;
import dev.bulwark.cli.daemon.StreamState;
import dev.bulwark.cli.daemon.StreamStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The judgements {@code /healthz} makes from a status that a real daemon is hard to bring
 * into on demand: a stream lagging past the threshold and a repository that is not open.
 */
class HealthCheckTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  private static DatabaseStatus streamed(String name, Duration lag) {
    return new DatabaseStatus(name, DatabaseType.SQLITE, Path.of("/srv/" + name + ".db"), null,
        null, null, null, null, null, 0, 0, List.of(), NOW.minusSeconds(60), 0,
        new StreamStatus(StreamState.STREAMING, lag, 4096, null, NOW.minusSeconds(600), 0,
            null, 1 << 20));
  }

  @Test
  void aStreamLaggingPastTheThresholdIsAProblemAndOneWithinItIsNot() {
    DaemonStatus s = new DaemonStatus(NOW.minusSeconds(3600), "/r", 0, 1,
        List.of(streamed("ledger", Duration.ofSeconds(90)), streamed("wallet",
            Duration.ofSeconds(2))));
    List<HealthCheck.Problem> p = new HealthCheck(HealthConfig.DEFAULTS)
        .problems(StatusOnlyDaemon.of(s), s, NOW);
    assertThat(p).hasSize(1);
    assertThat(p.get(0).database()).isEqualTo("ledger");
    assertThat(p.get(0).reason()).isEqualTo("stream_lag");
    assertThat(p.get(0).detail()).contains("1m 30s", "allowed 1m 0s");
    HealthConfig lenient = new HealthConfig(2, null, Duration.ofMinutes(5));
    assertThat(new HealthCheck(lenient).problems(StatusOnlyDaemon.of(s), s, NOW)).isEmpty();
  }

  @Test
  void aRepositoryThatIsNotOpenIsAProblemNamingIt() {
    RepositoryStatus up = new RepositoryStatus("default", "/r", null, 10, 1,
        List.of(streamed("ledger", Duration.ZERO)));
    RepositoryStatus down = new RepositoryStatus("offsite", "s3:http://127.0.0.1:1/b",
        "connection refused", 0, 0, List.of());
    DaemonStatus s = new DaemonStatus(NOW.minusSeconds(3600), "/r", 10, 1,
        List.of(streamed("ledger", Duration.ZERO)), List.of(up, down));
    List<HealthCheck.Problem> p = new HealthCheck(HealthConfig.DEFAULTS)
        .problems(StatusOnlyDaemon.of(s), s, NOW);
    assertThat(p).singleElement().satisfies(x -> {
      assertThat(x.repository()).isEqualTo("offsite");
      assertThat(x.reason()).isEqualTo("repository_unavailable");
      assertThat(x.detail()).contains("connection refused");
    });
  }
}
