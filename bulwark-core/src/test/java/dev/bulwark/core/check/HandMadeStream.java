package dev.bulwark.core.check;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.Page;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.stream.SegmentName;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.stream.StreamTags;
import dev.bulwark.core.testing.Backups;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.core.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A stream made by hand from a real SQLite database, for tests of the check: the database is
 * created and changed by the real {@code sqlite3}, each state is a copy of its file, and a
 * segment from state a to state b carries the pages that differ (b's size, checksums over the
 * real bytes), as a replicator would ship them.
 */
public final class HandMadeStream {
  /** The database id of every stream made here. */
  public static final String DATABASE_ID = "app";
  private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

  private final List<byte[]> states;
  private final int pageSize;
  private final long generation;

  private HandMadeStream(List<byte[]> states, int pageSize, long generation) {
    this.states = states;
    this.pageSize = pageSize;
    this.generation = generation;
  }

  /**
   * Creates a database in {@code dir} with {@code sqlite3} and records {@code changes + 1}
   * states: the new database (state 0), then the file after each of {@code changes}
   * transactions that update some rows and insert others.
   */
  public static HandMadeStream create(Path dir, int changes, long generation)
      throws IOException {
    String sqlite3 = Tools.require("sqlite3").toString();
    Path db = dir.resolve("source.db");
    Files.createDirectories(dir);
    Tools.run(dir, Map.of(), sqlite3, db.toString(),
        "create table t(id integer primary key, v blob);"
            + " with recursive n(i) as (select 1 union all select i + 1 from n where i < 300)"
            + " insert into t(v) select randomblob(300) from n;");
    List<byte[]> states = new ArrayList<>();
    states.add(Files.readAllBytes(db));
    for (int i = 1; i <= changes; i++) {
      Tools.run(dir, Map.of(), sqlite3, db.toString(),
          "begin; update t set v = randomblob(300) where id % 50 = " + i + ";"
              + " insert into t(v) values (randomblob(3000)); commit;");
      states.add(Files.readAllBytes(db));
    }
    byte[] first = states.get(0);
    int pageSize = ((first[16] & 0xff) << 8) | (first[17] & 0xff);
    return new HandMadeStream(List.copyOf(states), pageSize == 1 ? 65536 : pageSize,
        generation);
  }

  /** The generation its segments and snapshots belong to. */
  public long generation() {
    return generation;
  }

  /** The database file as it was in state {@code i}. */
  public byte[] state(int i) {
    return states.get(i).clone();
  }

  /** The checksum of state {@code i}, over every page of the file. */
  public PageSetChecksum checksum(int i) {
    byte[] db = states.get(i);
    PageSetChecksum sum = PageSetChecksum.empty();
    for (int p = 0; p < db.length / pageSize; p++) {
      sum = sum.with(p + 1, Arrays.copyOfRange(db, p * pageSize, (p + 1) * pageSize));
    }
    return sum;
  }

  /** The segment at positions {@code first..last} that takes state {@code from} to {@code to}. */
  public Segment segment(long first, long last, int from, int to) {
    return segment(first, last, from, to, checksum(from), checksum(to));
  }

  /**
   * The pages that differ between states {@code from} and {@code to}, as positions {@code
   * first..last}, but with the checksums given (to make one that does not chain).
   */
  public Segment segment(long first, long last, int from, int to, PageSetChecksum before,
      PageSetChecksum after) {
    byte[] a = states.get(from);
    byte[] b = states.get(to);
    List<Page> pages = new ArrayList<>();
    for (int p = 0; p < b.length / pageSize; p++) {
      int off = p * pageSize;
      byte[] page = Arrays.copyOfRange(b, off, off + pageSize);
      if (off + pageSize > a.length
          || !Arrays.equals(page, Arrays.copyOfRange(a, off, off + pageSize))) {
        pages.add(new Page(p + 1, page));
      }
    }
    return new Segment(generation, first, last, pageSize, b.length / pageSize, before, after,
        START.plusSeconds(first), START.plusSeconds(last), pages);
  }

  /** Stores {@code segments} in {@code repo} as segments of {@link #DATABASE_ID}. */
  public List<SegmentRef> save(Repository repo, Segment... segments)
      throws IOException, BulwarkException {
    List<SegmentRef> refs = new ArrayList<>();
    for (Segment s : segments) {
      refs.add(new SegmentStore(repo).save(DATABASE_ID, s));
    }
    return refs;
  }

  /**
   * Backs up state {@code i} (written to a file under {@code dir}) as a snapshot of this
   * generation at position {@code txid}, tagged with that state's checksum.
   */
  public Snapshot snapshot(Repository repo, Path dir, int i, long txid)
      throws IOException, BulwarkException {
    return snapshot(repo, dir, i, txid, checksum(i));
  }

  /** As {@link #snapshot(Repository, Path, int, long)}, but tagged with {@code tagged}. */
  public Snapshot snapshot(Repository repo, Path dir, int i, long txid, PageSetChecksum tagged)
      throws IOException, BulwarkException {
    Path file = Files.createDirectories(dir.resolve("snapshot-" + i + "-" + txid))
        .resolve("app.db");
    Files.write(file, states.get(i));
    StreamTags stream = new StreamTags(DATABASE_ID, generation, txid, tagged);
    List<String> tags = new DatabaseTags("sqlite", file.toString(),
        stream.addTo(Map.of("page-size", Integer.toString(pageSize)))).toTags();
    return Backups.underLock(repo, new Archiver(repo,
        TestRepositories.OPTIONS.withTags(tags), new Progress()),
        List.of(FileSource.of(file))).snapshot();
  }

  /** Where a local repository at {@code repoDir} keeps the segment {@code first..last}. */
  public Path segmentFile(Path repoDir, long first, long last) {
    return generationFolder(repoDir).resolve(SegmentName.of(first, last));
  }

  /** Where a local repository at {@code repoDir} keeps this generation's segments. */
  public Path generationFolder(Path repoDir) {
    return repoDir.resolve("bulwark/streams").resolve(DATABASE_ID)
        .resolve(SegmentName.generation(generation));
  }
}
