package dev.bulwark.core.stream;

import static dev.bulwark.core.testing.compaction.SqliteStream.checksum;
import static dev.bulwark.core.testing.compaction.SqliteStream.replay;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.FaultyBackend;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.core.testing.compaction.SqliteStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactorTest {
  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  private static final long GEN = 0x1234L;
  @TempDir Path dir;

  @Test
  void mergedLevelsOfARealStreamReplayToEveryPointWithFewerObjects() throws Exception {
    LocalBackend backend = LocalBackend.open(dir.resolve("repo"));
    try (Repository repo = TestRepositories.init(backend)) {
      SegmentStore store = new SegmentStore(repo);
      SqliteStream stream = SqliteStream.create(dir, "app.db", GEN, 1024,
          "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
      Map<Long, byte[]> states = new HashMap<>();
      byte[] base = stream.state();
      states.put(0L, base);
      // 45 segments, one every 3 s: five level-1 buckets of 10 s each minute, two minutes.
      for (int i = 0; i < 45; i++) {
        String sql = i % 9 == 8 ? "DELETE FROM t WHERE id % 4 = 0; VACUUM;"
            : "INSERT INTO t(v) SELECT hex(randomblob(200)) FROM (SELECT 1 UNION SELECT 2);"
                + " UPDATE t SET v = 'u" + i + "' WHERE id % 11 = " + (i % 11) + ";";
        store.save("app", stream.commit(sql, 1 + i % 2, T0.plusSeconds(3L * i)));
        states.put(stream.txid(), stream.state());
      }
      List<SegmentRef> level0 = store.list("app", GEN);
      Compactor compactor = new Compactor(store, CompactionLevels.DEFAULT);

      List<SegmentRef> written = compactor.compact("app", GEN, T0.plus(Duration.ofHours(2)));

      // Level 1: the buckets 0-9 s ... 120-129 s (130-139 s holds one segment: nothing to
      // merge); level 2: three minutes; level 3: one; the hour holds exactly what it holds.
      assertThat(written).hasSize(13 + 3 + 1);
      List<SegmentRef> all = store.list("app", GEN);
      assertThat(all).hasSize(level0.size() + written.size());
      long last = stream.txid();
      Map<String, Segment> loaded = new HashMap<>();
      assertThat(Compactor.chain(all, 1, last)).hasSize(1);
      for (SegmentRef end : level0) {
        long target = end.lastTxid();
        List<SegmentRef> chain = Compactor.chain(all, 1, target);
        assertThat(chain.size()).as("objects to %d", target)
            .isLessThanOrEqualTo(Compactor.chain(level0, 1, target).size());
        byte[] file = base;
        for (SegmentRef r : chain) {
          file = replay(file, loaded.computeIfAbsent(r.path(), p -> load(store, r)));
        }
        assertThat(file).as("state at %d", target).isEqualTo(states.get(target));
      }

      // Run again: nothing is missing. Lose one merged segment (a kill before its write):
      // exactly that one is written again, equal to the first.
      assertThat(compactor.compact("app", GEN, T0.plus(Duration.ofHours(2)))).isEmpty();
      SegmentRef lost = written.get(15);
      Segment before = store.load(lost);
      Files.delete(backend.root().resolve("bulwark/streams/" + lost.path()));
      Compactor fresh = new Compactor(store, CompactionLevels.DEFAULT);
      List<SegmentRef> again = fresh.compact("app", GEN, T0.plus(Duration.ofHours(2)));
      assertThat(again).extracting(SegmentRef::path).containsExactly(lost.path());
      assertThat(store.load(lost)).isEqualTo(before);
    }
  }

  @Test
  void commitTimesToldAtShippingAreNotReadBack() throws Exception {
    FaultyBackend backend = new FaultyBackend(LocalBackend.open(dir.resolve("repo")));
    try (Repository repo = TestRepositories.init(backend)) {
      SegmentStore store = new SegmentStore(repo);
      SqliteStream stream = SqliteStream.create(dir, "c.db", GEN, 1024,
          "CREATE TABLE t(v TEXT);");
      Compactor told = new Compactor(store, CompactionLevels.DEFAULT);
      for (int i = 0; i < 10; i++) {
        Segment s = stream.commit("INSERT INTO t VALUES (hex(randomblob(100)));", 1,
            T0.plusSeconds(i));
        store.save("c", s);
        told.shipped("c", s);
      }
      int before = backend.calls(FaultyBackend.Op.LOAD);
      // One bucket of ten: ten loads to merge them, none to learn their times.
      assertThat(told.compact("c", GEN, T0.plusSeconds(30))).hasSize(1);
      assertThat(backend.calls(FaultyBackend.Op.LOAD) - before).isEqualTo(10);
      store.delete(store.list("c", GEN).stream().filter(r -> r.firstTxid() != r.lastTxid())
          .findFirst().orElseThrow());
      before = backend.calls(FaultyBackend.Op.LOAD);
      assertThat(new Compactor(store, CompactionLevels.DEFAULT).compact("c", GEN,
          T0.plusSeconds(30))).hasSize(1);
      assertThat(backend.calls(FaultyBackend.Op.LOAD) - before).isEqualTo(20);
    }
  }

  @Test
  void aMergeWithADamagedInputIsSkippedAndTheOthersAreMade() throws Exception {
    LocalBackend backend = LocalBackend.open(dir.resolve("repo"));
    try (Repository repo = TestRepositories.init(backend)) {
      SegmentStore store = new SegmentStore(repo);
      SqliteStream stream = SqliteStream.create(dir, "d.db", GEN, 1024,
          "CREATE TABLE t(v TEXT);");
      Compactor compactor = new Compactor(store, CompactionLevels.DEFAULT);
      // Two level-1 buckets of three segments each: 0-9 s and 10-19 s.
      for (int i = 0; i < 6; i++) {
        Segment s = stream.commit("INSERT INTO t VALUES (hex(randomblob(100)));", 1,
            T0.plusSeconds(3L * i + (i < 3 ? 0 : 3)));
        store.save("d", s);
        compactor.shipped("d", s);
      }
      Path damaged = backend.root().resolve("bulwark/streams/"
          + store.list("d", GEN).get(1).path());
      byte[] bytes = Files.readAllBytes(damaged);
      bytes[bytes.length / 2] ^= 0x10;
      Files.write(damaged, bytes);

      List<SegmentRef> written = compactor.compact("d", GEN, T0.plusSeconds(35));
      assertThat(written).extracting(SegmentRef::firstTxid, SegmentRef::lastTxid)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(4L, 6L));
      // Not tried again by this compactor.
      assertThat(compactor.compact("d", GEN, T0.plusSeconds(36))).isEmpty();
    }
  }

  @Test
  void onlyCompleteBucketsAreMerged() throws Exception {
    try (Repository repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")))) {
      SegmentStore store = new SegmentStore(repo);
      SqliteStream stream = SqliteStream.create(dir, "b.db", GEN, 1024,
          "CREATE TABLE t(v TEXT);");
      for (int i = 0; i < 6; i++) {
        store.save("b", stream.commit("INSERT INTO t VALUES (hex(randomblob(100)));", 1,
            T0.plusSeconds(2L * i)));
      }
      Compactor compactor = new Compactor(store, CompactionLevels.DEFAULT);
      // Commits at 0..10 s. At 12 s the bucket 10-19 s is open, and 0-9 s is complete since a
      // later segment exists.
      assertThat(compactor.compact("b", GEN, T0.plusSeconds(12)))
          .extracting(SegmentRef::lastTxid).containsExactly(5L);
      // 10 s after the 10-19 s bucket ended nothing more can arrive: it holds one segment,
      // nothing to merge; the minute bucket now is complete and covers all six.
      assertThat(compactor.compact("b", GEN, T0.plusSeconds(80)))
          .extracting(SegmentRef::firstTxid, SegmentRef::lastTxid)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 6L));
    }
  }

  @Test
  void aMergeBeyondTheSizeLimitIsSplitAtTheBoundaryOfItsInputs() throws Exception {
    int size = 65536;
    int perSegment = 55;
    try (Repository repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")))) {
      SegmentStore store = new SegmentStore(repo);
      int count = 5 * perSegment;
      byte[] file = new byte[count * size];
      byte[] base = file.clone();
      SplittableRandom rnd = new SplittableRandom(6);
      // Five segments of 55 distinct pages of 64 KiB in one bucket: 275 pages, 17.2 MiB, one
      // more than a segment may carry. Pages are mostly zeros so that zstd is quick.
      for (int i = 0; i < 5; i++) {
        List<Page> pages = new ArrayList<>();
        byte[] before = file.clone();
        for (int n = 1 + perSegment * i; n <= perSegment * (i + 1); n++) {
          byte[] p = new byte[size];
          rnd.nextBytes(p);
          Arrays.fill(p, 64, size, (byte) 0);
          pages.add(new Page(n, p));
          System.arraycopy(p, 0, file, (n - 1) * size, size);
        }
        store.save("big", new Segment(GEN, i + 1, i + 1, size, count, checksum(before, size),
            checksum(file, size), T0.plusSeconds(i), T0.plusSeconds(i), pages));
      }
      Compactor compactor = new Compactor(store, CompactionLevels.DEFAULT);
      List<SegmentRef> written = compactor.compact("big", GEN, T0.plus(Duration.ofHours(2)));
      // The first four fit (220 pages); the fifth stays as it is.
      assertThat(written).extracting(SegmentRef::firstTxid, SegmentRef::lastTxid)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 4L));
      Segment merged = store.load(written.get(0));
      assertThat((long) merged.pages().size() * size).isLessThanOrEqualTo(Segment.MAX_PAGE_BYTES);
      List<SegmentRef> chain = Compactor.chain(store.list("big", GEN), 1, 5);
      assertThat(chain).extracting(SegmentRef::lastTxid).containsExactly(4L, 5L);
      byte[] replayed = base;
      for (SegmentRef r : chain) {
        replayed = replay(replayed, store.load(r));
      }
      assertThat(replayed).isEqualTo(file);
      // A split merge is done: neither this compactor nor a fresh one writes anything again.
      assertThat(compactor.compact("big", GEN, T0.plus(Duration.ofHours(2)))).isEmpty();
      assertThat(new Compactor(store, CompactionLevels.DEFAULT)
          .compact("big", GEN, T0.plus(Duration.ofHours(2)))).isEmpty();
    }
  }

  private static Segment load(SegmentStore store, SegmentRef r) {
    try {
      return store.load(r);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
