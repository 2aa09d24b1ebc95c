package dev.bulwark.cli.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cli.config.DatabaseType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a daemon remembers of one database across restarts: its last jobs, its recent backup
 * history and when it last verified. One record per host and database, kept sealed in the
 * repository by {@link DaemonMemory}.
 *
 * <p>Layout (JSON, {@code version} 1): {@code host}, {@code kind}, {@code path} (whose record
 * it is), {@code saved}, {@code last_backup}, {@code last_successful_backup}, {@code
 * last_verify} (jobs, or absent), {@code last_verify_ended} (an instant, or absent) and {@code
 * history} (jobs, oldest first). A job: {@code id}, {@code kind}, {@code database}, {@code
 * state}, {@code queued}, {@code started}, {@code duration} (ISO-8601), {@code snapshot_id},
 * {@code bytes_added}, {@code error}. A job whose kind or state this version does not know is
 * left out, so a newer daemon's record still loads.
 *
 * @param host the host whose daemon wrote it
 * @param kind the database's kind
 * @param path the database's path
 * @param saved when it was written
 * @param lastBackup the last backup that ended, or null
 * @param lastSuccessfulBackup the last backup that succeeded, or null
 * @param lastVerify the last verification that ended, or null
 * @param lastVerifyEnded when it ended (the next is due {@code verify.every} after), or null
 * @param history recent backups that ended, oldest first
 */
record DaemonRecord(String host, DatabaseType kind, Path path, Instant saved,
    JobStatus lastBackup, JobStatus lastSuccessfulBackup, JobStatus lastVerify,
    Instant lastVerifyEnded, List<JobStatus> history) {
  private static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  DaemonRecord {
    history = List.copyOf(history);
  }

  /** True if this is the record of {@code host}'s daemon for the database at {@code path}. */
  boolean isOf(String host, DatabaseType kind, Path path) {
    return this.host.equals(host) && this.kind == kind && this.path.equals(path);
  }

  byte[] toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", VERSION);
    n.put("host", host);
    n.put("kind", kind.name().toLowerCase(Locale.ROOT));
    n.put("path", path.toString());
    n.put("saved", saved.toString());
    putJob(n, "last_backup", lastBackup);
    putJob(n, "last_successful_backup", lastSuccessfulBackup);
    putJob(n, "last_verify", lastVerify);
    if (lastVerifyEnded != null) {
      n.put("last_verify_ended", lastVerifyEnded.toString());
    }
    ArrayNode h = n.putArray("history");
    for (JobStatus j : history) {
      h.add(job(j));
    }
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /**
   * Parses a record.
   *
   * @throws IllegalArgumentException if it is not a record of a version this daemon reads
   */
  static DaemonRecord parse(byte[] json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    if (n == null || !n.isObject() || n.path("version").asInt() != VERSION) {
      throw new IllegalArgumentException("not a version " + VERSION + " daemon record");
    }
    try {
      List<JobStatus> history = new ArrayList<>();
      for (JsonNode j : n.path("history")) {
        JobStatus s = job(j);
        if (s != null) {
          history.add(s);
        }
      }
      return new DaemonRecord(text(n, "host"),
          DatabaseType.valueOf(text(n, "kind").toUpperCase(Locale.ROOT)),
          Path.of(text(n, "path")), Instant.parse(text(n, "saved")),
          job(n.get("last_backup")), job(n.get("last_successful_backup")),
          job(n.get("last_verify")), instant(n.get("last_verify_ended")), history);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed daemon record: " + e.getMessage(), e);
    }
  }

  private static void putJob(ObjectNode n, String field, JobStatus j) {
    if (j != null) {
      n.set(field, job(j));
    }
  }

  private static ObjectNode job(JobStatus j) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", j.id());
    n.put("kind", j.kind().name());
    n.put("database", j.database());
    n.put("state", j.state().name());
    putText(n, "queued", j.queued());
    putText(n, "started", j.started());
    putText(n, "duration", j.duration());
    n.put("snapshot_id", j.snapshotId());
    n.put("bytes_added", j.bytesAdded());
    n.put("error", j.error());
    return n;
  }

  /** The job in {@code n}, or null if there is none or it is of a kind or state unknown here. */
  private static JobStatus job(JsonNode n) {
    if (n == null || !n.isObject()) {
      return null;
    }
    JobKind kind = known(JobKind.class, n.path("kind").asText());
    JobState state = known(JobState.class, n.path("state").asText());
    if (kind == null || state == null) {
      return null;
    }
    JsonNode d = n.get("duration");
    return new JobStatus(text(n, "id"), kind, text(n, "database"), state,
        instant(n.get("queued")), instant(n.get("started")),
        d == null || d.isNull() ? null : Duration.parse(d.asText()),
        nullableText(n.get("snapshot_id")), n.path("bytes_added").asLong(),
        nullableText(n.get("error")));
  }

  private static <E extends Enum<E>> E known(Class<E> type, String name) {
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void putText(ObjectNode n, String field, Object value) {
    if (value == null) {
      n.putNull(field);
    } else {
      n.put(field, value.toString());
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("no " + field);
    }
    return v.asText();
  }

  private static String nullableText(JsonNode v) {
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Instant instant(JsonNode v) {
    return v == null || v.isNull() ? null : Instant.parse(v.asText());
  }
}
