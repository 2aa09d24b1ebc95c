package dev.bulwark.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.daemon.DaemonControl;
import dev.bulwark.cli.daemon.DatabaseStatus;
import dev.bulwark.cli.daemon.JobHandle;
import dev.bulwark.cli.daemon.JobStatus;
import dev.bulwark.cli.daemon.UnknownDatabaseException;
import dev.bulwark.cli.daemon.UnknownRepositoryException;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.repo.SnapshotJson;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * The JSON-RPC methods, each a thin translation onto {@link DaemonControl}: check the params,
 * call the daemon, shape the result. Parameters are by name only; an unknown name is an
 * invalid-params error, so a typo never silently means "all databases".
 */
final class RpcMethods {
  /** How long {@code backup_now} and {@code verify_now} wait by default. */
  static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
  /** The most a caller may ask to wait: a request thread is held that long. */
  static final Duration MAX_WAIT = Duration.ofHours(1);
  /**
   * Calls that may wait for their jobs at once. Each holds a connection and a thread while it
   * waits; beyond this many, a call still starts its jobs but answers at once with their
   * current state (as with {@code wait: 0}), and the caller polls {@code status}.
   */
  static final int MAX_WAITING_CALLS = 16;

  private final DaemonControl daemon;
  private final Clock clock;
  private final ObjectMapper mapper;
  private final Semaphore waiting = new Semaphore(MAX_WAITING_CALLS);

  RpcMethods(DaemonControl daemon, Clock clock, ObjectMapper mapper) {
    this.daemon = daemon;
    this.clock = clock;
    this.mapper = mapper;
  }

  /** Runs one method; {@code params} is null when the request had none. */
  JsonNode call(String method, JsonNode params) throws RpcException, InterruptedException {
    return switch (method) {
      case "backup_now" -> startJobs(params, true);
      case "verify_now" -> startJobs(params, false);
      case "status" -> {
        allow(params, Set.of());
        yield StatusJson.daemon(daemon.status(), clock.instant());
      }
      case "list_snapshots" -> listSnapshots(params);
      case "reload" -> reload(params);
      default -> throw new RpcException(RpcException.METHOD_NOT_FOUND,
          "method not found: " + method);
    };
  }

  private JsonNode startJobs(JsonNode params, boolean backup)
      throws RpcException, InterruptedException {
    allow(params, Set.of("database", "wait", "repository"));
    String database = database(params);
    String repository = text(params, "repository");
    Duration wait = waitParam(params);
    List<String> names = new ArrayList<>();
    if (database != null) {
      names.add(database);
    } else {
      for (DatabaseStatus d : daemon.status().databases()) {
        // A group (no path of its own) is backed up, but verified through its databases.
        if (backup || d.path() != null) {
          names.add(d.name());
        }
      }
    }
    // Start every job first, then wait on all of them against one deadline.
    List<JobHandle> handles = new ArrayList<>();
    for (String name : names) {
      try {
        // One job per repository of the database (one, with a single repository).
        handles.addAll(backup ? daemon.backupNow(name, repository)
            : daemon.verifyNow(name, repository));
      } catch (UnknownDatabaseException e) {
        throw new RpcException(RpcException.UNKNOWN_DATABASE, e.getMessage());
      } catch (UnknownRepositoryException e) {
        // Of all databases, those backed up to the repository named.
        if (database != null) {
          throw new RpcException(RpcException.INVALID_PARAMS, "invalid params: "
              + e.getMessage());
        }
      }
    }
    if (handles.isEmpty() && repository != null) {
      throw new RpcException(RpcException.INVALID_PARAMS, "invalid params: no database is "
          + "backed up to an open repository named '" + repository + "'");
    }
    boolean mayWait = !wait.isZero() && waiting.tryAcquire();
    try {
      Instant deadline = clock.instant().plus(mayWait ? wait : Duration.ZERO);
      ObjectNode result = mapper.createObjectNode();
      ArrayNode jobs = result.putArray("jobs");
      for (JobHandle h : handles) {
        Duration left = Duration.between(clock.instant(), deadline);
        JobStatus s = left.isNegative() || left.isZero() ? h.status() : h.await(left);
        jobs.add(StatusJson.job(s));
      }
      return result;
    } finally {
      if (mayWait) {
        waiting.release();
      }
    }
  }

  private JsonNode listSnapshots(JsonNode params) throws RpcException {
    allow(params, Set.of("database"));
    String database = database(params);
    List<Snapshot> snapshots;
    try {
      snapshots = daemon.snapshots(database);
    } catch (UnknownDatabaseException e) {
      throw new RpcException(RpcException.UNKNOWN_DATABASE, e.getMessage());
    } catch (IOException | BulwarkException e) {
      throw new RpcException(RpcException.REPOSITORY_ERROR,
          "cannot list snapshots: " + e.getMessage());
    }
    // The same JSON as `bulwark snapshots --json` and `restic snapshots --json`.
    try (TokenBuffer buf = new TokenBuffer(mapper, false)) {
      buf.writeStartArray();
      for (Snapshot s : snapshots) {
        SnapshotJson.writeListing(s, buf);
      }
      buf.writeEndArray();
      return mapper.readTree(buf.asParser());
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
  }

  private JsonNode reload(JsonNode params) throws RpcException {
    allow(params, Set.of());
    try {
      daemon.reload();
    } catch (ConfigException e) {
      throw new RpcException(RpcException.INVALID_CONFIG,
          "configuration not reloaded: " + e.getMessage());
    } catch (IOException e) {
      throw new RpcException(RpcException.INVALID_CONFIG,
          "configuration not reloaded: cannot read it: " + e.getMessage());
    }
    ObjectNode result = mapper.createObjectNode();
    result.put("reloaded", true);
    return result;
  }

  /** Refuses positional params and any name outside {@code names}. */
  private static void allow(JsonNode params, Set<String> names) throws RpcException {
    if (params == null) {
      return;
    }
    if (!params.isObject()) {
      throw new RpcException(RpcException.INVALID_PARAMS,
          "invalid params: give them by name, as an object");
    }
    for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!names.contains(name)) {
        throw new RpcException(RpcException.INVALID_PARAMS, "invalid params: unknown param '"
            + name + "'" + (names.isEmpty() ? " (this method takes none)"
                : " (allowed: " + String.join(", ", names.stream().sorted().toList()) + ")"));
      }
    }
  }

  private static String database(JsonNode params) throws RpcException {
    return text(params, "database");
  }

  /** The non-empty string param {@code name}, or null when absent. */
  private static String text(JsonNode params, String name) throws RpcException {
    JsonNode n = params == null ? null : params.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual() || n.asText().isEmpty()) {
      throw new RpcException(RpcException.INVALID_PARAMS,
          "invalid params: " + name + " must be a non-empty string");
    }
    return n.asText();
  }

  private static Duration waitParam(JsonNode params) throws RpcException {
    JsonNode n = params == null ? null : params.get("wait");
    if (n == null || n.isNull()) {
      return DEFAULT_WAIT;
    }
    if (!n.isNumber() || n.asDouble() < 0 || n.asDouble() > MAX_WAIT.toSeconds()) {
      throw new RpcException(RpcException.INVALID_PARAMS, "invalid params: wait must be a "
          + "number of seconds from 0 to " + MAX_WAIT.toSeconds());
    }
    return Duration.ofMillis(Math.round(n.asDouble() * 1000));
  }
}
