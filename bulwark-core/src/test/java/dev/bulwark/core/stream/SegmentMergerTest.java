package dev.bulwark.core.stream;

import static dev.bulwark.core.testing.compaction.SqliteStream.checksum;
import static dev.bulwark.core.testing.compaction.SqliteStream.replay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.testing.compaction.SqliteStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentMergerTest {
  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  @TempDir Path dir;

  @Test
  void everyMergedRunOfARealDatabaseReplaysToTheStateItsPartsReach() throws Exception {
    SqliteStream stream = SqliteStream.create(dir, "app.db", 7, 1024,
        "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX tv ON t(v);");
    List<byte[]> states = new ArrayList<>();
    states.add(stream.state());
    List<Segment> parts = new ArrayList<>();
    String[] sql = {
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<400)"
            + " INSERT INTO t(v) SELECT printf('row %d %s', i, hex(randomblob(40))) FROM n;",
        "UPDATE t SET v = v || 'x' WHERE id % 7 = 0;",
        "DELETE FROM t WHERE id % 3 = 0;",
        "UPDATE t SET v = 'short' WHERE id < 50;",
        "VACUUM;",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<200)"
            + " INSERT INTO t(v) SELECT hex(randomblob(60)) FROM n;",
        "DELETE FROM t WHERE id > 300;",
        "VACUUM;",
        "UPDATE t SET v = upper(v) WHERE id % 5 = 1;",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<50)"
            + " INSERT INTO t(v) SELECT hex(randomblob(30)) FROM n;"};
    for (int i = 0; i < sql.length; i++) {
      parts.add(stream.commit(sql[i], 1 + i % 3, T0.plusSeconds(i)));
      states.add(stream.state());
    }
    // The stream shrinks (DELETE + VACUUM) and grows again: every run through it must hold.
    assertThat(parts.stream().mapToLong(Segment::pageCount).min().getAsLong())
        .isLessThan(parts.get(3).pageCount());
    for (int i = 0; i < parts.size(); i++) {
      SegmentMerger m = new SegmentMerger(parts.get(i));
      for (int j = i + 1; j < parts.size(); j++) {
        m.add(parts.get(j));
        Segment merged = m.result();
        assertThat(merged.firstTxid()).isEqualTo(parts.get(i).firstTxid());
        assertThat(merged.lastTxid()).isEqualTo(parts.get(j).lastTxid());
        assertThat(merged.before()).isEqualTo(parts.get(i).before());
        assertThat(merged.after()).isEqualTo(parts.get(j).after());
        assertThat(merged.lastCommit()).isEqualTo(parts.get(j).lastCommit());
        assertThat(replay(states.get(i), merged)).as("merge of %d..%d", i, j)
            .isEqualTo(states.get(j + 1));
      }
    }
    SegmentMerger all = new SegmentMerger(parts.get(0));
    parts.subList(1, parts.size()).forEach(p -> addUnchecked(all, p));
    Path restored = Files.write(dir.resolve("restored.db"), replay(states.get(0), all.result()));
    assertThat(Files.readAllBytes(restored)).isEqualTo(Files.readAllBytes(stream.db()));
    assertThat(SqliteStream.sqlite(restored, "PRAGMA integrity_check;").trim()).isEqualTo("ok");
    // Pages written by several parts are carried once.
    assertThat(all.result().pages().size())
        .isLessThan(parts.stream().mapToInt(p -> p.pages().size()).sum());
  }

  @Test
  void pagesAShrinkCutOffAndNoLaterPartWroteComeBackAsZeros() throws Exception {
    int size = 512;
    byte[] base = new byte[6 * size];
    new SplittableRandom(1).nextBytes(base);
    Segment shrink = new Segment(1, 1, 1, size, 3, checksum(base, size),
        checksum(Arrays.copyOf(base, 3 * size), size), T0, T0, List.of());
    byte[] three = replay(base, shrink);
    byte[] page4 = new byte[size];
    Arrays.fill(page4, (byte) 4);
    byte[] grown = Arrays.copyOf(three, 6 * size);
    System.arraycopy(page4, 0, grown, 3 * size, size);
    Segment grow = new Segment(1, 2, 2, size, 6, checksum(three, size), checksum(grown, size),
        T0, T0, List.of(new Page(4, page4)));
    byte[] stepwise = replay(three, grow);

    SegmentMerger m = new SegmentMerger(shrink);
    m.add(grow);
    Segment merged = m.result();
    assertThat(merged.pages()).extracting(Page::number).containsExactly(4L, 5L, 6L);
    assertThat(replay(base, merged)).isEqualTo(stepwise);
  }

  @Test
  void aPartThatDoesNotContinueTheRunIsRefused() throws Exception {
    SqliteStream stream = SqliteStream.create(dir, "a.db", 3, 1024,
        "CREATE TABLE t(v TEXT);");
    Segment a = stream.commit("INSERT INTO t VALUES ('a');", 1, T0);
    Segment b = stream.commit("INSERT INTO t VALUES ('b');", 1, T0);
    Segment c = stream.commit("INSERT INTO t VALUES ('c');", 1, T0);
    SegmentMerger m = new SegmentMerger(a);
    assertThatThrownBy(() -> m.add(c)).isInstanceOf(CorruptionException.class)
        .hasMessageContaining(c.fileName()).hasMessageContaining("does not follow");
    Segment wrongBefore = new Segment(3, 2, 2, 1024, b.pageCount(), c.before(), b.after(),
        T0, T0, b.pages());
    assertThatThrownBy(() -> m.add(wrongBefore)).isInstanceOf(CorruptionException.class)
        .hasMessageContaining("starts from state");
    m.add(b);
    m.add(c);
    assertThat(m.inputs()).isEqualTo(3);
  }

  @Test
  void aMergeFitsOnlyWhileItsDistinctPagesStayWithinTheLimit() {
    int size = 65536;
    Segment first = pages(1, 1, 200, size);
    SegmentMerger m = new SegmentMerger(first);
    assertThat(m.fits(pages(2, 101, 200, size))).isTrue();
    assertThat(m.fits(pages(2, 150, 210, size))).isTrue();
    assertThat(m.fits(pages(2, 201, 257, size))).isFalse();
  }

  private static Segment pages(long txid, long from, long to, int size) {
    List<Page> ps = new ArrayList<>();
    for (long n = from; n <= to; n++) {
      ps.add(new Page(n, new byte[size]));
    }
    PageSetChecksum c = new PageSetChecksum(txid);
    return new Segment(1, txid, txid, size, Math.max(to, 256), c, c, T0, T0, ps);
  }

  private static void addUnchecked(SegmentMerger m, Segment s) {
    try {
      m.add(s);
    } catch (CorruptionException e) {
      throw new AssertionError(e);
    }
  }
}
