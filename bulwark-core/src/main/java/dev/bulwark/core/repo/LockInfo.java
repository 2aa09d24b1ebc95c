package dev.bulwark.core.repo;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * The content of one lock file, as restic writes it.
 *
 * @param id the lock file's id; null before it is saved
 */
public record LockInfo(Id id, Instant time, boolean exclusive, String hostname, String username,
    long pid, long uid, long gid) {
  /** A lock older than this is stale whoever holds it (restic's rule). */
  public static final Duration STALE_AFTER = Duration.ofMinutes(30);

  /**
   * True if the holder is gone: the lock is older than 30 minutes, or it was taken on this host
   * by a process that no longer runs.
   */
  public boolean isStale(Instant now, String thisHost) {
    if (time.plus(STALE_AFTER).isBefore(now)) {
      return true;
    }
    if (!hostname.equals(thisHost)) {
      return false;
    }
    return ProcessHandle.of(pid).map(ph -> !ph.isAlive()).orElse(true);
  }

  /** True if a lock of the given kind cannot be taken while this one is held. */
  public boolean conflictsWith(boolean wantExclusive) {
    return wantExclusive || exclusive;
  }

  /** One line describing the holder, for error messages. */
  public String describe() {
    return (exclusive ? "exclusive" : "shared") + " lock held by PID " + pid + " on " + hostname
        + " by " + username + " since " + Json.time(time);
  }

  byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(160);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("time", Json.time(time));
      g.writeBooleanField("exclusive", exclusive);
      g.writeStringField("hostname", hostname);
      g.writeStringField("username", username);
      g.writeNumberField("pid", pid);
      if (uid != 0) {
        g.writeNumberField("uid", uid);
      }
      if (gid != 0) {
        g.writeNumberField("gid", gid);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  static LockInfo parse(Id id, byte[] json) throws CorruptionException {
    try {
      JsonNode n = Json.MAPPER.readTree(json);
      return new LockInfo(id, Json.parseTime(n.path("time").asText()).toInstant(),
          n.path("exclusive").asBoolean(), n.path("hostname").asText(""),
          n.path("username").asText(""), n.path("pid").asLong(), n.path("uid").asLong(),
          n.path("gid").asLong());
    } catch (IOException | RuntimeException e) {
      throw new CorruptionException("lock " + id.shortForm() + ": " + e.getMessage(), e);
    }
  }
}
