package dev.bulwark.spring;

import dev.bulwark.core.api.Database;
import dev.bulwark.core.retention.KeepWithin;
import dev.bulwark.core.retention.RetentionPolicy;
import dev.bulwark.core.retention.StreamRetention;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.StartupPolicy;
import dev.bulwark.sqlite.SqliteDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@code bulwark.*} properties checked and turned into the library's values, once, at
 * start. A wrong or missing property stops the start with one line naming it.
 *
 * @param name the database's name in logs, metrics and health
 * @param kind what kind of database it is
 * @param database the database, for restore and backup
 * @param files the files that travel with it
 * @param stream how it streams, or empty when it does not
 * @param retention the forget rules, {@link RetentionPolicy#isEmpty()} when none
 * @param schedule how often a snapshot is taken, or empty: on demand only
 * @param verify how often the newest snapshot is verified, or empty: on demand only
 * @param startupPolicy what the start-up check lets through
 */
record BulwarkSettings(String name, BulwarkProperties.Kind kind, Database database,
    List<Path> files,
    Optional<ReplicationOptions> stream, RetentionPolicy retention, Optional<Duration> schedule,
    Optional<Duration> verify, StartupPolicy startupPolicy, Duration maxLag,
    boolean prune) {

  private static final String FIX = "Set it in application.yml (see the starter's docs: "
      + "spring-boot.md).";

  static BulwarkSettings of(BulwarkProperties p) {
    BulwarkProperties.DatabaseProps d = p.getDatabase();
    Path path = d.getPath();
    if (path == null) {
      throw new BulwarkStartupException("bulwark.database.path is not set: which database "
          + "does this application keep its state in?", FIX);
    }
    if (p.getPasswordFile() == null && p.getPasswordCommand() == null) {
      throw new BulwarkStartupException("neither bulwark.password-file nor "
          + "bulwark.password-command is set: nothing unlocks the repository", FIX);
    }
    if (p.getPasswordFile() != null && p.getPasswordCommand() != null) {
      throw new BulwarkStartupException("both bulwark.password-file and "
          + "bulwark.password-command are set; give one", "Remove one of them.");
    }
    Database db = d.getKind() == BulwarkProperties.Kind.SQLITE ? SqliteDatabase.at(path)
        : RocksDbSupport.database(path);
    String name = d.getName() != null ? d.getName() : defaultName(db.path());
    Optional<ReplicationOptions> stream = Optional.empty();
    if (p.getStream().isEnabled() && d.getKind() == BulwarkProperties.Kind.SQLITE) {
      stream = Optional.of(replication(p.getStream()));
    }
    StartupPolicy policy = StartupPolicy.defaults();
    if (p.getStartup().isAcceptOlderDatabase()) {
      policy = policy.acceptingOlderDatabase();
    }
    if (p.getStartup().isRebind()) {
      policy = policy.rebinding();
    }
    return new BulwarkSettings(name, d.getKind(), db, List.copyOf(d.getFiles()), stream,
        retention(p.getRetention()), positive("bulwark.schedule.every", p.getSchedule().getEvery()),
        positive("bulwark.verify.every", p.getVerify().getEvery()), policy,
        p.getHealth().getMaxLag(), p.getRetention().isPrune());
  }

  /** The file or folder name without its extension: {@code ledger} for {@code ledger.db}. */
  private static String defaultName(Path db) {
    String file = db.getFileName().toString();
    int dot = file.lastIndexOf('.');
    return dot > 0 ? file.substring(0, dot) : file;
  }

  private static ReplicationOptions replication(BulwarkProperties.Stream s) {
    try {
      ReplicationOptions o = ReplicationOptions.defaults()
          .withSyncInterval(s.getSyncInterval())
          .withMaxRequestsPerHour(s.getMaxRequestsPerHour())
          .withSnapshotInterval(s.getSnapshotInterval());
      if (s.getRetention() != null) {
        o = o.withRetention(StreamRetention.within(s.getRetention()));
      }
      if (s.getStateDir() != null) {
        o = o.withStateDir(s.getStateDir());
      }
      return o;
    } catch (IllegalArgumentException e) {
      throw new BulwarkStartupException("bulwark.stream: " + e.getMessage(), FIX, e);
    }
  }

  private static RetentionPolicy retention(BulwarkProperties.Retention r) {
    try {
      RetentionPolicy.Builder b = RetentionPolicy.builder().last(r.getKeepLast())
          .hourly(r.getKeepHourly()).daily(r.getKeepDaily()).weekly(r.getKeepWeekly())
          .monthly(r.getKeepMonthly()).yearly(r.getKeepYearly());
      // Each entry is one alternative, as each --keep-tag (and bulwark.yml's list) is.
      r.getKeepTag().forEach(b::tagged);
      if (r.getKeepWithin() != null) {
        b.within(KeepWithin.parse(r.getKeepWithin()));
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new BulwarkStartupException("bulwark.retention: " + e.getMessage(), FIX, e);
    }
  }

  private static Optional<Duration> positive(String property, @Nullable Duration d) {
    if (d != null && (d.isNegative() || d.isZero())) {
      throw new BulwarkStartupException(property + ": " + DurationText.of(d)
          + " is not a positive duration",
          "Use a duration such as 15m, 1h or 1d, or leave it out.");
    }
    return Optional.ofNullable(d);
  }
}
