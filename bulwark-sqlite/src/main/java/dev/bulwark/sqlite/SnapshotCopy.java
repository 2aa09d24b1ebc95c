package dev.bulwark.sqlite;

import dev.bulwark.core.SourceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConnection;

/**
 * A consistent copy of a live database in a private scratch file: SQLite's online backup API
 * copies every page in one step, inside the read transaction the facts were read in. Once the
 * copy is complete its name is removed and it is read through the open channel, so a killed
 * process leaves nothing behind from then on. Not thread-safe; streams it opens may be read
 * from any one thread.
 */
final class SnapshotCopy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotCopy.class);
  /**
   * How long we wait for a writer's lock before the read transaction starts. In rollback-journal
   * mode a writer shuts readers out only while it commits; longer means something is wrong.
   */
  static final Duration LOCK_PATIENCE = Duration.ofSeconds(30);
  /** sqlite-jdbc's defaults for a busy backup step; with our read lock held it never waits. */
  private static final int BACKUP_SLEEP_MILLIS = 100;
  private static final int BACKUP_RETRIES = 3;
  /** One step for the whole database: a stepped backup restarts on every foreign commit. */
  private static final int ALL_PAGES = -1;
  private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private final FileChannel channel;
  private final DatabaseFacts facts;
  private final Path leftover;
  private boolean closed;

  private SnapshotCopy(FileChannel channel, DatabaseFacts facts, Path leftover) {
    this.channel = channel;
    this.facts = facts;
    this.leftover = leftover;
  }

  /**
   * Copies {@code db} into a new file in {@code scratchDir}.
   *
   * @throws SourceException if {@code db} is not a healthy SQLite database, stays locked, or
   *     there is no room for the copy
   */
  static SnapshotCopy make(Path db, Path scratchDir) throws SourceException, IOException {
    return make(db, scratchDir, null);
  }

  /**
   * Copies the state that the read transaction open on {@code pinned} sees (a replicator's
   * pinned reader, whose position in the WAL is known) into a new file in {@code scratchDir}.
   * The transaction stays open.
   */
  static SnapshotCopy fromPinned(Path db, Connection pinned, Path scratchDir)
      throws SourceException, IOException {
    return make(db, scratchDir, pinned);
  }

  private static SnapshotCopy make(Path db, Path scratchDir, Connection pinned)
      throws SourceException, IOException {
    ScratchFile.sweep(scratchDir, db, ScratchFile.Purpose.COPY);
    Path tmp;
    try {
      tmp = ScratchFile.createCopy(scratchDir, db);
    } catch (IOException e) {
      throw new SourceException("cannot create a temporary copy of " + db + " in " + scratchDir
          + ": " + (e instanceof AccessDeniedException ? "permission denied" : e.toString()), e);
    }
    FileChannel ch = null;
    try {
      long t0 = System.nanoTime();
      DatabaseFacts facts = pinned == null ? copy(db, tmp, scratchDir)
          : copyPinned(db, pinned, tmp, scratchDir);
      ch = FileChannel.open(tmp, StandardOpenOption.READ);
      requireComplete(db, ch, facts);
      boolean unlinked = deleteNow(tmp);
      LOG.debug("copied {} ({} pages of {} bytes) in {} ms", db, facts.pageCount(),
          facts.pageSize(), (System.nanoTime() - t0) / 1_000_000);
      return new SnapshotCopy(ch, facts, unlinked ? null : tmp);
    } catch (IOException | SourceException | RuntimeException e) {
      discard(ch, tmp, e);
      throw e;
    }
  }

  /** Cleans up after a failed copy; a failure to clean up is added to {@code failure}. */
  private static void discard(FileChannel ch, Path tmp, Exception failure) {
    try {
      if (ch != null) {
        ch.close();
      }
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
    try {
      ScratchFile.delete(tmp);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  private static DatabaseFacts copy(Path db, Path tmp, Path scratchDir)
      throws SourceException, IOException {
    Connection keeper = null;
    try {
      try (Connection c = SqliteConnections.openReader(db, LOCK_PATIENCE)) {
        DatabaseFacts facts = copyPinned(db, c, tmp, scratchDir);
        if (facts.journalMode().equals("wal")) {
          keeper = keepWal(db);
        }
        return facts;
      } finally {
        closeQuietly(keeper, db);
      }
    } catch (SQLException e) {
      throw failure(db, e);
    }
  }

  /**
   * Keeps the reader's close from checkpointing and deleting the WAL, which SQLite does when
   * the last read-write connection to a WAL database closes: with the service and its
   * replicator both down, a backup would cut the log the replicator stands in, and its next
   * start would have to begin a new generation with a full snapshot. The service checkpoints
   * as usual when it next runs. Null if the keeper cannot be opened: the copy is just as good.
   */
  private static @Nullable Connection keepWal(Path db) {
    try {
      return SqliteConnections.openWalKeeper(db);
    } catch (SQLException e) {
      LOG.debug("no read-only connection to keep the WAL of {} in place: {}", db, e.toString());
      return null;
    }
  }

  /** Closes the keeper after the reader; failing to is no reason to drop a good copy. */
  private static void closeQuietly(@Nullable Connection keeper, Path db) {
    if (keeper == null) {
      return;
    }
    try {
      keeper.close();
    } catch (SQLException e) {
      LOG.debug("closing the read-only connection to {}: {}", db, e.toString());
    }
  }

  /** Copies what the read transaction on {@code c} sees (it is begun if it is not yet). */
  private static DatabaseFacts copyPinned(Path db, Connection c, Path tmp, Path scratchDir)
      throws SourceException, IOException {
    try {
      DatabaseFacts facts = DatabaseFacts.pinAndRead(c);
      requireSpace(db, scratchDir, facts);
      // The backup reuses the read transaction already open on its source connection, so it
      // copies exactly the state the facts describe; closing the connection ends it.
      int rc = ((SQLiteConnection) c).getDatabase().backup("main", tmp.toString(), null,
          BACKUP_SLEEP_MILLIS, BACKUP_RETRIES, ALL_PAGES);
      if (rc != 0) {
        throw new SourceException(db + " " + SqliteFailure.of(rc).phrase()
            + " (SQLite error " + rc + " while copying it to " + tmp + ")");
      }
      return facts;
    } catch (SQLException e) {
      throw failure(db, e);
    }
  }

  private static SourceException failure(Path db, SQLException e) {
    SqliteFailure f = SqliteFailure.of(e);
    if (f == SqliteFailure.LOCKED) {
      return new SourceException(db + " stayed locked by another connection for "
          + LOCK_PATIENCE.toSeconds() + " s; retry when its writer is done", e);
    }
    return new SourceException(db + " " + f.explain(e), e);
  }

  private static void requireSpace(Path db, Path scratchDir, DatabaseFacts facts)
      throws IOException, SourceException {
    long free = Files.getFileStore(scratchDir).getUsableSpace();
    if (free < facts.sizeBytes()) {
      throw new SourceException("not enough space in " + scratchDir + " for a temporary copy of "
          + db + ": needs " + mib(facts.sizeBytes()) + " MiB, " + mib(free) + " MiB free");
    }
  }

  /** Refuses a copy that is not exactly the pinned state: a bug, never silently stored. */
  private static void requireComplete(Path db, FileChannel ch, DatabaseFacts facts)
      throws IOException, SourceException {
    ByteBuffer head = ByteBuffer.allocate(MAGIC.length);
    int n = 0;
    while (head.hasRemaining() && n >= 0) {
      n = ch.read(head, head.position());
    }
    if (ch.size() != facts.sizeBytes() || !Arrays.equals(head.array(), MAGIC)) {
      throw new SourceException("the copy of " + db + " has " + ch.size() + " bytes, expected "
          + facts.sizeBytes() + " (" + facts.pageCount() + " pages); not storing it");
    }
  }

  private static boolean deleteNow(Path tmp) {
    try {
      ScratchFile.delete(tmp);
      return true;
    } catch (IOException e) {
      // Some platforms cannot delete an open file; close() deletes it instead.
      return false;
    }
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  DatabaseFacts facts() {
    return facts;
  }

  long size() {
    return facts.sizeBytes();
  }

  /** A stream over the whole copy; several may be open, each with its own position. */
  InputStream openStream() {
    return new CopyStream(channel, facts.sizeBytes());
  }

  /** Releases the copy. Idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } finally {
      if (leftover != null) {
        ScratchFile.delete(leftover);
      }
    }
  }

  /** Positional reads, so streams never disturb each other. */
  private static final class CopyStream extends InputStream {
    private final FileChannel channel;
    private final long size;
    private long pos;

    CopyStream(FileChannel channel, long size) {
      this.channel = channel;
      this.size = size;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= size) {
        return -1;
      }
      int want = (int) Math.min(len, size - pos);
      int n = channel.read(ByteBuffer.wrap(b, off, want), pos);
      if (n < 0) {
        throw new IOException("snapshot copy ended early at byte " + pos + " of " + size);
      }
      pos += n;
      return n;
    }
  }
}
