package dev.bulwark.sqlite.wal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Follows a database's WAL across SQLite's restarts of it: each {@link #poll} delivers the
 * transactions committed since the previous one, exactly once and in order, or reports a
 * {@link WalGapException} when it cannot prove that none was missed.
 *
 * <h2>When a restart is safe to follow</h2>
 * SQLite restarts the log (first salt + 1, a new second salt, frames from index 0 again) only
 * once every frame was copied into the database and no reader uses the log. Whether the old
 * log had frames we did not read is then decided in one of two ways:
 * <ul>
 *   <li><b>Pinned.</b> The caller held a read transaction, taken before the previous poll read
 *       the log, without a break since. A reader that uses the log forbids any restart; a
 *       reader that does not (SQLite lets it read the database file alone when everything was
 *       copied) forbids the copying of any newer frame. Either way the log could restart only
 *       at exactly the frame it ended at when the reader began, which the previous poll read.
 *   <li><b>Not pinned.</b> The new life overwrites the file from the start, so the old life's
 *       frames at and after our position survive while the new life is shorter than that and
 *       the file was not cut. Then they are read with the old salts and running checksum (the
 *       same rule SQLite's recovery uses) and delivered; the new life's length is checked
 *       again afterwards. Otherwise: a gap.
 * </ul>
 * Anything else (two restarts between polls, a different page size, a WAL whose first salt
 * does not follow, as after a log written anew with random salts) is a gap too. Not thread-safe.
 */
public final class WalFollower {
  /** Room left between the new life's frames and our position for a frame being written. */
  private static final int MARGIN_FRAMES = 2;
  private static final int HEADER_RETRIES = 20;
  private final WalReader reader;
  private @Nullable WalHeader life;
  private @Nullable WalPosition position;
  private final long maxFrames;
  private boolean complete = true;

  /**
   * A follower of the WAL at {@code wal} that has read {@code life} up to {@code position}; both
   * null when no log existed at the starting point (every life that appears is then new).
   */
  public WalFollower(Path wal, @Nullable WalHeader life, @Nullable WalPosition position) {
    this(wal, life, position, 0);
  }

  /**
   * As above, reading at most about {@code maxFrames} frames a poll (0: no limit): the rest
   * waits for the next poll, so memory stays bounded however far the log ran ahead.
   */
  public WalFollower(Path wal, @Nullable WalHeader life, @Nullable WalPosition position,
      long maxFrames) {
    this.maxFrames = maxFrames;
    if ((life == null) != (position == null)) {
      throw new IllegalArgumentException("a life and a position come together");
    }
    this.reader = new WalReader(wal);
    this.life = life;
    this.position = position;
  }

  /** The life of the log the follower is in, or empty before any. */
  public Optional<WalHeader> life() {
    return Optional.ofNullable(life);
  }

  /** Where the follower stands in {@link #life()}, or empty before any. */
  public Optional<WalPosition> position() {
    return Optional.ofNullable(position);
  }

  /**
   * True if the last poll read the log to its end. A read transaction taken before a poll that
   * stopped at its frame limit proves nothing about the frames after where it stopped.
   */
  public boolean lastPollComplete() {
    return complete;
  }

  /** The WAL file's size in bytes now. */
  public long walBytes() throws IOException {
    return reader.fileSize();
  }

  /**
   * Delivers every transaction committed since the last poll.
   *
   * @param pinned true if a read transaction that began before the previous poll's read has
   *     been held on the database without a break since (see the class comment)
   * @throws WalGapException if transactions may have been missed; the follower is then unusable
   */
  public void poll(WalSink sink, boolean pinned) throws IOException, WalGapException {
    poll(sink, pinned, () -> { });
  }

  /**
   * As {@link #poll(WalSink, boolean)}, calling {@code onRestart} when a poll that is not
   * pinned finds that SQLite restarted the log, after the old life's last frames and before the
   * new life is read.
   */
  public void poll(WalSink sink, boolean pinned, RestartHook onRestart)
      throws IOException, WalGapException {
    if (life == null) {
      Optional<WalHeader> first = reader.header();
      if (first.isEmpty()) {
        return;
      }
      if (!pinned) {
        throw new WalGapException("a WAL appeared while no read transaction held it back");
      }
      life = first.get();
      position = life.start();
    }
    try {
      position = reader.read(position, sink, maxFrames);
      complete = reader.lastReadComplete();
      return;
    } catch (WalResetException e) {
      sink.discardUncommitted();
    }
    Optional<WalHeader> now = settledHeader();
    if (now.isEmpty()) {
      if (pinned) {
        return; // restarted and not yet written again; the next poll looks at the new life
      }
      throw new WalGapException("the WAL was truncated or removed while no read transaction"
          + " held it back (" + reader.fileSize() + " bytes)");
    }
    WalHeader next = now.get();
    if (next.pageSize() != life.pageSize()) {
      throw new WalGapException("the page size changed from " + life.pageSize() + " to "
          + next.pageSize());
    }
    // SQLite adds one to the first salt at each restart, from the header all connections
    // share. The checkpoint sequence is no help: each connection counts its own restarts, so it
    // jumps whenever another connection restarts the log (measured: 156 to 1, 1 to 1).
    if (next.salt1() != life.salt1() + 1) {
      throw new WalGapException("SQLite restarted the WAL more than once since the last read"
          + " (first salt " + Integer.toUnsignedString(life.salt1()) + " to "
          + Integer.toUnsignedString(next.salt1()) + ")");
    }
    // The old life's last frames first, at once: the new life overwrites them as it grows.
    readRestOfEarlierLife(next, sink, pinned);
    if (!pinned) {
      onRestart.restarted();
      // The hook has forbidden further restarts; one since the first was found would have
      // overwritten the new life's first frames: the header shows it.
      Optional<WalHeader> after = settledHeader();
      if (after.isEmpty() || after.get().salt1() != next.salt1()
          || after.get().salt2() != next.salt2()) {
        throw new WalGapException("SQLite restarted the WAL twice in quick succession");
      }
    }
    life = next;
    position = next.start();
    try {
      position = reader.read(position, sink, maxFrames);
      complete = reader.lastReadComplete();
    } catch (WalResetException e) {
      sink.discardUncommitted();
      throw new WalGapException("SQLite restarted the WAL twice in quick succession");
    }
  }

  /**
   * The WAL's header, read again for a few milliseconds while it is invalid: SQLite rewrites it
   * in place when it restarts the log, so a read can catch it half written.
   */
  private Optional<WalHeader> settledHeader() throws IOException {
    for (int i = 0; ; i++) {
      Optional<WalHeader> h = reader.header();
      if (h.isPresent() || i >= HEADER_RETRIES || reader.fileSize() == 0) {
        return h;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while reading the WAL header");
      }
    }
  }

  private void readRestOfEarlierLife(WalHeader next, WalSink sink, boolean pinned)
      throws IOException, WalGapException {
    long ours = position.frameIndex();
    boolean provable = reader.fileSize() >= WalReader.bytesBefore(ours, life.pageSize())
        && reader.validFrames(next) + MARGIN_FRAMES <= ours;
    if (!provable) {
      if (pinned) {
        return;
      }
      throw new WalGapException("SQLite restarted the WAL while no read transaction held it"
          + " back, and the new log already covers where the old one was read up to");
    }
    try {
      position = reader.readEarlierLife(life, position, sink);
    } catch (WalResetException e) {
      sink.discardUncommitted();
      throw new WalGapException("the previous WAL was overwritten while its last frames were"
          + " read");
    }
    if (!pinned && reader.validFrames(next) + MARGIN_FRAMES > ours) {
      throw new WalGapException("the new WAL reached the old one's last frames while they were"
          + " read");
    }
  }

  /** What a caller does when a poll that is not pinned finds that the log was restarted. */
  @FunctionalInterface
  public interface RestartHook {
    /**
     * Called once the old life's last frames are read (they come first: the new life
     * overwrites them as it grows, and taking a read transaction opens a connection), before
     * the new life is read. Reading it takes a while (a busy service restarts the log every few
     * tens of milliseconds), and a second restart meanwhile would overwrite its first frames, a
     * gap. A read transaction taken here forbids any further restart while it is read (see the
     * class comment): that is what the replicator does.
     */
    void restarted() throws IOException;
  }
}
