package dev.bulwark.sqlite;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.SourceException;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileMeta;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.StreamTags;
import dev.bulwark.sqlite.stream.PageHashes;
import dev.bulwark.sqlite.wal.WalFrame;
import dev.bulwark.sqlite.wal.WalHeader;
import dev.bulwark.sqlite.wal.WalPosition;
import dev.bulwark.sqlite.wal.WalReader;
import dev.bulwark.sqlite.wal.WalResetException;
import dev.bulwark.sqlite.wal.WalSink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.sqlite.BusyHandler;

/**
 * Starts a generation: a snapshot of the database at a WAL position known exactly, so that the
 * stream can continue from the frame after it.
 *
 * <p>The position is fixed under SQLite's write lock, held for as long as it takes to read the
 * last few frames and begin the replicator's read transaction (about a millisecond): with no
 * writer able to commit, the end of the log is the state the new transaction sees. The copy
 * itself is made afterwards, through that read transaction, while the service writes on.
 */
final class GenerationStart {
  private static final WalSink NOTHING = new WalSink() {
    @Override
    public void frame(WalFrame frame) {}

    @Override
    public void commit(WalPosition end, int dbSizePages) {}
  };

  private GenerationStart() {}

  /** Where a new generation begins. */
  record Base(Snapshot snapshot, @Nullable WalHeader life, @Nullable WalPosition position,
      int pageSize, long pageCount, PageSetChecksum checksum) {}

  /**
   * Pins {@code pin} at the current end of the WAL, copies the database as the pin sees it,
   * fills {@code hashes} with its pages and stores the copy as generation {@code generation}'s
   * base snapshot, tagged with the lease {@code epoch} it is taken under. The pin stays held.
   */
  static Base take(Path db, Path scratchDir, Path wal, ReaderPin pin, Repository repo,
      String databaseId, long generation, long epoch, PageHashes hashes, BackupOptions options)
      throws IOException, BulwarkException {
    WalReader reader = new WalReader(wal);
    End before = readToEnd(reader, null);
    End at;
    try (Connection w = SqliteConnections.openExisting(db, 0)) {
      BusyHandler.setHandler(w, PollingBusyHandler.spinning(SnapshotCopy.LOCK_PATIENCE));
      requireWalMode(db, w);
      SqliteConnections.execute(w, "BEGIN IMMEDIATE");
      try {
        at = readToEnd(reader, before);
        pin.advance();
      } finally {
        SqliteConnections.execute(w, "ROLLBACK");
      }
    } catch (SQLException e) {
      throw new SourceException("cannot start streaming " + db + ": "
          + SqliteFailure.of(e).explain(e), e);
    }
    FileMeta meta = FileMeta.of(db.toRealPath()).withPermissions(0600);
    try (SnapshotCopy copy = SnapshotCopy.fromPinned(db, pin.connection(), scratchDir)) {
      DatabaseFacts facts = copy.facts();
      PageSetChecksum sum = hash(copy, facts, hashes);
      StreamTags tags = new StreamTags(databaseId, generation, 0, sum, epoch);
      Source source = () -> new SqliteView(db, meta, copy);
      Snapshot snapshot;
      try (Lock lock = repo.lock(false)) {
        snapshot = new Archiver(repo, options.withTags(tags.toTags()), new Progress())
            .backup(lock, List.of(source)).snapshot();
        lock.releaseAfterSuccess();
      }
      return new Base(snapshot, at.life, at.position, facts.pageSize(), facts.pageCount(), sum);
    }
  }

  /**
   * Refuses a database that is not in WAL mode, naming the fix.
   *
   * @throws SourceException if it is not, or cannot be opened
   */
  static void requireWalMode(Path db) throws SourceException {
    // Read-only: a read-write connection closing last would checkpoint and delete the WAL,
    // frames a resumed stream has still to read.
    try (Connection c = SqliteConnections.openReadOnly(db)) {
      requireWalMode(db, c);
    } catch (SQLException e) {
      throw new SourceException("cannot stream " + db + ": " + SqliteFailure.of(e).explain(e),
          e);
    }
  }

  private static void requireWalMode(Path db, Connection c) throws SQLException,
      SourceException {
    String mode = SqliteConnections.queryText(c, "PRAGMA journal_mode");
    if (!"wal".equalsIgnoreCase(mode)) {
      throw new SourceException(db + " is in " + String.valueOf(mode).toLowerCase(Locale.ROOT)
          + " journal mode; continuous capture needs WAL mode (PRAGMA journal_mode=WAL)");
    }
  }

  private static PageSetChecksum hash(SnapshotCopy copy, DatabaseFacts facts,
      PageHashes hashes) throws IOException {
    byte[] page = new byte[facts.pageSize()];
    long sum = 0;
    try (InputStream in = copy.openStream()) {
      for (long n = 1; n <= facts.pageCount(); n++) {
        if (in.readNBytes(page, 0, page.length) != page.length) {
          throw new IOException("the copy of the database ended before page " + n);
        }
        long h = PageSetChecksum.pageHash(n, page);
        hashes.set(n, h);
        sum ^= h;
      }
    }
    hashes.force();
    return new PageSetChecksum(sum);
  }

  private record End(@Nullable WalHeader life, @Nullable WalPosition position) {}

  /** The WAL's life and the position after its last commit; none when there is no log. */
  private static End readToEnd(WalReader reader, @Nullable End from) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Optional<WalHeader> header = reader.header();
      if (header.isEmpty()) {
        return new End(null, null);
      }
      WalPosition start = from != null && from.position != null
          && from.position.sameLifeAs(header.get()) ? from.position : null;
      try {
        WalPosition end = reader.read(start, NOTHING);
        return new End(header.get(), end != null ? end : header.get().start());
      } catch (WalResetException e) {
        if (attempt >= 3) {
          throw new IOException("the WAL kept changing while its end was read: " + e.getMessage(),
              e);
        }
        from = null; // restarted meanwhile; read the new life from its start
      }
    }
  }
}
