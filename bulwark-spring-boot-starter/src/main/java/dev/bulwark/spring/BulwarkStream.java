package dev.bulwark.spring;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.StartupReport;
import dev.bulwark.core.stream.StreamPosition;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Streams the database (SQLite in WAL mode) while the application runs: starts its replicator
 * once every bean is created (the application has opened and set up its database) and before
 * the web server takes requests, and on shutdown, after the web server has stopped and before
 * the {@code DataSource} closes, ships what is pending and stops.
 */
public final class BulwarkStream implements SmartLifecycle {
  /**
   * Below the web server's phases (Spring Boot stops the server at {@code DEFAULT_PHASE -
   * 1024} and {@code - 2048}), so the stream starts before it and stops after it; beans, the
   * DataSource among them, are destroyed only after every lifecycle has stopped.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
  private static final Logger LOG = LoggerFactory.getLogger(BulwarkStream.class);

  private final BulwarkRepository repo;
  private final BulwarkSettings settings;
  private final RestoreGate gate;
  private final AtomicLong failures = new AtomicLong();
  private volatile @Nullable Replicator replicator;
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
    if (options.isEmpty() || replicator != null) {
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
      failures.incrementAndGet();
      lastError = RestoreGate.oneLine(e);
      throw new BulwarkStartupException("cannot stream " + settings.name() + " ("
          + settings.database().path() + "): " + RestoreGate.oneLine(e),
          "The database must exist once the application's beans are created, in WAL mode "
              + "(journal_mode=WAL); or set bulwark.stream.enabled=false.", e);
    }
    replicator = r;
    LOG.info("{}: streaming {} every {}, {}", settings.name(), settings.database().path(),
        options.get().syncInterval(), r.lastShippedPosition().map(p -> "at " + p)
            .orElse("nothing shipped yet"));
  }

  @Override
  public synchronized void stop() {
    Replicator r = replicator;
    if (r == null) {
      return;
    }
    replicator = null;
    try {
      r.close();
      lastShipped = r.lastShippedPosition().orElse(lastShipped);
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
    return replicator != null;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** True if the database is configured to stream. */
  public boolean enabled() {
    return settings.stream().isPresent();
  }

  /** How long the oldest committed, unshipped transaction has waited; empty when stopped. */
  public Optional<Duration> lag() {
    Replicator r = replicator;
    return r == null ? Optional.empty() : Optional.of(r.lag());
  }

  /** Committed bytes not yet durable in the repository; 0 when stopped. */
  public long pendingBytes() {
    Replicator r = replicator;
    return r == null ? 0 : r.pendingBytes();
  }

  /** The newest position durable in the repository. */
  public Optional<StreamPosition> lastShipped() {
    Replicator r = replicator;
    if (r != null) {
      r.lastShippedPosition().ifPresent(p -> lastShipped = p);
    }
    return Optional.ofNullable(lastShipped);
  }

  /** Replications that failed (to start, to stop, or found dead while running). */
  public long failures() {
    return failures.get();
  }

  /** The last failure's one line, if any. */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  /**
   * A snapshot built from the stream (everything committed so far shipped first), or empty
   * when it is not streaming now.
   */
  Optional<Snapshot> snapshot() throws IOException, BulwarkException, InterruptedException {
    Replicator r = replicator;
    return r == null ? Optional.empty() : Optional.of(r.snapshot());
  }

  /** The running replicator, for {@code DurableDataSource} or a test; empty when stopped. */
  public Optional<Replicator> replicator() {
    return Optional.ofNullable(replicator);
  }
}
