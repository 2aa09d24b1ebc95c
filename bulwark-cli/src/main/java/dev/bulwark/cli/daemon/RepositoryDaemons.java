package dev.bulwark.cli.daemon;

import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.ConfigSource;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.RepositoryConfig;
import dev.bulwark.cli.config.RepositoryTarget;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.StartupPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon of a configuration whose databases go to several repositories: one {@link Daemon}
 * per repository, each with the databases backed up there and their schedule, retention and
 * verification there, so each repository runs on its own and one that fails (unreachable,
 * locked, full, wrong password) does not stop the others. A repository that cannot be opened
 * is shown as down in the status and opened again every minute.
 *
 * <p>A streamed database streams to its first repository only; the others get its scheduled
 * snapshots. Auto-restore takes the first of the database's repositories, in its order, that
 * has a snapshot of it, and says which in the log. Thread-safe.
 */
public final class RepositoryDaemons implements RunningDaemon {
  private static final Logger LOG = LoggerFactory.getLogger(RepositoryDaemons.class);
  /** How long a repository that could not be opened waits before the next try. */
  static final Duration REOPEN_AFTER = Duration.ofMinutes(1);

  private final ConfigSource source;
  private final Clock clock;
  private final Duration stopGrace;
  private final Instant started;
  private final Object lock = new Object();
  /** By repository name, in the order the databases first name them. */
  private final Map<String, Member> members = new LinkedHashMap<>();
  private BulwarkConfig config;
  private StartupPolicy startupPolicy;
  private CheckpointPolicy checkpoints;
  private Duration reopenAfter = REOPEN_AFTER;
  private ScheduledExecutorService reopener;
  private boolean running;
  private boolean closed;

  /** One repository: its daemon while open, else why it is not. */
  private static final class Member {
    final String name;
    final String location;
    Daemon daemon;
    String error;

    Member(String name, String location) {
      this.name = name;
      this.location = location;
    }
  }

  private RepositoryDaemons(BulwarkConfig config, ConfigSource source, Clock clock,
      Duration stopGrace) {
    this.config = config;
    this.source = source;
    this.clock = clock;
    this.stopGrace = stopGrace;
    this.started = clock.instant();
  }

  /**
   * Opens every repository the databases of {@code config} are backed up to; one that cannot
   * be opened is logged, shown in the status and tried again later.
   *
   * @throws BulwarkException if none of them opens (the first one's error)
   */
  public static RepositoryDaemons open(BulwarkConfig config, ConfigSource source, Clock clock,
      Duration stopGrace) throws IOException, BulwarkException {
    RepositoryDaemons d = new RepositoryDaemons(config, source, clock, stopGrace);
    Exception first = null;
    for (String name : repositoryNames(config)) {
      Member m = new Member(name, config.repository(name).orElseThrow().location());
      d.members.put(name, m);
      Exception e = d.tryOpen(m);
      first = first == null ? e : first;
    }
    if (d.members.values().stream().allMatch(m -> m.daemon == null) && first != null) {
      d.close();
      if (first instanceof BulwarkException b) {
        throw b;
      }
      if (first instanceof IOException io) {
        throw io;
      }
      throw (RuntimeException) first;
    }
    return d;
  }

  /** As {@link Daemon#startupPolicy}, for every repository's daemon. */
  @Override
  public void startupPolicy(StartupPolicy policy) {
    synchronized (lock) {
      startupPolicy = policy;
      members.values().stream().filter(m -> m.daemon != null)
          .forEach(m -> m.daemon.startupPolicy(policy));
    }
  }

  /** As {@link Daemon#checkpoints}, for every repository's daemon. */
  @Override
  public void checkpoints(CheckpointPolicy policy) {
    synchronized (lock) {
      checkpoints = policy;
      members.values().stream().filter(m -> m.daemon != null)
          .forEach(m -> m.daemon.checkpoints(policy));
    }
  }

  /** How long a repository that could not be opened waits before the next try (tests). */
  void reopenAfter(Duration d) {
    reopenAfter = d;
  }

  /**
   * Restores each missing database with auto-restore from the first of its repositories that
   * has a snapshot of it, then starts every open repository's daemon, and the retries of those
   * that did not open.
   */
  @Override
  public void start() {
    List<Member> open;
    synchronized (lock) {
      if (running || closed) {
        throw new IllegalStateException("already started or closed");
      }
      running = true;
      open = members.values().stream().filter(m -> m.daemon != null).toList();
    }
    autoRestore();
    open.forEach(m -> m.daemon.start());
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bulwark-daemon-reopen");
      t.setDaemon(true);
      return t;
    });
    synchronized (lock) {
      reopener = s;
    }
    long ms = Math.max(1, reopenAfter.toMillis());
    s.scheduleWithFixedDelay(this::reopen, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * The backup in the database's first open repository, after starting one in each.
   *
   * @throws IllegalStateException if none of its repositories is open
   */
  @Override
  public JobHandle backupNow(String database) throws UnknownDatabaseException {
    try {
      return backupNow(database, null).get(0);
    } catch (UnknownRepositoryException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * The verification in the database's first open repository, after starting one in each.
   *
   * @throws IllegalStateException if none of its repositories is open
   */
  @Override
  public JobHandle verifyNow(String database) throws UnknownDatabaseException {
    try {
      return verifyNow(database, null).get(0);
    } catch (UnknownRepositoryException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  @Override
  public List<JobHandle> backupNow(String database, String repository)
      throws UnknownDatabaseException, UnknownRepositoryException {
    List<JobHandle> out = new ArrayList<>();
    for (Daemon d : daemonsOf(database, repository)) {
      out.add(d.backupNow(database));
    }
    return out;
  }

  @Override
  public List<JobHandle> verifyNow(String database, String repository)
      throws UnknownDatabaseException, UnknownRepositoryException {
    List<JobHandle> out = new ArrayList<>();
    for (Daemon d : daemonsOf(database, repository)) {
      out.add(d.verifyNow(database));
    }
    return out;
  }

  /**
   * The top level shows each database as it is in its first repository that is open, and
   * {@code repositories} every repository.
   */
  @Override
  public DaemonStatus status() {
    BulwarkConfig c;
    List<Member> all;
    synchronized (lock) {
      c = config;
      all = List.copyOf(members.values());
    }
    List<RepositoryStatus> repos = new ArrayList<>();
    Map<String, DatabaseStatus> firstSeen = new LinkedHashMap<>();
    for (Member m : all) {
      Daemon d;
      String error;
      synchronized (lock) {
        d = m.daemon;
        error = m.error;
      }
      if (d == null) {
        repos.add(new RepositoryStatus(m.name, m.location, error, 0, 0, List.of()));
        continue;
      }
      DaemonStatus s = d.status();
      repos.add(new RepositoryStatus(m.name, m.location, null, s.repositoryBytes(),
          s.snapshotCount(), s.databases()));
      s.databases().forEach(db -> firstSeen.putIfAbsent(db.name(), db));
    }
    List<DatabaseStatus> dbs = new ArrayList<>();
    for (DatabaseConfig db : c.databases()) {
      DatabaseStatus s = firstSeen.get(db.name());
      dbs.add(s != null ? s : new DatabaseStatus(db.name(), db.kind(), db.path(), null, null,
          null, null, null, null, 0, 0, List.of(), null, 0));
    }
    RepositoryStatus first = repos.isEmpty() ? null : repos.get(0);
    return new DaemonStatus(started, first == null ? c.repository() : first.location(),
        first == null ? 0 : first.repositoryBytes(), first == null ? 0 : first.snapshotCount(),
        dbs, repos);
  }

  /** The schedules in that repository (null: the first), as its own daemon has them. */
  @Override
  public Map<String, Duration> backupIntervals(String repository) {
    List<Member> all;
    synchronized (lock) {
      all = List.copyOf(members.values());
    }
    for (Member m : all) {
      Daemon d;
      synchronized (lock) {
        d = m.daemon;
      }
      if (d != null && (repository == null || m.name.equals(repository))) {
        return d.backupIntervals(null);
      }
    }
    return Map.of();
  }

  /** The snapshots of the database's (or the default's) first repository that is open. */
  @Override
  public List<Snapshot> snapshots(String database)
      throws UnknownDatabaseException, IOException, BulwarkException {
    List<Daemon> ds;
    try {
      ds = database == null ? openDaemons() : daemonsOf(database, null);
    } catch (UnknownRepositoryException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (ds.isEmpty()) {
      throw new IOException("no repository is open now (see status)");
    }
    return ds.get(0).snapshots(database);
  }

  /**
   * Reloads every open repository's daemon; a repository added or removed takes a restart
   * (logged).
   */
  @Override
  public void reload() throws ConfigException, IOException {
    BulwarkConfig next = source.load();
    List<Daemon> open;
    synchronized (lock) {
      if (!repositoryNames(next).equals(List.copyOf(members.keySet()))) {
        LOG.warn("reload: the repositories changed to {}; adding or removing one takes a "
            + "restart", repositoryNames(next));
      }
      config = next;
      open = openDaemons();
    }
    // Each repository takes the new file on its own: one that cannot does not stop the others.
    ConfigException failed = null;
    for (Daemon d : open) {
      try {
        d.reload();
      } catch (ConfigException e) {
        failed = failed == null ? e : failed;
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  @Override
  public void close() {
    List<Member> all;
    ScheduledExecutorService s;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      all = List.copyOf(members.values());
      s = reopener;
    }
    if (s != null) {
      s.shutdownNow();
      try {
        s.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Member m : all) {
      Daemon d;
      synchronized (lock) {
        d = m.daemon;
      }
      if (d != null) {
        d.close();
      }
    }
  }

  // ------------------------------------------------------------------ repositories

  /**
   * The configuration {@code name}'s daemon runs: that repository, and the databases backed up
   * to it with their schedule, retention and verification there. Auto-restore is done here, not
   * by the daemons; a stream goes to the database's first repository only, and groups to the
   * default repository.
   */
  static BulwarkConfig project(BulwarkConfig config, String name) throws ConfigException {
    RepositoryConfig r = config.repository(name).orElseThrow(() -> new ConfigException(
        config.file() + ": repositories: no repository named '" + name + "' any more"));
    List<DatabaseConfig> dbs = new ArrayList<>();
    for (DatabaseConfig d : config.databases()) {
      List<RepositoryTarget> ts = config.targets(d);
      for (int i = 0; i < ts.size(); i++) {
        RepositoryTarget t = ts.get(i);
        if (t.repository().equals(name)) {
          dbs.add(new DatabaseConfig(d.name(), d.kind(), d.path(), d.files(), t.every(),
              t.retention(), t.verifyEvery(), false, i == 0 ? d.stream() : null,
              d.yieldFile(), d.chunkBytes()));
        }
      }
    }
    // Groups go to the default repository: a group has no repositories of its own (yet).
    return new BulwarkConfig(config.file(), r.location(), r.passwordFile(), r.keyFiles(),
        config.api(), dbs, r.limits(),
        name.equals(RepositoryConfig.DEFAULT) ? config.groups() : List.of(), null, null, r.s3());
  }

  /**
   * Every repository some database of {@code config} is backed up to, in the order they are
   * first named.
   */
  public static List<String> repositoryNames(BulwarkConfig config) {
    List<String> out = new ArrayList<>();
    for (DatabaseConfig d : config.databases()) {
      for (RepositoryTarget t : config.targets(d)) {
        if (!out.contains(t.repository())) {
          out.add(t.repository());
        }
      }
    }
    if (out.isEmpty()) {
      out.add(RepositoryConfig.DEFAULT);
    }
    return out;
  }

  /** Opens {@code m}'s daemon; returns why it could not, or null. */
  private Exception tryOpen(Member m) {
    BulwarkConfig current;
    synchronized (lock) {
      current = config;
    }
    try {
      BulwarkConfig projected = project(current, m.name);
      Daemon d = Daemon.open(projected, () -> project(source.load(), m.name), clock, stopGrace);
      d.repositoryName(m.name);
      synchronized (lock) {
        m.daemon = d;
        m.error = null;
      }
      return null;
    } catch (IOException | BulwarkException | RuntimeException e) {
      String why = Supervisor.oneLine(e);
      synchronized (lock) {
        m.error = why;
      }
      LOG.warn("repository {} ({}) cannot be opened: {}; its backups wait, the others go on; "
          + "trying again in {}", m.name, m.location, why, Daemon.human(reopenAfter));
      return e;
    }
  }

  /** Tries again to open each repository that is down, and starts the daemon of each. */
  private void reopen() {
    List<Member> down;
    synchronized (lock) {
      if (closed) {
        return;
      }
      down = members.values().stream().filter(m -> m.daemon == null).toList();
    }
    for (Member m : down) {
      if (tryOpen(m) != null) {
        continue;
      }
      Daemon d;
      synchronized (lock) {
        d = m.daemon;
        if (closed) {
          d.close();
          return;
        }
        if (startupPolicy != null) {
          d.startupPolicy(startupPolicy);
        }
        if (checkpoints != null) {
          d.checkpoints(checkpoints);
        }
      }
      d.start();
      LOG.info("repository {} ({}) is open again; its schedule goes on", m.name, m.location);
    }
  }

  /**
   * Each database with auto-restore that is missing comes back from the first of its
   * repositories, in its order, that has a snapshot of it.
   */
  private void autoRestore() {
    BulwarkConfig c;
    synchronized (lock) {
      c = config;
    }
    for (DatabaseConfig db : c.databases()) {
      if (!db.autoRestore() || Files.exists(db.path(), LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      boolean done = false;
      for (RepositoryTarget t : c.targets(db)) {
        Daemon d;
        synchronized (lock) {
          Member m = members.get(t.repository());
          d = m == null ? null : m.daemon;
        }
        if (d == null) {
          LOG.warn("auto-restore of {}: repository {} is not open; trying the next", db.name(),
              t.repository());
          continue;
        }
        try {
          Job.Outcome o = d.restoreIfMissing(db);
          if (o.snapshotId() != null) {
            LOG.info("auto-restore of {}: restored from repository {} (its first repository "
                + "with a snapshot of it)", db.name(), t.repository());
            done = true;
            break;
          }
        } catch (IOException | BulwarkException | RuntimeException e) {
          LOG.warn("auto-restore of {} from repository {} failed: {}; trying the next",
              db.name(), t.repository(), Supervisor.oneLine(e));
        }
      }
      if (!done) {
        LOG.warn("auto-restore of {}: no repository restored it; the first backup makes a "
            + "snapshot", db.name());
      }
    }
  }

  private List<Daemon> openDaemons() {
    synchronized (lock) {
      return members.values().stream().filter(m -> m.daemon != null).map(m -> m.daemon)
          .toList();
    }
  }

  /** The open daemons of the database's repositories (or of the one named), in its order. */
  private List<Daemon> daemonsOf(String database, String repository)
      throws UnknownDatabaseException, UnknownRepositoryException {
    synchronized (lock) {
      DatabaseConfig db = database == null ? null : config.database(database).orElse(null);
      if (db == null) {
        throw new UnknownDatabaseException(database);
      }
      List<Daemon> out = new ArrayList<>();
      boolean named = false;
      for (RepositoryTarget t : config.targets(db)) {
        if (repository != null && !repository.equals(t.repository())) {
          continue;
        }
        named = true;
        Member m = members.get(t.repository());
        if (m != null && m.daemon != null) {
          out.add(m.daemon);
        }
      }
      if (!named) {
        throw new UnknownRepositoryException(database, repository);
      }
      if (out.isEmpty()) {
        throw UnknownRepositoryException.down(database, repository);
      }
      return out;
    }
  }
}
