package dev.bulwark.spring;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.ReplicatorWatch;
import dev.bulwark.core.stream.StartupReport;
import dev.bulwark.core.stream.StreamPosition;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Streams the database (SQLite in WAL mode) while the application runs: starts its replicator
 * once every bean is created (the application has opened and set up its database) and before
 * the web server takes requests, and on shutdown, after the web server has stopped and before
 * the {@code DataSource} closes, ships what is pending and stops. While running, a thread of
 * its own watches the replicator and starts it again after a failure, with a backoff that
 * doubles from 1 s to 1 min, as the daemon does.
 */
public final class BulwarkStream implements SmartLifecycle {
  /**
   * Below the web server's phases (Spring Boot stops the server at {@code DEFAULT_PHASE -
   * 1024} and {@code - 2048}), so the stream starts before it and stops after it; beans, the
   * DataSource among them, are destroyed only after every lifecycle has stopped.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
  private static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);
  /** How long stop waits for the watch thread (which may be starting a replicator). */
  private static final Duration STOP_WAIT = Duration.ofMinutes(2);
  private static final Logger LOG = LoggerFactory.getLogger(BulwarkStream.class);

  private final BulwarkRepository repo;
  private final BulwarkSettings settings;
  private final RestoreGate gate;
  private final AtomicLong failures = new AtomicLong();
  private volatile @Nullable Replicator replicator;
  private volatile @Nullable Thread watcher;
  private volatile CountDownLatch stopping = new CountDownLatch(0);
  private volatile @Nullable StreamPosition lastShipped;
  private volatile @Nullable String lastError;

  BulwarkStream(BulwarkRepository repo, BulwarkSettings settings, RestoreGate gate) {
    this.repo = repo;
    this.settings = settings;
    this.gate = gate;
  }

  @Override
  public synchronized void start() {
    Optional<ReplicationOptions> options = settings.stream();
    if (options.isEmpty() || watcher != null) {
      return;
    }
    Replicator r;
    try {
      r = repo.replicate(settings.database(), options.get());
      Optional<StartupReport> check = gate.report();
      if (check.isPresent() && r.lastShippedPosition().isPresent()) {
        check.get().bindTo(r.lastShippedPosition().get().generation());
      }
    } catch (IOException | BulwarkException e) {
      failed(e);
      throw new BulwarkStartupException("cannot stream " + settings.name() + " ("
          + settings.database().path() + "): " + RestoreGate.oneLine(e),
          "The database must exist once the application's beans are created, in WAL mode "
              + "(journal_mode=WAL); or set bulwark.stream.enabled=false.", e);
    }
    replicator = r;
    LOG.info("{}: streaming {} every {}, {}", settings.name(), settings.database().path(),
        DurationText.of(options.get().syncInterval()), r.lastShippedPosition().map(p -> "at " + p)
            .orElse("nothing shipped yet"));
    stopping = new CountDownLatch(1);
    Thread t = new Thread(() -> watch(options.get()), "bulwark-stream-" + settings.name());
    t.setDaemon(true);
    watcher = t;
    t.start();
  }

  /** Watches the running replicator; replaces it after a failure, until asked to stop. */
  private void watch(ReplicationOptions options) {
    Duration backoff = FIRST_BACKOFF;
    while (!isStopping()) {
      Replicator r = replicator;
      if (r == null) {
        try {
          r = repo.replicate(settings.database(), options);
          replicator = r;
          backoff = FIRST_BACKOFF;
          LOG.info("{}: streaming again, {}", settings.name(), r.lastShippedPosition()
              .map(p -> "at " + p).orElse("nothing shipped yet"));
        } catch (IOException | BulwarkException | RuntimeException e) {
          failed(e);
          LOG.warn("{}: cannot start streaming: {}; trying again in {}", settings.name(),
              RestoreGate.oneLine(e), DurationText.of(backoff));
          backoff = pause(backoff);
          continue;
        }
      }
      ReplicatorWatch w = new ReplicatorWatch(r, options);
      try {
        while (!stopping.await(WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
          w.check();
        }
      } catch (IOException | BulwarkException | RuntimeException e) {
        failed(e);
        replicator = null;
        closeQuietly(r);
        LOG.warn("{}: streaming failed: {}; starting again in {}", settings.name(),
            RestoreGate.oneLine(e), DurationText.of(backoff));
        backoff = pause(backoff);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private Duration pause(Duration backoff) {
    try {
      stopping.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Duration next = backoff.multipliedBy(2);
    return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
  }

  private void failed(Exception e) {
    failures.incrementAndGet();
    lastError = RestoreGate.oneLine(e);
    Replicator r = replicator;
    if (r != null) {
      r.lastShippedPosition().ifPresent(p -> lastShipped = p);
    }
  }

  private boolean isStopping() {
    return stopping.getCount() == 0;
  }

  private static void closeQuietly(Replicator r) {
    try {
      r.close();
    } catch (IOException | BulwarkException | RuntimeException e) {
      // Already failing: the failure that brought us here is the one reported.
      LOG.debug("closing a failed replicator: {}", e.toString());
    }
  }

  @Override
  public synchronized void stop() {
    Thread t = watcher;
    if (t == null) {
      return;
    }
    stopping.countDown();
    try {
      t.join(STOP_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      LOG.warn("{}: the stream's watch did not stop within {}", settings.name(),
          DurationText.of(STOP_WAIT));
    }
    watcher = null;
    Replicator r = replicator;
    replicator = null;
    if (r == null) {
      return;
    }
    try {
      r.close();
      r.lastShippedPosition().ifPresent(p -> lastShipped = p);
      LOG.info("{}: stream stopped; shipped up to {}", settings.name(),
          r.lastShippedPosition().map(Object::toString).orElse("nothing"));
    } catch (IOException | BulwarkException | RuntimeException e) {
      failures.incrementAndGet();
      lastError = RestoreGate.oneLine(e);
      LOG.warn("{}: stopping the stream, what was pending could not be shipped: {}",
          settings.name(), RestoreGate.oneLine(e));
    }
  }

  @Override
  public boolean isRunning() {
    return watcher != null;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /**
   * True if the database is configured to stream.
   *
   * @return whether it streams
   */
  public boolean enabled() {
    return settings.stream().isPresent();
  }

  /**
   * True while a replicator streams (not while one is being started again).
   *
   * @return whether one streams now
   */
  public boolean streaming() {
    return replicator != null;
  }

  /**
   * How long the oldest committed, unshipped transaction has waited; empty while no replicator
   * runs.
   *
   * @return the wait, or empty
   */
  public Optional<Duration> lag() {
    Replicator r = replicator;
    return r == null ? Optional.empty() : Optional.of(r.lag());
  }

  /**
   * Committed bytes not yet durable in the repository; 0 while no replicator runs.
   *
   * @return how many bytes
   */
  public long pendingBytes() {
    Replicator r = replicator;
    return r == null ? 0 : r.pendingBytes();
  }

  /**
   * The newest position durable in the repository.
   *
   * @return the position, or empty if nothing was shipped yet
   */
  public Optional<StreamPosition> lastShipped() {
    Replicator r = replicator;
    if (r != null) {
      r.lastShippedPosition().ifPresent(p -> lastShipped = p);
    }
    return Optional.ofNullable(lastShipped);
  }

  /**
   * Replications that failed (to start, while running, or to ship on stop).
   *
   * @return how many
   */
  public long failures() {
    return failures.get();
  }

  /**
   * The last failure's one line, if any.
   *
   * @return the line, or empty if none failed
   */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  /**
   * A snapshot built from the stream (everything committed so far shipped first), or empty
   * when no replicator runs now.
   */
  Optional<Snapshot> snapshot() throws IOException, BulwarkException, InterruptedException {
    Replicator r = replicator;
    return r == null ? Optional.empty() : Optional.of(r.snapshot());
  }

  /**
   * The running replicator, e.g. for a {@code DurableDataSource}; empty while none runs. It
   * changes after a failure: ask again rather than keeping it.
   *
   * @return the replicator, or empty
   */
  public Optional<Replicator> replicator() {
    return Optional.ofNullable(replicator);
  }
}
