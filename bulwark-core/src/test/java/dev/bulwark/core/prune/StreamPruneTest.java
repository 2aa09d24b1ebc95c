package dev.bulwark.core.prune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.FileType;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.retention.StreamRetention;
import dev.bulwark.core.stream.CompactionLevels;
import dev.bulwark.core.stream.Compactor;
import dev.bulwark.core.stream.GenerationIds;
import dev.bulwark.core.stream.PageReplay;
import dev.bulwark.core.stream.ReplayPlan;
import dev.bulwark.core.stream.ReplayPlanner;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.stream.StreamTags;
import dev.bulwark.core.testing.Backups;
import dev.bulwark.core.testing.FaultyBackend;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.core.testing.compaction.SqliteStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prune of streams on real repositories holding real SQLite streams: what retention deletes,
 * that every point it keeps still restores (replay from the newest snapshot at or before it,
 * taking the longest segment not past the target at each step, as a restore does), and that a
 * prune stopped after any number of deletions leaves every still-listed point restorable.
 */
class StreamPruneTest {
  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  private static final Instant NOW = T0.plus(Duration.ofHours(2));
  @TempDir Path dir;

  /** One generation of a real database, its states by position, in a repository. */
  private final class Generation {
    final String id;
    final long gen;
    final SqliteStream stream;
    final Map<Long, byte[]> states = new HashMap<>();

    Generation(Repository repo, String id, long gen, int segments, Instant start,
        int secondsApart) throws Exception {
      this.id = id;
      this.gen = gen;
      Path folder = Files.createDirectories(dir.resolve(id + "-" + Long.toHexString(gen)));
      stream = SqliteStream.create(folder, id + ".db", gen, 1024,
          "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
      states.put(0L, stream.state());
      SegmentStore store = new SegmentStore(repo);
      for (int i = 0; i < segments; i++) {
        String sql = i % 13 == 12 ? "DELETE FROM t WHERE id % 3 = 0; VACUUM;"
            : "INSERT INTO t(v) VALUES (hex(randomblob(150))); UPDATE t SET v = 'v" + i
                + "' WHERE id % 7 = " + (i % 7) + ";";
        store.save(id, stream.commit(sql, 1, start.plusSeconds((long) secondsApart * i)));
        states.put(stream.txid(), stream.state());
      }
    }

    /** Backs up the database as it was at {@code txid}, tagged with its stream position. */
    Snapshot snapshot(Repository repo, long txid) throws Exception {
      Path file = dir.resolve("snap-" + id + "-" + txid + ".db");
      Files.write(file, states.get(txid));
      List<String> tags = new ArrayList<>(new DatabaseTags("sqlite", file.toString(), Map.of())
          .toTags());
      tags.addAll(new StreamTags(id, gen, txid, SqliteStream.checksum(states.get(txid), 1024))
          .toTags());
      return Backups.underLock(repo, new Archiver(repo, TestRepositories.OPTIONS.withTags(tags),
          new Progress()), List.of(FileSource.of(file))).snapshot();
    }

    /**
     * The state a restore to {@code target} builds from what the repository holds now, or
     * null if it cannot reach it.
     */
    byte[] restore(Repository repo, long target) throws Exception {
      long from = -1;
      for (Snapshot s : repo.snapshots()) {
        var t = DatabaseTags.fromTags(s.tags()).flatMap(StreamTags::of);
        if (t.isPresent() && t.get().generation() == gen && t.get().txid() <= target) {
          from = Math.max(from, t.get().txid());
        }
      }
      if (from < 0) {
        return null;
      }
      SegmentStore store = new SegmentStore(repo);
      Map<Long, TreeMap<Long, SegmentRef>> byFirst = new HashMap<>();
      for (SegmentRef r : store.list(id, gen)) {
        byFirst.computeIfAbsent(r.firstTxid(), k -> new TreeMap<>()).put(r.lastTxid(), r);
      }
      byte[] file = states.get(from);
      long p = from;
      while (p < target) {
        var ends = byFirst.get(p + 1);
        var next = ends == null ? null : ends.floorEntry(target);
        if (next == null) {
          return null;
        }
        file = SqliteStream.replay(file, store.load(next.getValue()));
        p = next.getKey();
      }
      return file;
    }
  }

  /**
   * Restores {@code target} with the restore engine's own planner and replay ({@link
   * ReplayPlanner}, {@link PageReplay}) onto the snapshot's state; returns the file's bytes.
   */
  private byte[] restoreWithPlanner(Repository repo, Generation g, long target)
      throws Exception {
    List<Snapshot> mine = new ArrayList<>();
    for (Snapshot s : repo.snapshots()) {
      var t = DatabaseTags.fromTags(s.tags()).flatMap(StreamTags::of);
      if (t.isPresent() && t.get().databaseId().equals(g.id)) {
        mine.add(s);
      }
    }
    ReplayPlan plan = new ReplayPlanner(repo).plan(mine, ReplayTarget.txid(target))
        .orElseThrow();
    assertThat(plan.reached().txid()).isEqualTo(target);
    Path file = Files.write(dir.resolve("planned-" + target + ".db"),
        g.states.get(plan.start().txid()));
    new PageReplay(repo, new Progress()).apply(plan, file);
    return Files.readAllBytes(file);
  }

  /** Every stored segment starts where a snapshot or another stored segment ends. */
  private static void assertEverySegmentChains(Repository repo) throws Exception {
    Map<String, Set<Long>> ends = new HashMap<>();
    for (Snapshot s : repo.snapshots()) {
      DatabaseTags.fromTags(s.tags()).flatMap(StreamTags::of).ifPresent(t -> ends
          .computeIfAbsent(t.databaseId() + "/" + t.generation(), k -> new HashSet<>())
          .add(t.txid()));
    }
    List<SegmentRef> all = new SegmentStore(repo).listAll();
    for (SegmentRef r : all) {
      ends.computeIfAbsent(r.databaseId() + "/" + r.generation(), k -> new HashSet<>())
          .add(r.lastTxid());
    }
    for (SegmentRef r : all) {
      assertThat(ends.get(r.databaseId() + "/" + r.generation()))
          .as("%s starts where something ends", r).contains(r.firstTxid() - 1);
    }
  }

  @Test
  void aWindowStartingAtABucketBoundaryLeavesNoSegmentThatCannotBeReached() throws Exception {
    try (Repository repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")))) {
      Generation g = new Generation(repo, "app", 0x60, 45, T0, 2);
      g.snapshot(repo, 0);
      new Compactor(new SegmentStore(repo), CompactionLevels.DEFAULT).compact("app", 0x60, NOW);
      // Position 30 commits at 58 s, the last of the first minute: the window starts there, so
      // the path to it is the minute's merged segment, and the merged 10 s bucket 50-59 s and
      // the level-0 segment 30, which end in the window, would start where nothing ends.
      PruneResult r = prune(repo, PruneOptions.defaults().withStreamRetention(
          StreamRetention.within(Duration.between(T0.plusSeconds(58), NOW))));
      assertThat(r.streamSegmentsRemoved()).isPositive();
      assertEverySegmentChains(repo);
      for (long t : ends(repo, g)) {
        assertThat(restoreWithPlanner(repo, g, t)).as("point %d", t).isEqualTo(g.states.get(t));
      }
      assertThat(ends(repo, g)).contains(30L).doesNotContain(29L);
    }
  }

  private static PruneResult prune(Repository repo, PruneOptions options) throws Exception {
    try (Lock lock = repo.lock(true)) {
      return new Pruner(repo, lock, options.withClock(Clock.fixed(NOW, ZoneOffset.UTC)),
          new Progress()).run();
    }
  }

  private static Set<String> names(Repository repo) throws IOException {
    return new SegmentStore(repo).listAll().stream().map(SegmentRef::toString)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Ends of the segments of {@code g} stored now. */
  private static TreeSet<Long> ends(Repository repo, Generation g) throws IOException {
    return new SegmentStore(repo).list(g.id, g.gen).stream().map(SegmentRef::lastTxid)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void retentionDeletesOldSegmentsNoPathNeedsAndEveryKeptPointStillRestores() throws Exception {
    try (Repository repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")))) {
      // 90 segments, one every 2 s from T0: 3 minutes, compacted into 10 s, 1 min, 10 min.
      Generation g = new Generation(repo, "app", 0x10, 90, T0, 2);
      g.snapshot(repo, 0);
      new Compactor(new SegmentStore(repo), CompactionLevels.DEFAULT).compact("app", 0x10, NOW);
      List<SegmentRef> before = new SegmentStore(repo).list("app", 0x10);
      // The window reaches back to T0 + 120 s: positions 61.. (segment i commits at 2i s).
      PruneOptions opts = PruneOptions.defaults()
          .withStreamRetention(StreamRetention.within(Duration.between(T0.plusSeconds(120),
              NOW)));

      PruneResult plan = prune(repo, opts.withMode(PruneOptions.Mode.DRY_RUN));
      assertThat(new SegmentStore(repo).list("app", 0x10)).isEqualTo(before);
      PruneResult done = prune(repo, opts);

      assertThat(done.streamRemoved()).isEqualTo(plan.streamRemoved());
      List<SegmentRef> after = new SegmentStore(repo).list("app", 0x10);
      List<SegmentRef> removed = new ArrayList<>(before);
      removed.removeAll(after);
      // Gone: the 60 old level-0 segments and the 12 old level-1 ones (each covered by a
      // minute). Kept from before the window: the two minutes the path to the window takes.
      assertThat(removed).allMatch(r -> r.lastTxid() <= 60);
      assertThat(removed).filteredOn(r -> r.firstTxid() == r.lastTxid()).hasSize(60);
      assertThat(removed).filteredOn(r -> r.lastTxid() - r.firstTxid() == 4).hasSize(12);
      assertThat(removed).hasSize(72);
      assertThat(after).filteredOn(r -> r.lastTxid() <= 60)
          .extracting(SegmentRef::firstTxid, SegmentRef::lastTxid)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 30L),
              org.assertj.core.groups.Tuple.tuple(31L, 60L));
      assertThat(done.streamSegmentsRemoved()).isEqualTo(72);
      assertThat(done.streamSegmentsKept()).isEqualTo(after.size());
      assertThat(done.streamGenerationsRemoved()).isZero();
      // Removal order: the newest end first.
      assertThat(done.streamRemoved().get(0)).endsWith("-000000000000003c.seg");

      for (long t = 61; t <= 90; t++) {
        assertThat(g.restore(repo, t)).as("point %d in the window", t)
            .isEqualTo(g.states.get(t));
        assertThat(restoreWithPlanner(repo, g, t)).isEqualTo(g.states.get(t));
      }
      assertEverySegmentChains(repo);
      assertThat(g.restore(repo, 30)).isEqualTo(g.states.get(30L));
      assertThat(g.restore(repo, 0)).isEqualTo(g.states.get(0L));
      // Older points are restorable at snapshot granularity only.
      assertThat(g.restore(repo, 17)).isNull();
      // A second prune finds nothing more to do.
      assertThat(prune(repo, opts).streamSegmentsRemoved()).isZero();
    }
  }

  @Test
  void generationsGoWhenNoSnapshotCanReplayThemOrAllTheirPointsAreOld() throws Exception {
    try (Repository repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")))) {
      long oldGen = GenerationIds.next(Clock.fixed(T0.minus(Duration.ofDays(2)),
          ZoneOffset.UTC));
      long midGen = GenerationIds.next(Clock.fixed(T0.minus(Duration.ofDays(1)),
          ZoneOffset.UTC));
      long liveGen = GenerationIds.next(Clock.fixed(T0, ZoneOffset.UTC));
      long startingGen = GenerationIds.next(Clock.fixed(NOW.minus(Duration.ofMinutes(5)),
          ZoneOffset.UTC));
      // No snapshot left (forgotten): goes even with the default retention.
      Generation orphan = new Generation(repo, "app", oldGen, 4,
          T0.minus(Duration.ofDays(2)), 1);
      // A snapshot, but every segment older than the window and a newer generation exists.
      Generation old = new Generation(repo, "app", midGen, 4, T0.minus(Duration.ofDays(1)), 1);
      old.snapshot(repo, 0);
      Generation live = new Generation(repo, "app", liveGen, 6, T0, 1);
      live.snapshot(repo, 0);
      // Another database whose newest generation has no snapshot yet, started 5 min ago.
      Generation starting = new Generation(repo, "other", startingGen, 3,
          NOW.minus(Duration.ofMinutes(5)), 1);
      // And one whose only generation is old and has no snapshot.
      Generation gone = new Generation(repo, "gone", oldGen, 2, T0.minus(Duration.ofDays(2)), 1);

      PruneResult keepAll = prune(repo, PruneOptions.defaults());
      assertThat(keepAll.streamGenerationsRemoved()).isEqualTo(2);
      assertThat(new SegmentStore(repo).list("app", oldGen)).isEmpty();
      assertThat(new SegmentStore(repo).list("gone", oldGen)).isEmpty();
      assertThat(new SegmentStore(repo).list("app", midGen)).hasSize(4);
      assertThat(new SegmentStore(repo).list("other", startingGen)).hasSize(3);

      PruneResult window = prune(repo, PruneOptions.defaults()
          .withStreamRetention(StreamRetention.parse("3h")));
      assertThat(window.streamGenerationsRemoved()).isEqualTo(1);
      assertThat(new SegmentStore(repo).list("app", midGen)).isEmpty();
      assertThat(old.restore(repo, 0)).isEqualTo(old.states.get(0L));
      assertThat(new SegmentStore(repo).list("app", liveGen)).hasSize(6);
      for (long t = 0; t <= 6; t++) {
        assertThat(live.restore(repo, t)).isEqualTo(live.states.get(t));
      }
      assertThat(new SegmentStore(repo).list("other", startingGen)).hasSize(3);
      assertThat(orphan.states).isNotEmpty();
      assertThat(gone.states).isNotEmpty();
    }
  }

  @Test
  void theNewestPointOfAnIdleDatabaseStaysRestorableHoweverOld() throws Exception {
    try (Repository repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")))) {
      Generation g = new Generation(repo, "idle", 0x20, 12, T0.minus(Duration.ofDays(3)), 3);
      g.snapshot(repo, 0);
      new Compactor(new SegmentStore(repo), CompactionLevels.DEFAULT).compact("idle", 0x20,
          T0.minus(Duration.ofDays(2)));
      prune(repo, PruneOptions.defaults().withStreamRetention(StreamRetention.parse("1h")));
      assertThat(g.restore(repo, 12)).isEqualTo(g.states.get(12L));
      // Only what the path to it takes is left: the merged minute, nothing finer.
      assertThat(new SegmentStore(repo).list("idle", 0x20))
          .extracting(SegmentRef::firstTxid, SegmentRef::lastTxid)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 12L));
    }
  }

  @Test
  void segmentsBeforeTheOldestRemainingSnapshotGoWithTheDefaultRetention() throws Exception {
    try (Repository repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")))) {
      Generation g = new Generation(repo, "app", 0x30, 10, T0, 1);
      Snapshot base = g.snapshot(repo, 0);
      g.snapshot(repo, 4);
      repo.removeSnapshot(base.id());
      PruneResult r = prune(repo, PruneOptions.defaults());
      assertThat(r.streamSegmentsRemoved()).isEqualTo(4);
      assertThat(ends(repo, g)).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
      for (long t = 4; t <= 10; t++) {
        assertThat(g.restore(repo, t)).isEqualTo(g.states.get(t));
      }
    }
  }

  @Test
  void aGapLeavesItsGenerationUntouchedWithAWarning() throws Exception {
    try (Repository repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")))) {
      Generation g = new Generation(repo, "app", 0x40, 8, T0, 1);
      g.snapshot(repo, 0);
      SegmentStore store = new SegmentStore(repo);
      store.delete(store.list("app", 0x40).get(3));
      PruneResult r = prune(repo, PruneOptions.defaults()
          .withStreamRetention(StreamRetention.parse("1m")));
      assertThat(r.streamSegmentsRemoved()).isZero();
      assertThat(r.streamWarnings()).singleElement().asString()
          .contains("app/0000000000000040").contains("position 4").contains("gap");
      assertThat(store.list("app", 0x40)).hasSize(7);
    }
  }

  /** A fault campaign: one copy of the repository per stopping point. */
  @Test
  @Slow
  void aPruneStoppedAfterAnyNumberOfDeletionsLeavesEveryListedPointRestorable()
      throws Exception {
    Path master = dir.resolve("master");
    Generation g;
    int planned;
    int total;
    try (Repository repo = TestRepositories.init(LocalBackend.open(master))) {
      g = new Generation(repo, "app", 0x50, 40, T0, 2);
      g.snapshot(repo, 0);
      g.snapshot(repo, 25);
      new Compactor(new SegmentStore(repo), CompactionLevels.DEFAULT).compact("app", 0x50, NOW);
      planned = prune(repo, retention().withMode(PruneOptions.Mode.DRY_RUN))
          .streamRemoved().size();
      total = new SegmentStore(repo).listAll().size();
    }
    assertThat(planned).isGreaterThan(10);
    Set<String> complete = null;
    for (int k = 1; k <= planned; k += 3) {
      Path copy = dir.resolve("kill-" + k);
      TestRepositories.copyTree(master, copy);
      FaultyBackend faulty = new FaultyBackend(LocalBackend.open(copy));
      try (Repository repo = TestRepositories.open(faulty)) {
        // The (k+1)th deletion fails: k segments are gone, as if the process died there.
        faulty.on(FaultyBackend.Op.DELETE).type(FileType.STREAM).nth(k + 1).fail();
        try {
          prune(repo, retention());
        } catch (IOException expected) {
          // stopped mid-way
        }
        faulty.clearFaults();
        assertThat(new SegmentStore(repo).listAll()).hasSize(total - Math.min(k, planned));
        for (long t : ends(repo, g)) {
          assertThat(g.restore(repo, t)).as("point %d after %d deletions", t, k)
              .isEqualTo(g.states.get(t));
        }
        assertEverySegmentChains(repo);
        prune(repo, retention());
        Set<String> finished = names(repo);
        if (complete == null) {
          complete = finished;
        }
        assertThat(finished).isEqualTo(complete);
      }
    }
  }

  private static PruneOptions retention() {
    return PruneOptions.defaults().withStreamRetention(StreamRetention.within(
        Duration.between(T0.plusSeconds(50), NOW)));
  }

  @Test
  void aRepositoryWithoutStreamsPrunesAsBefore() throws Exception {
    Backend backend = LocalBackend.open(dir.resolve("repo"));
    try (Repository repo = TestRepositories.init(backend)) {
      TestRepositories.backup(repo, TestRepositories.randomFile(dir.resolve("f"), 1000, 1));
      PruneResult r = prune(repo, PruneOptions.defaults()
          .withStreamRetention(StreamRetention.parse("1h")));
      assertThat(r.hasStreams()).isFalse();
      assertThat(r.streamRemoved()).isEmpty();
      assertThat(r.nothingToDo()).isTrue();
      assertThat(dir.resolve("repo/bulwark")).doesNotExist();
    }
  }
}
