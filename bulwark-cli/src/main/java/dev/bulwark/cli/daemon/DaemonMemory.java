package dev.bulwark.cli.daemon;

import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each database's {@link DaemonRecord} in the repository (sealed with its key, under
 * {@code bulwark/state/daemon/}), so that a restarted daemon, on this machine or a new one of
 * the same host name, shows the history and gauges at once and schedules the next
 * verification from the last one rather than from its own start.
 *
 * <p>Several daemons may share a repository: each host writes only its own records, named by
 * a hash of host, kind and path. A record that is missing starts from nothing; one that is
 * damaged, unreadable or another's (it names another host or database) is ignored with a
 * warning, never fatal. Saving is best effort too: a failure is logged and the next job's end
 * writes it again. Thread-safe (it holds no state of its own).
 */
final class DaemonMemory {
  private static final Logger LOG = LoggerFactory.getLogger(DaemonMemory.class);
  private static final String FOLDER = "daemon/";
  /** Hex digits of the name: 160 bits, no collision among a repository's databases. */
  private static final int NAME_HEX_DIGITS = 40;

  private final Repository repo;
  private final String host;
  private final Clock clock;
  /** Orders the records taken (under the daemon's lock, never waiting for a save). */
  private final AtomicLong taken = new AtomicLong();
  /** By record name, the order number of the newest record saved; guarded by this. */
  private final Map<String, Long> newestSaved = new HashMap<>();

  /**
   * A record taken at a job's end, to be saved once the daemon's lock is released.
   *
   * @param db whose record it is
   * @param record what to save
   * @param order when it was taken, relative to the others
   */
  record Pending(DatabaseConfig db, DaemonRecord record, long order) {}

  DaemonMemory(Repository repo, String host, Clock clock) {
    this.repo = repo;
    this.host = host;
    this.clock = clock;
  }

  /** This host's record of {@code db}, or empty if there is none usable (logged why). */
  Optional<DaemonRecord> recall(DatabaseConfig db) {
    String path = path(db);
    byte[] json;
    try {
      json = repo.loadStateFile(path);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | BulwarkException e) {
      LOG.warn("{}: ignoring the daemon record {}: {}", db.name(), path,
          Supervisor.oneLine(e));
      return Optional.empty();
    }
    DaemonRecord r;
    try {
      r = DaemonRecord.parse(json);
    } catch (IllegalArgumentException e) {
      LOG.warn("{}: ignoring the daemon record {}: {}", db.name(), path, e.getMessage());
      return Optional.empty();
    }
    if (!r.isOf(host, db.kind(), db.path())) {
      LOG.warn("{}: ignoring the daemon record {}: it is host {}'s record of {}", db.name(),
          path, r.host(), r.path());
      return Optional.empty();
    }
    return Optional.of(r);
  }

  /**
   * Stores a taken record as this host's record of its database, unless a record taken later
   * was already saved (two jobs that end together must not leave the older one behind). A
   * failure is only logged.
   */
  synchronized void remember(Pending p) {
    String path = path(p.db());
    if (newestSaved.getOrDefault(path, -1L) > p.order()) {
      return;
    }
    try {
      repo.saveStateFile(path, p.record().toJson());
      newestSaved.put(path, p.order());
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: cannot save the daemon record (the status after a restart will lack "
          + "this job): {}", p.db().name(), Supervisor.oneLine(e));
    }
  }

  /** Takes the record of {@code s} as it is now. The caller holds the daemon's lock. */
  Pending take(DatabaseState s) {
    return new Pending(s.config, recordOf(s), taken.getAndIncrement());
  }

  /** The record of {@code s} as it is now, by this host. The caller holds the daemon's lock. */
  DaemonRecord recordOf(DatabaseState s) {
    return new DaemonRecord(host, s.config.kind(), s.config.path(), clock.instant(),
        s.lastBackup, s.lastSuccessfulBackup, s.lastVerify, s.lastVerifyEnded, s.history());
  }

  /** The record's name under {@code bulwark/state/}. */
  String path(DatabaseConfig db) {
    String identity = host + "\n" + db.kind() + "\n" + db.path();
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest(identity.getBytes(StandardCharsets.UTF_8));
      return FOLDER + HexFormat.of().formatHex(h).substring(0, NAME_HEX_DIGITS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
