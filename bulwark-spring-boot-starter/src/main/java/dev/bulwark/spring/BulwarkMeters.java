package dev.bulwark.spring;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Instant;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters with the meanings (and, through the Prometheus registry, the names) of the
 * daemon's metrics, tagged {@code database}: {@code bulwark_backup_last_success_timestamp_seconds},
 * {@code bulwark_backup_newest_snapshot_timestamp_seconds}, {@code
 * bulwark_backup_last_duration_seconds}, {@code bulwark_backup_failures_total}, {@code
 * bulwark_backup_running}, {@code bulwark_verify_last_success_timestamp_seconds}, {@code
 * bulwark_verify_failures_total}, and for a streamed database {@code bulwark_stream_up}, {@code
 * bulwark_stream_lag_seconds}, {@code bulwark_stream_pending_bytes}, {@code
 * bulwark_stream_last_shipped_txid}, {@code bulwark_stream_failures_total}; plus {@code
 * bulwark_repository_up}. A value not known yet (no backup yet) is NaN.
 */
public final class BulwarkMeters implements MeterBinder {
  // Base units the Prometheus registry appends to the names: _seconds, _bytes.
  private static final String SECONDS = "seconds";
  private static final String BYTES = "bytes";
  private final BulwarkJobs jobs;
  private final BulwarkStream stream;
  private final RepositoryProbe probe;

  BulwarkMeters(BulwarkJobs jobs, BulwarkStream stream, RepositoryProbe probe) {
    this.jobs = jobs;
    this.stream = stream;
    this.probe = probe;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Tags tags = Tags.of("database", jobs.databaseName());
    gauge(registry, tags, "bulwark.backup.last.success.timestamp", SECONDS,
        "Unix time the last successful backup of the database ended; before the first, the "
            + "time of this host's newest snapshot of it.",
        j -> j.lastSuccessfulBackup().map(r -> seconds(r.ended()))
            .orElseGet(() -> seconds(j.newestSnapshot().map(s -> s.time()).orElse(null))));
    gauge(registry, tags, "bulwark.backup.newest.snapshot.timestamp", SECONDS,
        "Unix time of this host's newest snapshot of the database in the repository.",
        j -> seconds(j.newestSnapshot().map(s -> s.time()).orElse(null)));
    gauge(registry, tags, "bulwark.backup.last.duration", SECONDS,
        "How long the last backup of the database ran, whatever its outcome.",
        j -> j.lastBackup().map(r -> r.took().toNanos() / 1e9).orElse(Double.NaN));
    gauge(registry, tags, "bulwark.backup.running", null,
        "1 while a backup of the database runs, else 0.", j -> j.backupRunning() ? 1 : 0);
    FunctionCounter.builder("bulwark.backup.failures", jobs, BulwarkJobs::backupFailures)
        .tags(tags).description("Backups of the database that failed since the start.")
        .register(registry);
    gauge(registry, tags, "bulwark.verify.last.success.timestamp", SECONDS,
        "Unix time the last successful verification of the database ended.",
        j -> j.lastSuccessfulVerify().map(r -> seconds(r.ended())).orElse(Double.NaN));
    FunctionCounter.builder("bulwark.verify.failures", jobs, BulwarkJobs::verifyFailures)
        .tags(tags).description("Verifications of the database that failed since the start.")
        .register(registry);
    Gauge.builder("bulwark.repository.up", probe, p -> p.problem().isEmpty() ? 1 : 0)
        .description("1 while the repository answers, else 0.").strongReference(true)
        .register(registry);
    if (!stream.enabled()) {
      return;
    }
    Gauge.builder("bulwark.stream.up", stream, s -> s.streaming() ? 1 : 0).tags(tags)
        .description("1 while the database streams, 0 while its replication starts again "
            + "after a failure.").strongReference(true).register(registry);
    Gauge.builder("bulwark.stream.lag", stream,
        s -> s.lag().map(l -> l.toNanos() / 1e9).orElse(Double.NaN)).tags(tags)
        .baseUnit(SECONDS).strongReference(true)
        .description("Live recovery point: how long the oldest committed but not yet shipped "
            + "transaction has waited (0: all shipped).").register(registry);
    Gauge.builder("bulwark.stream.pending", stream, BulwarkStream::pendingBytes).tags(tags)
        .baseUnit(BYTES).strongReference(true)
        .description("Committed bytes read but not yet durable in the repository.")
        .register(registry);
    Gauge.builder("bulwark.stream.last.shipped.txid", stream,
        s -> s.lastShipped().map(p -> (double) p.txid()).orElse(Double.NaN)).tags(tags)
        .strongReference(true)
        .description("The newest transaction position durable in the repository, within its "
            + "generation.").register(registry);
    FunctionCounter.builder("bulwark.stream.failures", stream, BulwarkStream::failures)
        .tags(tags).description("Replications of the database that failed since the start.")
        .register(registry);
  }

  private void gauge(MeterRegistry registry, Tags tags, String name, @Nullable String unit,
      String help, ToDoubleFunction<BulwarkJobs> value) {
    Gauge.Builder<BulwarkJobs> b = Gauge.builder(name, jobs, value).tags(tags)
        .description(help).strongReference(true);
    if (unit != null) {
      b.baseUnit(unit);
    }
    b.register(registry);
  }

  private static double seconds(@Nullable Instant t) {
    return t == null ? Double.NaN : t.getEpochSecond() + t.getNano() / 1e9;
  }
}
