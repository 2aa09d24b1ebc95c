package dev.bulwark.core.repo;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.RepositoryLockedException;
import dev.bulwark.core.backend.FileInfo;
import dev.bulwark.core.job.YieldSignal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests for the repository lock between processes, and the {@link YieldSignal} that sees
 * them. A process that needs the lock and finds it held ({@link #lock}) stores a small sealed
 * request under {@code bulwark/lock-requests/} (restic ignores that folder), rewrites it while it
 * waits and removes it once it holds the lock or gives up. A long job that can yield (the
 * daemon's verification or scheduled backup) asks {@link #requested()} at each checkpoint and
 * stops there while a fresh request exists, which releases its lock.
 *
 * <p>A request counts only while it is fresh: rewritten within {@link #FRESH_FOR}, and, when it
 * was made on this host, by a process that still runs. So a request left by a killed process
 * is ignored without anyone removing it. Thread-safe.
 */
public final class LockRequests implements YieldSignal {
  private static final Logger LOG = LoggerFactory.getLogger(LockRequests.class);
  /** How long a request counts after it was last written. */
  public static final Duration FRESH_FOR = Duration.ofMinutes(2);
  /** How often a waiting process rewrites its request: well within {@link #FRESH_FOR}. */
  static final Duration REWRITE_EVERY = Duration.ofSeconds(30);
  /** How often a waiting process tries the lock again. */
  static final Duration RETRY_EVERY = Duration.ofMillis(500);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Repository repo;
  private final Clock clock;

  /** The requests of {@code repo}, judged fresh by the system clock. */
  public LockRequests(Repository repo) {
    this(repo, Clock.systemUTC());
  }

  LockRequests(Repository repo, Clock clock) {
    this.repo = repo;
    this.clock = clock;
  }

  /**
   * One line naming a process that waits for the lock (the first fresh request), or null.
   * Requests that cannot be read now (being replaced, damaged) are passed over: a yield is
   * asked only for a request that is really there.
   */
  @Override
  public @Nullable String requested() {
    try {
      Instant now = clock.instant();
      for (FileInfo f : repo.listLockRequests()) {
        Request r;
        try {
          r = Request.parse(repo.loadLockRequest(f.name()));
        } catch (IOException | BulwarkException e) {
          LOG.debug("lock request {} not readable now: {}", f.name(), e.toString());
          continue;
        }
        if (r.isFresh(now, Host.name())) {
          return r.purpose() + " (PID " + r.pid() + " on " + r.hostname()
              + ") waits for the repository lock";
        }
      }
    } catch (IOException e) {
      // Not knowing is not a reason to stop: the next checkpoint asks again.
      LOG.debug("cannot list lock requests: {}", e.toString());
    }
    return null;
  }

  /**
   * Takes the lock as {@link Repository#lock} does; while it is held by another process, asks
   * that process's jobs to yield with a request and tries again every half second until
   * {@code retryFor} has passed. The request is removed however this ends.
   *
   * @param purpose what needs the lock, for the yielding job's log line ({@code "prune"})
   * @param retryFor how long to keep trying; zero fails at once as {@link Repository#lock}
   * @throws RepositoryLockedException if the lock is still held when {@code retryFor} passed
   * @throws InterruptedIOException if the waiting thread is interrupted
   */
  public Lock lock(boolean exclusive, String purpose, Duration retryFor)
      throws IOException, BulwarkException {
    try {
      return repo.lock(exclusive);
    } catch (RepositoryLockedException first) {
      if (retryFor.isZero() || retryFor.isNegative()) {
        throw first;
      }
      return waitForLock(exclusive, purpose, retryFor, first);
    }
  }

  private Lock waitForLock(boolean exclusive, String purpose, Duration retryFor,
      RepositoryLockedException first) throws IOException, BulwarkException {
    String name = HexFormat.of().formatHex(randomBytes());
    Instant deadline = clock.instant().plus(retryFor);
    LOG.info("the repository is locked ({}); asking its jobs to yield and waiting up to {} s",
        first.getMessage(), retryFor.toSeconds());
    RepositoryLockedException last = first;
    Instant rewritten = null;
    try {
      while (true) {
        Instant now = clock.instant();
        if (rewritten == null || !now.isBefore(rewritten.plus(REWRITE_EVERY))) {
          repo.saveLockRequest(name, new Request(now, purpose, Host.name(),
              ProcessHandle.current().pid(), exclusive).toJson());
          rewritten = now;
        }
        if (!now.isBefore(deadline)) {
          throw last;
        }
        try {
          Thread.sleep(RETRY_EVERY.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          InterruptedIOException x = new InterruptedIOException("interrupted while waiting for "
              + "the repository lock");
          x.initCause(e);
          throw x;
        }
        try {
          return repo.lock(exclusive);
        } catch (RepositoryLockedException e) {
          last = e;
        }
      }
    } finally {
      try {
        repo.removeLockRequest(name);
      } catch (IOException e) {
        LOG.debug("cannot remove lock request {}: {}", name, e.toString());
      }
    }
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return b;
  }

  /**
   * One request.
   *
   * @param time when it was last written
   * @param purpose what needs the lock
   * @param hostname the waiting process's host
   * @param pid the waiting process
   * @param exclusive whether it waits for an exclusive lock
   */
  record Request(Instant time, String purpose, String hostname, long pid, boolean exclusive) {

    /** Rewritten within {@link #FRESH_FOR} (either way: clocks differ), by a live process. */
    boolean isFresh(Instant now, String thisHost) {
      if (Duration.between(time, now).abs().compareTo(FRESH_FOR) > 0) {
        return false;
      }
      if (!hostname.equals(thisHost)) {
        return true;
      }
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    byte[] toJson() {
      ByteArrayOutputStream out = new ByteArrayOutputStream(160);
      try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out,
          JsonEncoding.UTF8)) {
        g.writeStartObject();
        g.writeStringField("time", Json.time(time));
        g.writeStringField("purpose", purpose);
        g.writeStringField("hostname", hostname);
        g.writeNumberField("pid", pid);
        g.writeBooleanField("exclusive", exclusive);
        g.writeEndObject();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return out.toByteArray();
    }

    static Request parse(byte[] json) throws IOException {
      JsonNode n = Json.MAPPER.readTree(json);
      try {
        return new Request(Json.parseTime(n.path("time").asText()).toInstant(),
            n.path("purpose").asText("a bulwark command"), n.path("hostname").asText(""),
            n.path("pid").asLong(), n.path("exclusive").asBoolean());
      } catch (RuntimeException e) {
        throw new IOException("not a lock request: " + e.getMessage(), e);
      }
    }
  }
}
