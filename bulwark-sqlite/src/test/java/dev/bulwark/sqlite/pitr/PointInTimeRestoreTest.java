package dev.bulwark.sqlite.pitr;

import static dev.bulwark.sqlite.pitr.SqliteStreamFixture.at;
import static dev.bulwark.sqlite.pitr.SqliteStreamFixture.content;
import static dev.bulwark.sqlite.pitr.SqliteStreamFixture.integrity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.pitr.HandMadeStream;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.stream.Page;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.StreamPosition;
import dev.bulwark.core.testing.Backups;
import dev.bulwark.core.testing.Sqlite;
import dev.bulwark.sqlite.SqliteKind;
import dev.bulwark.sqlite.SqliteSource;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point-in-time restore of a real SQLite database from a hand-made stream: each result passes
 * {@code integrity_check} and holds exactly the database as it was at that point; a stream that
 * cannot be trusted is refused before the target is touched.
 */
class PointInTimeRestoreTest {
  @TempDir Path dir;
  private SqliteStreamFixture f;

  @BeforeEach
  void stream() throws Exception {
    f = new SqliteStreamFixture(dir);
  }

  @Test
  void restoresToEveryShippedPointByTxidAndByTime() throws Exception {
    long[] txids = {0, 1, 4, 5, 7, 8, 9};
    int[] seconds = {5, 10, 22, 30, 41, 50, 60};
    for (int i = 0; i < txids.length; i++) {
      Path byTxid = dir.resolve("txid-" + txids[i] + ".db");
      DatabaseRestorer.Result r = restorer().restore(ReplayTarget.txid(txids[i]), f.db, byTxid);
      assertThat(r.replay().orElseThrow().reached()).isEqualTo(new StreamPosition(42, txids[i]));
      assertSameDatabase(byTxid, f.stream.stateAt(txids[i]));
      Path byTime = dir.resolve("time-" + seconds[i] + ".db");
      restorer().restore(ReplayTarget.at(at(seconds[i])), f.db, byTime);
      assertSameDatabase(byTime, f.stream.stateAt(txids[i]));
    }
    // Between two segments the state is the earlier one's.
    Path between = dir.resolve("between.db");
    restorer().restore(ReplayTarget.at(at(35)), f.db, between);
    assertSameDatabase(between, f.stream.stateAt(5));
    assertThat(content(f.stream.stateAt(5))).isNotEqualTo(content(f.stream.stateAt(4)));
  }

  @Test
  void latestInPlaceMeansTheNewestShippedTransactionAndKeepsThePrevious() throws Exception {
    f.stream.merge(2, 8);
    Files.copy(f.stream.stateAt(1), f.db, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    DatabaseRestorer.Result r = restorer().restore(SnapshotRef.latest(), f.db);
    assertThat(r.replay().orElseThrow().segments()).hasSize(3); // 1-1, 2-8, 9-9
    assertSameDatabase(f.db, f.stream.stateAt(9));
    assertSameDatabase(r.previous().orElseThrow(), f.stream.stateAt(1));
  }

  @Test
  void aPlainSnapshotNewerThanTheStreamIsTheNewestState() throws Exception {
    Sqlite.sql(f.db, "insert into t(seq, v) values (1000, 'later')");
    Backups.underLock(f.repo, new Archiver(f.repo, BackupOptions.defaults().withThreads(2)
        .withClock(Clock.fixed(at(90), ZoneOffset.UTC)), new Progress()),
        List.of(SqliteSource.of(f.db)));
    Path out = dir.resolve("newest.db");
    DatabaseRestorer.Result r = restorer().restore(SnapshotRef.latest(), f.db, out);
    assertThat(r.replay()).isEmpty();
    assertThat(content(out)).isEqualTo(content(f.db)).contains("t|1000|later");
    // A point in the stream still replays it.
    Path past = dir.resolve("past.db");
    restorer().restore(ReplayTarget.at(at(41)), f.db, past);
    assertSameDatabase(past, f.stream.stateAt(7));
  }

  @Test
  void aGapIsRefusedBeforeTheTargetIsTouched() throws Exception {
    byte[] before = Files.readAllBytes(f.db);
    Files.delete(segmentFile(5, 5));
    assertThatThrownBy(() -> restorer().restore(SnapshotRef.latest(), f.db))
        .isInstanceOf(CorruptionException.class).hasMessageContaining("a gap");
    assertUntouched(before);
  }

  @Test
  void aFlippedByteInASegmentIsRefusedNamingItBeforeTheTargetIsTouched() throws Exception {
    byte[] before = Files.readAllBytes(f.db);
    Path seg = segmentFile(6, 7);
    try (RandomAccessFile raf = new RandomAccessFile(seg.toFile(), "rw")) {
      raf.seek(raf.length() / 2);
      int b = raf.read();
      raf.seek(raf.length() / 2);
      raf.write(b ^ 1);
    }
    assertThatThrownBy(() -> restorer().restore(ReplayTarget.at(at(55)), f.db, f.db))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("0000000000000006-0000000000000007.seg");
    assertUntouched(before);
  }

  @Test
  void aSegmentWhosePagesDoNotMatchItsChainIsRefused() throws Exception {
    byte[] before = Files.readAllBytes(f.db);
    Files.delete(segmentFile(9, 9));
    // Sealed and well-formed, with the right checksums, but one page holds other bytes (a
    // writer that read a page while it changed).
    Segment real = HandMadeStream.diff(f.stream.stateAt(8), f.stream.stateAt(9), 42, 9, 9,
        SqliteStreamFixture.PAGE, at(60), at(60));
    List<Page> pages = new ArrayList<>(real.pages());
    Page last = pages.get(pages.size() - 1);
    byte[] other = last.bytes().clone();
    other[other.length - 1] ^= 0x20;
    pages.set(pages.size() - 1, new Page(last.number(), other));
    f.stream.save(new Segment(42, 9, 9, real.pageSize(), real.pageCount(), real.before(),
        real.after(), real.firstCommit(), real.lastCommit(), pages));
    assertThatThrownBy(() -> restorer().restore(SnapshotRef.latest(), f.db))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("0000000000000009-0000000000000009.seg")
        .hasMessageContaining("do not match its chain");
    assertUntouched(before);
  }

  @Test
  void anOutputPathLeavesTheDatabaseItselfUntouched() throws Exception {
    byte[] before = Files.readAllBytes(f.db);
    Path out = dir.resolve("copy.db");
    DatabaseRestorer.Result r = restorer().restore(ReplayTarget.txid(4), f.db, out);
    assertThat(r.previous()).isEmpty();
    assertSameDatabase(out, f.stream.stateAt(4));
    assertUntouched(before);
  }

  private DatabaseRestorer restorer() {
    return new DatabaseRestorer(f.repo, new SqliteKind(), 2, new Progress());
  }

  private Path segmentFile(long first, long last) {
    return dir.resolve("repo/bulwark/streams")
        .resolve(new SegmentRef("app-db", 42, first, last, 0).path());
  }

  private static void assertSameDatabase(Path restored, Path oracle) throws Exception {
    assertThat(integrity(restored)).isEqualTo("ok");
    assertThat(content(restored)).isEqualTo(content(oracle)).isNotEmpty();
    assertThat(Files.mismatch(restored, oracle)).isEqualTo(-1L);
  }

  private void assertUntouched(byte[] before) throws Exception {
    assertThat(Files.readAllBytes(f.db)).isEqualTo(before);
    try (Stream<Path> s = Files.list(dir)) {
      List<String> names = s.map(p -> p.getFileName().toString()).toList();
      assertThat(names).noneMatch(n -> n.contains("bulwark-staging") || n.contains("bulwark-old"));
    }
  }
}
