package dev.bulwark.spring;

import dev.bulwark.core.repo.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health {@code bulwark}: DOWN when the repository does not answer, the stream lags past
 * {@code bulwark.health.max-lag} (or is not running although configured), or the last
 * verification failed. Details: the stream's lag, pending bytes and last shipped position, the
 * newest snapshot, the last verification, and why it is down.
 */
public final class BulwarkHealthIndicator implements HealthIndicator {
  private final BulwarkJobs jobs;
  private final BulwarkStream stream;
  private final RepositoryProbe probe;
  private final Duration maxLag;

  BulwarkHealthIndicator(BulwarkJobs jobs, BulwarkStream stream, RepositoryProbe probe,
      Duration maxLag) {
    this.jobs = jobs;
    this.stream = stream;
    this.probe = probe;
    this.maxLag = maxLag;
  }

  @Override
  public Health health() {
    List<String> down = new ArrayList<>();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("database", jobs.databaseName());
    Optional<String> repoProblem = probe.problem();
    repoProblem.ifPresent(down::add);
    details.put("repository", repoProblem.isPresent() ? "unreachable" : "up");
    if (stream.enabled()) {
      Map<String, Object> s = new LinkedHashMap<>();
      Optional<Duration> lag = stream.lag();
      s.put("running", lag.isPresent());
      lag.ifPresent(l -> s.put("lag", DurationText.of(l)));
      s.put("pendingBytes", stream.pendingBytes());
      stream.lastShipped().ifPresent(p -> s.put("lastShipped", p.toString()));
      s.put("failures", stream.failures());
      stream.lastError().ifPresent(e -> s.put("lastError", e));
      details.put("stream", s);
      if (lag.isEmpty()) {
        down.add("the database is not streaming");
      } else if (lag.get().compareTo(maxLag) > 0) {
        down.add("the stream lags " + DurationText.of(lag.get())
            + ", more than bulwark.health.max-lag (" + DurationText.of(maxLag) + ")");
      }
    }
    jobs.newestSnapshot().ifPresent(n -> details.put("lastSnapshot", snapshot(n)));
    jobs.lastVerify().ifPresent(v -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("time", v.ended().toString());
      m.put("ok", v.ok());
      v.snapshotId().ifPresent(id -> m.put("snapshot", id));
      v.error().ifPresent(e -> m.put("error", e));
      details.put("lastVerification", m);
      if (!v.ok()) {
        down.add("the last verification failed: " + v.error().orElse(""));
      }
    });
    details.put("backupFailures", jobs.backupFailures());
    if (!down.isEmpty()) {
      details.put("reasons", down);
    }
    return (down.isEmpty() ? Health.up() : Health.down()).withDetails(details).build();
  }

  private static Map<String, Object> snapshot(Snapshot s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id() == null ? "" : s.id().toString());
    m.put("time", s.time().toString());
    return m;
  }
}
