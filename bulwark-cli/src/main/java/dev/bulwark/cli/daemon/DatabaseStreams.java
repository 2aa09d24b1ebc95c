package dev.bulwark.cli.daemon;

import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.StartupPolicy;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's streamed databases: one {@link DatabaseStream} for each database configured with
 * {@code stream:}, started by {@link #apply}, changed by the next {@link #apply} (a reload), and
 * stopped by {@link #close()}, each shipping what is pending first. Thread-safe.
 */
final class DatabaseStreams implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseStreams.class);

  private final Repository repo;
  private final Clock clock;
  private final Map<String, DatabaseStream> running = new LinkedHashMap<>();
  private boolean closed;
  private StartupPolicy policy = StartupPolicy.defaults();

  DatabaseStreams(Repository repo, Clock clock) {
    this.repo = repo;
    this.clock = clock;
  }

  /** What the start-up check lets through for streams started from now on. */
  synchronized void startupPolicy(StartupPolicy p) {
    this.policy = p;
  }

  /**
   * Makes the running streams those of {@code databases}: starts the streamed databases not
   * running yet, restarts those whose path or stream settings changed, and stops those no
   * longer streamed. A stream whose settings did not change goes on undisturbed.
   */
  void apply(List<DatabaseConfig> databases) {
    List<DatabaseStream> toStop = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      Map<String, DatabaseStream> old = new LinkedHashMap<>(running);
      running.clear();
      for (DatabaseConfig d : databases) {
        if (!d.isStreamed()) {
          continue;
        }
        DatabaseStream s = old.remove(d.name());
        if (s != null && !sameStream(s.config(), d)) {
          toStop.add(s);
          s = null;
        }
        running.put(d.name(), s != null ? s : DatabaseStream.start(d, repo, clock, policy));
      }
      toStop.addAll(old.values());
    }
    // Outside the lock: stopping ships what is pending, and status must answer meanwhile.
    for (DatabaseStream s : toStop) {
      LOG.info("{}: stopping its stream (configuration changed)", s.config().name());
      s.close();
    }
  }

  /** The stream of database {@code name}, or null if it is not streamed. */
  synchronized StreamStatus status(String name) {
    DatabaseStream s = running.get(name);
    return s == null ? null : s.status();
  }

  /**
   * A snapshot of database {@code name} built from its stream ({@link DatabaseStream#snapshot}),
   * or empty when it is not streaming now.
   */
  Optional<Snapshot> snapshot(String name)
      throws IOException, BulwarkException, InterruptedException {
    DatabaseStream s;
    synchronized (this) {
      s = running.get(name);
    }
    // Outside the lock: the fold takes a while, and status and reloads must answer meanwhile.
    return s == null ? Optional.empty() : s.snapshot();
  }

  private static boolean sameStream(DatabaseConfig a, DatabaseConfig b) {
    return a.kind() == b.kind() && a.path().equals(b.path())
        && Objects.equals(a.stream(), b.stream());
  }

  /** Stops every stream, each shipping what is pending first. Idempotent. */
  @Override
  public void close() {
    List<DatabaseStream> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(running.values());
    }
    for (DatabaseStream s : all) {
      s.close();
    }
  }
}
