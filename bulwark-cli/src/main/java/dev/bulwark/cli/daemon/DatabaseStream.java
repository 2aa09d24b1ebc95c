package dev.bulwark.cli.daemon;

import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.DurationText;
import dev.bulwark.cli.source.DatabaseSources;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.Replicable;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.ReplicatorWatch;
import dev.bulwark.core.stream.StartupPolicy;
import dev.bulwark.core.stream.StartupReport;
import dev.bulwark.core.stream.StreamPosition;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one database streaming for the daemon, on a thread of its own: starts its replicator,
 * watches that it keeps shipping, and after a failure (to start, or while running) closes it
 * and starts again after a backoff that doubles from {@link #FIRST_BACKOFF} to {@link
 * #MAX_BACKOFF}. {@link #close()} stops it: the replicator ships what is pending, then the
 * thread ends. Thread-safe.
 */
final class DatabaseStream implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseStream.class);
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
  /** How often a running replicator is looked at. */
  static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);
  /** How long close waits for the pending transactions to be shipped. */
  static final Duration STOP_WAIT = Duration.ofMinutes(2);

  private final DatabaseConfig config;
  private final Repository repo;
  private final Clock clock;
  /** What the start-up check lets through when the daemon starts this stream. */
  private final StartupPolicy policy;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;
  private final Object lock = new Object();
  private Replicator replicator;
  /** The last position a replicator of this stream reported, kept across restarts. */
  private StreamPosition lastShipped;
  private StreamState state = StreamState.STARTING;
  private Instant since;
  private long failures;
  private String lastError;

  private DatabaseStream(DatabaseConfig config, Repository repo, Clock clock,
      StartupPolicy policy) {
    this.config = config;
    this.repo = repo;
    this.clock = clock;
    this.policy = policy;
    this.thread = new Thread(this::run, "bulwark-stream-" + config.name());
    thread.setDaemon(true);
  }

  /**
   * Starts keeping {@code config}'s database streaming into {@code repo}, after a start-up
   * check under {@code policy}.
   */
  static DatabaseStream start(DatabaseConfig config, Repository repo, Clock clock,
      StartupPolicy policy) {
    if (!config.isStreamed()) {
      throw new IllegalArgumentException(config.name() + " is not configured to stream");
    }
    DatabaseStream s = new DatabaseStream(config, repo, clock, policy);
    s.thread.start();
    return s;
  }

  DatabaseConfig config() {
    return config;
  }

  /** The stream as it is now. */
  StreamStatus status() {
    long bytes = databaseBytes();
    synchronized (lock) {
      Replicator r = replicator;
      boolean live = r != null && state == StreamState.STREAMING;
      if (r != null) {
        lastShipped = r.lastShippedPosition().orElse(lastShipped);
      }
      return new StreamStatus(state, live ? r.lag() : null, live ? r.pendingBytes() : 0,
          lastShipped, since, failures, lastError, bytes);
    }
  }

  /**
   * A snapshot built from the stream up to everything committed now (the replicator ships what
   * is pending, then folds), or empty when no replicator is streaming at the moment.
   */
  Optional<Snapshot> snapshot() throws IOException, BulwarkException, InterruptedException {
    Replicator r;
    synchronized (lock) {
      r = state == StreamState.STREAMING ? replicator : null;
    }
    return r == null ? Optional.empty() : Optional.of(r.snapshot());
  }

  private void run() {
    Duration backoff = FIRST_BACKOFF;
    boolean checked = false;
    while (!isStopping()) {
      setState(StreamState.STARTING, null);
      Replicator r;
      try {
        Replicable source = DatabaseSources.replicable(config.kind(), config.path());
        StartupReport check = null;
        if (!checked) {
          // At the daemon's start only: once streaming, the service runs on this database
          // whatever a later restart of the replicator would say.
          check = source.startupCheck(repo, config.replicationOptions(), policy);
          LOG.info("{}: start-up check: {}", config.name(), check.detail());
          checked = true;
        }
        r = source.replicate(repo, config.replicationOptions());
        if (check != null && r.lastShippedPosition().isPresent()) {
          check.bindTo(r.lastShippedPosition().get().generation());
        }
      } catch (IOException | BulwarkException | RuntimeException e) {
        if (isStopping()) {
          break;
        }
        backoff = failed("cannot start streaming", e, backoff);
        continue;
      }
      synchronized (lock) {
        replicator = r;
      }
      setState(StreamState.STREAMING, null);
      LOG.info("{}: streaming {} every {}, {}", config.name(), config.path(),
          DurationText.format(config.stream().syncInterval()), r.lastShippedPosition()
              .map(p -> "at " + p).orElse("nothing shipped yet"));
      try {
        watch(r);
        backoff = FIRST_BACKOFF;
      } catch (IOException | BulwarkException | RuntimeException e) {
        closeQuietly(r);
        backoff = failed("streaming failed", e, backoff);
        continue;
      } catch (InterruptedException e) {
        // Nothing interrupts this thread on purpose (close() counts the latch down, so that
        // shipping on stop is never cut short); stop as asked.
        LOG.debug("{}: stream watch interrupted", config.name());
      }
      break;
    }
    stopReplicator();
  }

  /** Returns when asked to stop; throws when the replicator has failed for good. */
  private void watch(Replicator r)
      throws IOException, BulwarkException, InterruptedException {
    ReplicatorWatch watch = new ReplicatorWatch(r, config.replicationOptions());
    boolean warned = false;
    while (!stop.await(WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
      watch.check();
      boolean behind = r.lag().compareTo(watch.threshold()) > 0;
      if (behind && !warned) {
        LOG.warn("{}: the stream is behind: nothing shipped for {}", config.name(),
            Daemon.human(r.lag()));
      }
      warned = behind;
    }
  }

  private Duration failed(String what, Exception e, Duration backoff) {
    String line = Supervisor.oneLine(e);
    synchronized (lock) {
      failures++;
      if (replicator != null) {
        lastShipped = replicator.lastShippedPosition().orElse(lastShipped);
      }
      replicator = null;
    }
    setState(StreamState.RETRYING, line);
    LOG.warn("{}: {}: {}; trying again in {}", config.name(), what, line,
        Daemon.human(backoff));
    try {
      stop.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    Duration next = backoff.multipliedBy(2);
    return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
  }

  /** Ships what is pending and stops the replicator, if one runs. */
  private void stopReplicator() {
    Replicator r;
    synchronized (lock) {
      r = replicator;
    }
    if (r != null) {
      try {
        r.close();
        LOG.info("{}: stream stopped; shipped up to {}", config.name(), r.lastShippedPosition()
            .map(Object::toString).orElse("nothing"));
      } catch (IOException | BulwarkException | RuntimeException e) {
        synchronized (lock) {
          failures++;
        }
        LOG.warn("{}: stopping the stream, what was pending could not be shipped: {}",
            config.name(), Supervisor.oneLine(e));
      }
    }
    setState(StreamState.STOPPED, null);
  }

  private static void closeQuietly(Replicator r) {
    try {
      r.close();
    } catch (IOException | BulwarkException | RuntimeException e) {
      // Already failing: the failure that brought us here is the one reported.
      LOG.debug("closing a failed replicator: {}", e.toString());
    }
  }

  private void setState(StreamState s, String error) {
    synchronized (lock) {
      state = s;
      since = clock.instant();
      if (error != null) {
        lastError = error;
      }
    }
  }

  private boolean isStopping() {
    return stop.getCount() == 0;
  }

  private long databaseBytes() {
    try {
      return Files.size(config.path());
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Stops streaming: the replicator ships what is pending (waiting up to {@link #STOP_WAIT}),
   * then the thread ends. Idempotent.
   */
  @Override
  public void close() {
    stop.countDown();
    try {
      thread.join(STOP_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("{}: the stream did not stop within {}", config.name(), Daemon.human(STOP_WAIT));
    }
  }
}
