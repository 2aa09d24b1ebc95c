package dev.bulwark.cli.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cli.daemon.DaemonStatus;
import dev.bulwark.cli.daemon.DatabaseStatus;
import dev.bulwark.cli.daemon.JobStatus;
import dev.bulwark.cli.daemon.RepositoryStatus;
import dev.bulwark.cli.daemon.StreamStatus;
import dev.bulwark.core.stream.StreamPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The JSON shapes of the daemon's status records, as {@code docs/api.md} documents them:
 * snake_case names, times as RFC 3339 UTC strings, durations as seconds, absent values as
 * {@code null}.
 */
final class StatusJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private StatusJson() {}

  static ObjectNode daemon(DaemonStatus s, Instant now) {
    ObjectNode n = F.objectNode();
    n.put("now", time(now));
    n.put("started", time(s.started()));
    n.put("repository", s.repository());
    n.put("repository_bytes", s.repositoryBytes());
    n.put("snapshot_count", s.snapshotCount());
    var dbs = n.putArray("databases");
    for (DatabaseStatus d : s.databases()) {
      dbs.add(database(d));
    }
    if (!s.repositories().isEmpty()) {
      var repos = n.putArray("repositories");
      for (RepositoryStatus r : s.repositories()) {
        ObjectNode rn = repos.addObject();
        rn.put("name", r.name());
        rn.put("location", r.location());
        rn.put("up", r.isUp());
        rn.put("error", r.error());
        rn.put("repository_bytes", r.repositoryBytes());
        rn.put("snapshot_count", r.snapshotCount());
        var rdbs = rn.putArray("databases");
        r.databases().forEach(d -> rdbs.add(database(d)));
      }
    }
    return n;
  }

  static ObjectNode database(DatabaseStatus d) {
    ObjectNode n = F.objectNode();
    n.put("name", d.name());
    n.put("kind", d.kind() == null ? null : d.kind().name().toLowerCase(Locale.ROOT));
    n.put("path", d.path() == null ? null : d.path().toString());
    n.put("next_backup", time(d.nextBackup()));
    n.put("next_verify", time(d.nextVerify()));
    n.set("current", job(d.current()));
    n.set("last_backup", job(d.lastBackup()));
    n.set("last_successful_backup", job(d.lastSuccessfulBackup()));
    n.set("last_verify", job(d.lastVerify()));
    n.put("backup_failures", d.backupFailures());
    n.put("verify_failures", d.verifyFailures());
    n.put("yields", d.yields());
    var history = n.putArray("history");
    for (JobStatus j : d.history()) {
      history.add(job(j));
    }
    n.set("stream", stream(d));
    return n;
  }

  /** A streamed database's replication, or a JSON null for a database that is not streamed. */
  static com.fasterxml.jackson.databind.JsonNode stream(DatabaseStatus d) {
    StreamStatus s = d.stream();
    if (s == null) {
      return F.nullNode();
    }
    ObjectNode n = F.objectNode();
    n.put("state", lower(s.state()));
    n.put("lag_seconds", seconds(s.lag()));
    n.put("pending_bytes", s.pendingBytes());
    StreamPosition p = s.lastShipped();
    n.put("generation", p == null ? null : p.toString().substring(0, p.toString().indexOf('/')));
    if (p == null) {
      n.putNull("last_shipped_txid");
    } else {
      n.put("last_shipped_txid", p.txid());
    }
    n.put("since", time(s.since()));
    n.put("failures", s.failures());
    n.put("error", s.lastError());
    n.put("database_bytes", s.databaseBytes() < 0 ? null : s.databaseBytes());
    n.put("estimated_restore_seconds", seconds(d.estimatedRestore()));
    return n;
  }

  /** A job, or a JSON null for none. */
  static com.fasterxml.jackson.databind.JsonNode job(JobStatus j) {
    if (j == null) {
      return F.nullNode();
    }
    ObjectNode n = F.objectNode();
    n.put("job_id", j.id());
    n.put("kind", lower(j.kind()));
    n.put("database", j.database());
    n.put("state", lower(j.state()));
    n.put("queued", time(j.queued()));
    n.put("started", time(j.started()));
    n.put("duration_seconds", seconds(j.duration()));
    n.put("snapshot_id", j.snapshotId());
    n.put("bytes_added", j.bytesAdded());
    n.put("error", j.error());
    n.put("resumes_job", j.resumes());
    return n;
  }

  static String time(Instant t) {
    return t == null ? null : t.toString();
  }

  static Double seconds(Duration d) {
    return d == null ? null : d.toNanos() / 1e9;
  }

  private static String lower(Enum<?> e) {
    return e == null ? null : e.name().toLowerCase(Locale.ROOT);
  }
}
