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
import java.util.HexFormat;
import java.util.Optional;
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

  /** Stores {@code record} as this host's record of {@code db}; a failure is only logged. */
  void remember(DatabaseConfig db, DaemonRecord record) {
    try {
      repo.saveStateFile(path(db), record.toJson());
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: cannot save the daemon record (the status after a restart will lack "
          + "this job): {}", db.name(), Supervisor.oneLine(e));
    }
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
