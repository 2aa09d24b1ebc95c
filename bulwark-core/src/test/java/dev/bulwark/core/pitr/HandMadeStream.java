package dev.bulwark.core.pitr;

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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stream made by hand, for restore tests, until a replicator makes real ones: the database
 * file (closed and checkpointed between changes, so the file alone is the database) is copied
 * after each change, and a segment is made of the pages in which the copy differs from the one
 * before, with checksums computed over the real bytes. Snapshots are backups of the file tagged
 * as a SQLite database with {@link StreamTags}. Every state shipped is kept as a file, the
 * oracle a restore to that point must equal.
 */
public final class HandMadeStream {
  private final Repository repo;
  private final Path db;
  private final Path work;
  private final String databaseId;
  private final long generation;
  private final int pageSize;
  private final SegmentStore store;
  private final TreeMap<Long, Path> states = new TreeMap<>();
  private final TreeMap<Long, Instant> commits = new TreeMap<>();
  private long txid;

  private HandMadeStream(Repository repo, Path db, Path work, String databaseId,
      long generation, int pageSize) {
    this.repo = repo;
    this.db = db.toAbsolutePath().normalize();
    this.work = work;
    this.databaseId = databaseId;
    this.generation = generation;
    this.pageSize = pageSize;
    this.store = new SegmentStore(repo);
  }

  /**
   * Starts generation {@code generation} of {@code databaseId}: a snapshot of {@code db} as it
   * is now, at position 0, taken at {@code time}. {@code work} keeps the state copies.
   */
  public static HandMadeStream start(Repository repo, Path db, Path work, String databaseId,
      long generation, int pageSize, Instant time) throws IOException, BulwarkException {
    Files.createDirectories(work);
    HandMadeStream s = new HandMadeStream(repo, db, work, databaseId, generation, pageSize);
    s.keepState(time);
    s.snapshot(time);
    return s;
  }

  /**
   * Ships the change since the last segment as one segment of {@code transactions}
   * positions, committed from {@code first} to {@code last}.
   */
  public SegmentRef ship(int transactions, Instant first, Instant last)
      throws IOException, BulwarkException {
    Segment s = diff(states.lastEntry().getValue(), db, generation, txid + 1,
        txid + transactions, pageSize, first, last);
    txid += transactions;
    keepState(last);
    return store.save(databaseId, s);
  }

  /** Stores one segment covering {@code first..last} of what was shipped: a merged segment. */
  public SegmentRef merge(long first, long last) throws IOException, BulwarkException {
    Segment s = diff(stateAt(first - 1), stateAt(last), generation, first, last, pageSize,
        commits.get(first - 1).plusMillis(1), commits.get(last));
    return store.save(databaseId, s);
  }

  /** Stores {@code s} as a segment of this stream, whatever it holds. */
  public SegmentRef save(Segment s) throws IOException, BulwarkException {
    return store.save(databaseId, s);
  }

  /** A snapshot of the database as it is now (the last shipped state), taken at {@code time}. */
  public Snapshot snapshot(Instant time) throws IOException, BulwarkException {
    StreamTags st = new StreamTags(databaseId, generation, txid, checksum(db, pageSize));
    List<String> tags = new ArrayList<>(new DatabaseTags("sqlite", db.toString(),
        Map.of("page-size", Integer.toString(pageSize))).toTags());
    tags.addAll(st.toTags());
    BackupOptions options = BackupOptions.defaults().withThreads(2).withTags(tags)
        .withClock(Clock.fixed(time, ZoneOffset.UTC));
    return Backups.underLock(repo, new Archiver(repo, options, new Progress()),
        List.of(FileSource.of(db))).snapshot();
  }

  /** The copy of the database as it was after position {@code position}. */
  public Path stateAt(long position) {
    Path p = states.get(position);
    if (p == null) {
      throw new IllegalArgumentException("no state kept at " + position + "; kept: "
          + states.keySet());
    }
    return p;
  }

  /** The last position shipped. */
  public long txid() {
    return txid;
  }

  public String databaseId() {
    return databaseId;
  }

  public long generation() {
    return generation;
  }

  /** The state checksum of a file of {@code pageSize}-byte pages. */
  public static PageSetChecksum checksum(Path file, int pageSize) throws IOException {
    byte[] all = Files.readAllBytes(file);
    PageSetChecksum sum = PageSetChecksum.empty();
    for (int n = 0; n < all.length / pageSize; n++) {
      sum = sum.with(n + 1, Arrays.copyOfRange(all, n * pageSize, (n + 1) * pageSize));
    }
    return sum;
  }

  /** The segment that turns file {@code before} into file {@code after}. */
  public static Segment diff(Path before, Path after, long generation, long first, long last,
      int pageSize, Instant firstCommit, Instant lastCommit) throws IOException {
    byte[] a = Files.readAllBytes(before);
    byte[] b = Files.readAllBytes(after);
    List<Page> pages = new ArrayList<>();
    for (int n = 0; n < b.length / pageSize; n++) {
      int from = n * pageSize;
      byte[] page = Arrays.copyOfRange(b, from, from + pageSize);
      if (from + pageSize > a.length
          || !Arrays.equals(page, Arrays.copyOfRange(a, from, from + pageSize))) {
        pages.add(new Page(n + 1, page));
      }
    }
    return new Segment(generation, first, last, pageSize, b.length / pageSize,
        checksum(before, pageSize), checksum(after, pageSize), firstCommit, lastCommit, pages);
  }

  private void keepState(Instant commit) throws IOException {
    Path copy = work.resolve("state-" + generation + "-" + txid);
    Files.copy(db, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    states.put(txid, copy);
    commits.put(txid, commit);
  }
}
