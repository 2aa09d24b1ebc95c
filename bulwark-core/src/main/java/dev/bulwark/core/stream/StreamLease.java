package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.backend.FileInfo;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-writer lease of a stream, held in the repository as claim files under {@code
 * bulwark/leases/<database-id>/} (see {@link LeaseClaim}; docs/design.md, "One writer per
 * stream"). It relies only on what every backend promises (S3 included): an object is written
 * whole, and a listing started after a write completed shows it. No conditional write.
 *
 * <ul>
 *   <li><b>Taking it.</b> A claimant lists the claims. If the newest epoch's claim is released,
 *       or belongs to a process of this host that is gone, or does not change (no renewal) for
 *       a whole expiry measured on this machine's monotonic clock, the claimant writes a claim
 *       with the next epoch and lists again: if any other claim of that epoch or a later one is
 *       there, it deletes its own and starts over after a random pause. Of two racing
 *       claimants at most one can see no rival (the later one's listing starts after the
 *       earlier one's claim was written), and when both see each other both retry. If the
 *       claim changes while watched, its holder is alive: {@link LeaseHeldException}.
 *   <li><b>Holding it.</b> The holder rewrites its claim every third of the expiry. It counts
 *       itself the holder only until three quarters of the expiry after its last renewal began
 *       (an observer waits a whole expiry after seeing that renewal), so it stops shipping
 *       before anyone may take over. If it sees a claim of a later epoch, the lease is lost for
 *       good; if renewing failed past its deadline (the repository was unreachable), it claims
 *       a new epoch as a claimant would, without waiting.
 *   <li><b>What epochs are for.</b> A holder can be paused between checking the lease and
 *       writing a segment. Segments and snapshots carry the epoch, and a restore does not use a
 *       segment of an older epoch once a later epoch wrote at or before its positions, so such
 *       a late write is harmless.
 * </ul>
 *
 * <p>Thread-safe: {@link #renew} runs on a timer while the replicator checks {@link
 * #requireHeld} before each shipment.
 */
public final class StreamLease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamLease.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Repository repo;
  private final String databaseId;
  private final LeaseOptions options;
  private final Clock clock;
  private final String holder;
  private final ScheduledExecutorService timer;

  // Guarded by this.
  private LeaseClaim claim;
  private long deadline;
  private String lost;
  private boolean closed;

  private StreamLease(Repository repo, String databaseId, LeaseOptions options, Clock clock,
      String holder) {
    this.repo = repo;
    this.databaseId = SegmentName.requireDatabaseId(databaseId);
    this.options = options;
    this.clock = clock;
    this.holder = holder;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bulwark-lease-" + databaseId + "-renew");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Takes the lease of stream {@code databaseId}, waiting at most about one expiry to learn
   * whether its holder is alive, and renews it every {@link #renewalInterval} on a thread of
   * its own until {@link #close}.
   *
   * @throws LeaseHeldException naming the holder's host, pid and epoch if it renewed the lease
   *     while this call watched
   * @throws IOException if the repository cannot be read or written
   */
  public static StreamLease acquire(Repository repo, String databaseId, LeaseOptions options,
      Clock clock) throws IOException, BulwarkException, InterruptedException {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    StreamLease lease = new StreamLease(repo, databaseId, options, clock,
        HexFormat.of().formatHex(id));
    try {
      lease.take();
    } catch (IOException | BulwarkException | InterruptedException | RuntimeException e) {
      lease.timer.shutdownNow();
      throw e;
    }
    long every = lease.renewalInterval().toMillis();
    lease.timer.scheduleWithFixedDelay(lease::renewQuietly, every, every, TimeUnit.MILLISECONDS);
    return lease;
  }

  /** The epoch held; it grows if the lease had to be claimed again after an outage. */
  public synchronized long epoch() {
    return claim.epoch();
  }

  /** The claim as last written. */
  public synchronized LeaseClaim claim() {
    return claim;
  }

  /** The database id whose stream this lease guards. */
  public String databaseId() {
    return databaseId;
  }

  /** How often {@link #renew} should run: a third of the expiry. */
  public Duration renewalInterval() {
    return options.expiry().dividedBy(3);
  }

  /** True while this holder may ship: not lost, closed, or past its renewal deadline. */
  public synchronized boolean isHeld() {
    return lost == null && !closed && System.nanoTime() - deadline < 0;
  }

  /** Why the lease was lost for good, if it was. */
  public synchronized Optional<String> lostReason() {
    return Optional.ofNullable(lost);
  }

  /**
   * Checks that this holder may ship now.
   *
   * @throws LeaseLostException if another replicator took the lease over
   * @throws IOException if the lease could not be renewed in time (the repository may be
   *     unreachable; shipping may resume once a renewal succeeds)
   */
  public synchronized void requireHeld() throws LeaseLostException, IOException {
    if (lost != null) {
      throw new LeaseLostException(lost);
    }
    if (closed) {
      throw new IllegalStateException("the lease of " + databaseId + " was released");
    }
    if (System.nanoTime() - deadline >= 0) {
      throw new IOException("not shipping " + databaseId + ": its lease was not renewed within "
          + options.expiry().multipliedBy(3).dividedBy(4).toMillis() + " ms");
    }
  }

  /**
   * Renews the lease: rewrites this holder's claim, or, past the deadline, claims the next
   * epoch. Called every {@link #renewalInterval}.
   *
   * @throws LeaseLostException if another replicator holds a later epoch (then and from now on)
   * @throws IOException if the repository cannot be reached; the next call tries again
   */
  public void renew() throws IOException, BulwarkException, InterruptedException {
    LeaseClaim mine;
    long due;
    synchronized (this) {
      if (lost != null) {
        throw new LeaseLostException(lost);
      }
      if (closed) {
        return;
      }
      mine = claim;
      due = deadline;
    }
    long started = System.nanoTime();
    Map<String, LeaseClaim> claims = read();
    Optional<LeaseClaim> later = claims.values().stream()
        .filter(c -> c.epoch() > mine.epoch()).findFirst();
    if (later.isPresent() || !claims.containsKey(mine.fileName())) {
      String why = "the lease of " + databaseId + " was taken over"
          + later.map(c -> " by " + c.describe()).orElse(" (this replicator's claim is gone)")
          + " while this replicator (epoch " + mine.epoch() + ") could not renew it in time;"
          + " it stopped shipping";
      synchronized (this) {
        lost = why;
      }
      throw new LeaseLostException(why);
    }
    if (started - due >= 0) {
      long epoch = claims.values().stream().mapToLong(LeaseClaim::epoch).max().orElse(0) + 1;
      LOG.warn("lease of {} not renewed in time; claiming epoch {} again", databaseId, epoch);
      Optional<LeaseClaim> won = tryClaim(epoch, started);
      if (won.isEmpty()) {
        String why = "the lease of " + databaseId + " could not be claimed again after it was"
            + " not renewed in time (another replicator claimed it); it stopped shipping";
        synchronized (this) {
          lost = why;
        }
        throw new LeaseLostException(why);
      }
      repo.removeLeaseFile(path(mine.fileName()));
      return;
    }
    LeaseClaim next = mine.renewed(clock.instant());
    repo.saveLeaseFile(path(next.fileName()), next.encode());
    synchronized (this) {
      if (!closed && lost == null) {
        claim = next;
        deadline = started + validNanos();
      }
    }
  }

  private void renewQuietly() {
    try {
      renew();
    } catch (LeaseLostException e) {
      LOG.error("{}", e.getMessage());
      timer.shutdown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | BulwarkException | RuntimeException e) {
      LOG.warn("renewing the lease of {} failed, trying again in {} ms: {}", databaseId,
          renewalInterval().toMillis(), e.toString());
    }
  }

  /**
   * Stops renewing without letting go, as a process that is killed or paused would: for tests
   * of takeover.
   */
  void stopRenewing() {
    timer.shutdownNow();
  }

  /**
   * Lets the lease go: stops renewing and marks this holder's claim released, so the next
   * replicator takes over without waiting. Idempotent; a lost lease is left as it is.
   */
  @Override
  public void close() throws IOException {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LeaseClaim released;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (lost != null) {
        return;
      }
      released = claim.releasedAt(clock.instant());
      claim = released;
    }
    repo.saveLeaseFile(path(released.fileName()), released.encode());
  }

  // ---- taking it ----

  private void take() throws IOException, BulwarkException, InterruptedException {
    Duration expiry = options.expiry();
    long pollNanos = Math.max(20_000_000L, Math.min(expiry.toNanos() / 10, 2_000_000_000L));
    while (true) {
      Map<String, LeaseClaim> seen = read();
      long watchedSince = System.nanoTime();
      List<LeaseClaim> newest = newest(seen);
      if (!isFree(newest)) {
        LOG.warn("the lease of {} is held by {}: watching it for up to {} ms; it is taken over"
            + " if not renewed meanwhile", databaseId, newest.get(0).describe(),
            expiry.toMillis());
      }
      while (!isFree(newest)) {
        if (System.nanoTime() - watchedSince >= expiry.toNanos()) {
          LOG.info("lease of {} held by {} was not renewed for {} ms: taking it over",
              databaseId, newest.get(0).describe(), expiry.toMillis());
          break;
        }
        Thread.sleep(pollNanos / 1_000_000);
        Map<String, LeaseClaim> now = read();
        if (!now.equals(seen)) {
          List<LeaseClaim> live = newest(now);
          if (!live.isEmpty() && !isFree(live)) {
            throw held(live.get(0));
          }
          seen = now;
          newest = live;
          watchedSince = System.nanoTime();
        }
      }
      long epoch = seen.values().stream().mapToLong(LeaseClaim::epoch).max().orElse(0) + 1;
      if (tryClaim(epoch, System.nanoTime()).isPresent()) {
        for (LeaseClaim old : seen.values()) {
          repo.removeLeaseFile(path(old.fileName()));
        }
        LOG.info("lease of {} taken: epoch {}", databaseId, epoch);
        return;
      }
      // Lost a race with another claimant: pause a random while, then watch again.
      long pause = expiry.toMillis() / 10;
      Thread.sleep(pause + ThreadLocalRandom.current().nextLong(pause + 1));
    }
  }

  /**
   * Writes a claim of {@code epoch} and keeps it if no other claim of that epoch or later is
   * listed after it was written; else removes it.
   */
  private Optional<LeaseClaim> tryClaim(long epoch, long started) throws IOException,
      BulwarkException {
    LeaseClaim mine = new LeaseClaim(holder, options.host(), ProcessHandle.current().pid(),
        epoch, options.expiry(), false, 0, clock.instant());
    repo.saveLeaseFile(path(mine.fileName()), mine.encode());
    for (String name : read().keySet()) {
      if (!name.equals(mine.fileName()) && LeaseClaim.epochOf(name) >= epoch) {
        repo.removeLeaseFile(path(mine.fileName()));
        return Optional.empty();
      }
    }
    synchronized (this) {
      claim = mine;
      deadline = started + validNanos();
    }
    return Optional.of(mine);
  }

  private long validNanos() {
    return options.expiry().toNanos() / 4 * 3;
  }

  /** Free: no claim, or the newest epoch's claims are all released or of a dead local pid. */
  private boolean isFree(List<LeaseClaim> newest) {
    for (LeaseClaim c : newest) {
      boolean goneHere = c.host().equals(options.host())
          && ProcessHandle.of(c.pid()).map(p -> !p.isAlive()).orElse(true);
      if (!c.released() && !goneHere) {
        return false;
      }
    }
    return true;
  }

  private static List<LeaseClaim> newest(Map<String, LeaseClaim> claims) {
    long top = claims.values().stream().mapToLong(LeaseClaim::epoch).max().orElse(0);
    List<LeaseClaim> out = new ArrayList<>();
    for (LeaseClaim c : claims.values()) {
      if (c.epoch() == top) {
        out.add(c);
      }
    }
    return out;
  }

  private LeaseHeldException held(LeaseClaim c) {
    return new LeaseHeldException("stream " + databaseId + " is being replicated by "
        + c.describe() + ": it renewed its lease just now, which expires at "
        + clock.instant().plus(options.expiry()).truncatedTo(ChronoUnit.SECONDS)
        + " at the earliest (" + options.expiry().toSeconds() + " s after its last renewal)"
        + "; stop that replicator first");
  }

  /** Every claim of this stream, by file name; a claim removed while listing is left out. */
  private Map<String, LeaseClaim> read() throws IOException, BulwarkException {
    Map<String, LeaseClaim> out = new LinkedHashMap<>();
    for (FileInfo f : repo.listLeaseFolder(databaseId)) {
      if (!LeaseClaim.isClaimName(f.name())) {
        continue;
      }
      try {
        LeaseClaim c = LeaseClaim.decode(repo.loadLeaseFile(path(f.name())), f.name());
        if (c.fileName().equals(f.name())) {
          out.put(f.name(), c);
        }
      } catch (NoSuchFileException e) {
        // deleted by a losing claimant between listing and reading
      }
    }
    return out;
  }

  private String path(String name) {
    return databaseId + "/" + name;
  }
}
