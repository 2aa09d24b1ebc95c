package dev.bulwark.sqlite.fold;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.Page;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.stream.StreamTags;
import dev.bulwark.core.testing.Backups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stream of a real SQLite database made by hand, until the replicator makes real ones: the
 * database (rollback-journal mode, every change committed and closed) is copied after each
 * change, and a segment holds the pages in which the new copy differs from the one before,
 * with the new copy's page count and checksums computed over the real bytes.
 *
 * <p>The generation starts with {@link #startSnapshot}: a backup of the first copy, placed at
 * {@link #image}, tagged as SqliteSource tags a database plus the stream position 0.
 */
final class HandMadeStream {
  static final String ID = "app.db";
  static final long GENERATION = 0x1234L;

  final Path db;
  /** Where each copy is put before it is backed up, so every snapshot holds the same path. */
  final Path image;
  private final Repository repo;
  private final int pageSize;
  private byte[] current;
  private long txid;
  private Instant time = Instant.parse("2026-12-01T10:00:00Z");
  private final Map<Long, byte[]> copies = new LinkedHashMap<>();

  HandMadeStream(Repository repo, Path dir, int pageSize) throws IOException {
    this.repo = repo;
    this.db = dir.resolve("live/app.db");
    this.image = dir.resolve("image/app.db");
    this.pageSize = pageSize;
    Files.createDirectories(db.getParent());
    Files.createDirectories(image.getParent());
  }

  /** The copy of the database at position {@code txid} (0 for the generation's start). */
  byte[] copyAt(long position) {
    return copies.get(position).clone();
  }

  /** The state checksum of a whole database file. */
  static PageSetChecksum checksum(byte[] file, int pageSize) {
    PageSetChecksum c = PageSetChecksum.empty();
    for (int p = 0; p < file.length / pageSize; p++) {
      c = new PageSetChecksum(c.value() ^ PageSetChecksum.pageHash(p + 1, file,
          p * pageSize, pageSize));
    }
    return c;
  }

  /** Takes the first copy and backs it up as the generation's starting snapshot. */
  Snapshot startSnapshot(BackupOptions options) throws IOException, BulwarkException {
    current = Files.readAllBytes(db);
    copies.put(0L, current.clone());
    StreamTags tags = new StreamTags(ID, GENERATION, 0, checksum(current, pageSize));
    return backup(current, options, tags);
  }

  /** Backs up {@code file} at {@link #image} with the database tags and {@code stream}. */
  Snapshot backup(byte[] file, BackupOptions options, StreamTags stream)
      throws IOException, BulwarkException {
    Files.write(image, file);
    List<String> tags = new ArrayList<>(new DatabaseTags("sqlite", image.toString(),
        Map.of("page-size", Integer.toString(pageSize), "page-count",
            Long.toString(file.length / pageSize))).toTags());
    tags.addAll(stream.toTags());
    return Backups.underLock(repo, new Archiver(repo, options.withTags(tags), new Progress()),
        List.of(FileSource.of(image))).snapshot();
  }

  /**
   * Runs {@code statements} on the database, copies it, and saves the pages that changed as
   * one segment covering the next {@code transactions} positions.
   */
  SegmentRef change(int transactions, String... statements)
      throws SQLException, IOException, BulwarkException {
    dev.bulwark.core.testing.Sqlite.sql(db, statements);
    Path copy = db.resolveSibling("copy.db");
    Files.copy(db, copy, StandardCopyOption.REPLACE_EXISTING);
    byte[] next = Files.readAllBytes(copy);
    Segment s = segment(current, next, txid + 1, txid + transactions);
    txid += transactions;
    current = next;
    copies.put(txid, next.clone());
    return new SegmentStore(repo).save(ID, s);
  }

  /** The segment taking {@code before} to {@code after}, at positions {@code first..last}. */
  Segment segment(byte[] before, byte[] after, long first, long last) {
    List<Page> pages = new ArrayList<>();
    for (int p = 0; p < after.length / pageSize; p++) {
      int off = p * pageSize;
      byte[] page = Arrays.copyOfRange(after, off, off + pageSize);
      if (off + pageSize > before.length
          || !Arrays.equals(page, Arrays.copyOfRange(before, off, off + pageSize))) {
        pages.add(new Page(p + 1, page));
      }
    }
    Instant start = time.plusSeconds(1);
    time = start.plusMillis(500);
    return new Segment(GENERATION, first, last, pageSize, after.length / pageSize,
        checksum(before, pageSize), checksum(after, pageSize), start, time, pages);
  }
}
