package dev.bulwark.core.pitr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.check.CheckResult;
import dev.bulwark.core.check.Checker;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.LoadedSegments;
import dev.bulwark.core.stream.Page;
import dev.bulwark.core.stream.PageReplay;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.PlannedSegment;
import dev.bulwark.core.stream.ReplayPlan;
import dev.bulwark.core.stream.ReplayPlanner;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.stream.StreamPosition;
import dev.bulwark.core.stream.UnreachablePointException;
import dev.bulwark.core.testing.TestRepositories;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planning and replaying a hand-made stream of a file of 512-byte pages: which snapshot and
 * segments a target needs, and every way a stream can be unfit, found before anything is
 * written.
 */
class ReplayPlannerTest {
  private static final int PAGE = 512;
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  @TempDir Path dir;
  private Repository repo;
  private Path db;
  private HandMadeStream stream;
  private final SplittableRandom random = new SplittableRandom(11);

  @BeforeEach
  void streamOfFourSegments() throws Exception {
    LocalBackend backend = LocalBackend.open(dir.resolve("repo"));
    repo = TestRepositories.init(backend);
    db = dir.resolve("app.db");
    Files.write(db, bytes(8 * PAGE));
    stream = HandMadeStream.start(repo, db, dir.resolve("states"), "app", 7, PAGE, T0);
    change(3, 12); // grows
    stream.ship(1, at(10), at(10));
    change(1, 12);
    change(5, 12);
    stream.ship(2, at(20), at(21));
    change(2, 6); // shrinks
    stream.ship(1, at(30), at(30));
    change(6, 9);
    stream.ship(3, at(40), at(42));
  }

  @Test
  void newestTakesTheFewestSegmentsUsingMergedOnes() throws Exception {
    stream.merge(1, 4);
    ReplayPlan plan = plan(ReplayTarget.newest());
    assertThat(names(plan)).containsExactly("1-4", "5-7");
    assertThat(plan.reached()).isEqualTo(new StreamPosition(7, 7));
    assertThat(plan.reachedTime()).isEqualTo(at(42));
    assertReplayReaches(plan, 7);
  }

  @Test
  void aTxidTargetStopsAtTheLastBoundaryNotPastIt() throws Exception {
    stream.merge(1, 4);
    assertThat(names(plan(ReplayTarget.txid(4)))).containsExactly("1-4");
    // 2 lies inside 2-3 and the merged 1-4 passes it: stop after 1.
    ReplayPlan plan = plan(ReplayTarget.txid(2));
    assertThat(names(plan)).containsExactly("1-1");
    assertReplayReaches(plan, 1);
    assertThat(names(plan(ReplayTarget.position(new StreamPosition(7, 3)))))
        .containsExactly("1-1", "2-3");
  }

  @Test
  void aTimeTargetEndsWithTheNewestSegmentCommittedByThen() throws Exception {
    ReplayPlan plan = plan(ReplayTarget.at(at(25)));
    assertThat(names(plan)).containsExactly("1-1", "2-3");
    assertReplayReaches(plan, 3);
    // 2-3 was still committing at 20.5: the restore stops before it.
    assertThat(names(plan(ReplayTarget.at(at(20).plusMillis(500))))).containsExactly("1-1");
    assertThat(names(plan(ReplayTarget.at(at(42))))).hasSize(4);
    assertThat(names(plan(ReplayTarget.at(at(5))))).isEmpty();
  }

  @Test
  void replayStartsFromTheNewestSnapshotAtOrBeforeTheTarget() throws Exception {
    Snapshot folded = stream.snapshot(at(45));
    change(2, 9);
    stream.ship(1, at(50), at(50));
    ReplayPlan plan = plan(ReplayTarget.newest());
    assertThat(plan.snapshot().id()).isEqualTo(folded.id());
    assertThat(plan.start().txid()).isEqualTo(7);
    assertThat(names(plan)).containsExactly("8-8");
    assertReplayReaches(plan, 8);
    assertThat(plan(ReplayTarget.at(at(44))).start().txid()).isZero();
    assertThat(plan(ReplayTarget.at(at(31))).start().txid()).isZero();
    assertThat(plan(ReplayTarget.txid(3)).start().txid()).isZero();
  }

  @Test
  void aNewGenerationStartsFromItsOwnSnapshotAndTheOldOneStaysReachable() throws Exception {
    change(4, 9);
    HandMadeStream next = HandMadeStream.start(repo, db, dir.resolve("states8"), "app", 8,
        PAGE, at(100));
    change(7, 9);
    next.ship(2, at(110), at(111));
    ReplayPlan newest = plan(ReplayTarget.newest());
    assertThat(newest.reached()).isEqualTo(new StreamPosition(8, 2));
    assertThat(plan(ReplayTarget.txid(2)).reached()).isEqualTo(new StreamPosition(8, 2));
    assertThat(plan(ReplayTarget.position(new StreamPosition(7, 4))).reached())
        .isEqualTo(new StreamPosition(7, 4));
    assertThat(plan(ReplayTarget.at(at(111))).reached()).isEqualTo(new StreamPosition(8, 2));
    // Between the end of generation 7 and the start of 8 nothing says what the database held.
    assertThatThrownBy(() -> plan(ReplayTarget.at(at(60))))
        .isInstanceOf(UnreachablePointException.class)
        .hasMessageContaining("txid 7 of generation 0000000000000007")
        .hasMessageContaining("the next is snapshot")
        .hasMessageContaining("generation 0000000000000008");
    Path staged = dir.resolve("staged-8");
    Files.copy(next.stateAt(0), staged);
    new PageReplay(repo, new Progress()).apply(newest, staged);
    assertThat(Files.mismatch(staged, next.stateAt(2))).isEqualTo(-1L);
  }

  @Test
  void aTimeBeforeTheFirstStreamedSnapshotIsRefusedNamingIt() throws Exception {
    assertThatThrownBy(() -> plan(ReplayTarget.at(T0.minusSeconds(1))))
        .isInstanceOf(UnreachablePointException.class)
        .hasMessageContaining("before the first streamed snapshot")
        .hasMessageContaining("earliest restorable point is snapshot")
        .hasMessageContaining(T0.toString());
  }

  @Test
  void aPointAfterTheNewestShippedIsRefusedNamingTheNewest() throws Exception {
    assertThatThrownBy(() -> plan(ReplayTarget.at(at(60))))
        .isInstanceOf(UnreachablePointException.class)
        .hasMessageContaining("newest restorable point of app is txid 7")
        .hasMessageContaining(at(42).toString());
    assertThatThrownBy(() -> plan(ReplayTarget.txid(9)))
        .isInstanceOf(UnreachablePointException.class)
        .hasMessageContaining("txid 9 has not been shipped")
        .hasMessageContaining("txid 7");
    assertThatThrownBy(() -> plan(ReplayTarget.position(new StreamPosition(8, 1))))
        .isInstanceOf(UnreachablePointException.class)
        .hasMessageContaining("no snapshot of generation 0000000000000008");
  }

  @Test
  void aGapIsRefusedNamingTheMissingPositions() throws Exception {
    Files.delete(file(new SegmentRef("app", 7, 2, 3, 0)));
    assertThatThrownBy(() -> plan(ReplayTarget.newest()))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("a gap")
        .hasMessageContaining("positions 2..3")
        .hasMessageContaining("0000000000000004-0000000000000004.seg");
    // Before the gap the stream is whole.
    assertThat(names(plan(ReplayTarget.txid(1)))).containsExactly("1-1");
  }

  @Test
  void anOverlapThatDoesNotLineUpIsRefusedNamingTheSegment() throws Exception {
    Files.delete(file(new SegmentRef("app", 7, 4, 4, 0)));
    stream.save(HandMadeStream.diff(stream.stateAt(1), stream.stateAt(4), 7, 3, 4, PAGE,
        at(21), at(30)));
    assertThatThrownBy(() -> plan(ReplayTarget.newest()))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("0000000000000003-0000000000000004.seg")
        .hasMessageContaining("does not line up with position 3");
  }

  @Test
  void aFlippedByteInASegmentIsRefusedNamingIt() throws Exception {
    Path seg = file(new SegmentRef("app", 7, 5, 7, 0));
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.seek(40);
      int b = f.read();
      f.seek(40);
      f.write(b ^ 0x10);
    }
    assertThatThrownBy(() -> plan(ReplayTarget.newest()))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("app/0000000000000007/0000000000000005-0000000000000007.seg");
    assertThat(names(plan(ReplayTarget.txid(4)))).hasSize(3);
  }

  @Test
  void aSegmentThatDoesNotChainIsRefusedWhilePlanning() throws Exception {
    Files.delete(file(new SegmentRef("app", 7, 4, 4, 0)));
    // Positions 4..4, but made from the state at 1: its "before" is not the state after 3.
    stream.save(HandMadeStream.diff(stream.stateAt(1), stream.stateAt(4), 7, 4, 4, PAGE,
        at(30), at(30)));
    assertThatThrownBy(() -> plan(ReplayTarget.newest()))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("0000000000000004-0000000000000004.seg starts from database state")
        .hasMessageContaining("do not chain");
  }

  @Test
  void pagesThatDoNotMatchTheSegmentsChecksumAreRefusedOnReplay() throws Exception {
    Files.delete(file(new SegmentRef("app", 7, 5, 7, 0)));
    Segment good = HandMadeStream.diff(stream.stateAt(4), stream.stateAt(7), 7, 5, 7, PAGE,
        at(40), at(42));
    List<Page> pages = new ArrayList<>(good.pages());
    byte[] other = pages.get(0).bytes().clone();
    other[100] ^= 1;
    pages.set(0, new Page(pages.get(0).number(), other));
    stream.save(new Segment(7, 5, 7, PAGE, good.pageCount(), good.before(), good.after(),
        good.firstCommit(), good.lastCommit(), pages));
    ReplayPlan plan = plan(ReplayTarget.newest());
    Path staged = dir.resolve("staged");
    Files.copy(stream.stateAt(0), staged);
    assertThatThrownBy(() -> new PageReplay(repo, new Progress()).apply(plan, staged))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("0000000000000005-0000000000000007.seg")
        .hasMessageContaining("its pages do not match its chain");
  }

  @Test
  void aRestoredFileThatIsNotTheSnapshotsStateIsRefused() throws Exception {
    ReplayPlan plan = plan(ReplayTarget.newest());
    Path staged = dir.resolve("staged");
    Files.copy(stream.stateAt(1), staged);
    assertThatThrownBy(() -> new PageReplay(repo, new Progress()).apply(plan, staged))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("does not hold the state its stream position names");
  }

  @Test
  void aLateSegmentOfALeaseHolderThatWasTakenOverIsNeverUsedAndCheckNamesIt()
      throws Exception {
    // The new holder (epoch 1) continues the generation from position 8.
    Path at7 = stream.stateAt(7);
    change(2, 9);
    Path at8 = dir.resolve("state-8");
    Files.copy(db, at8);
    SegmentRef current = stream.save(
        HandMadeStream.diff(at7, at8, 7, 8, 8, PAGE, at(50), at(50)).withEpoch(1));
    // The old holder (epoch 0) wakes up and ships its own view of 8..9, which chains from 7.
    Path stale = dir.resolve("stale");
    Files.copy(at7, stale);
    try (RandomAccessFile f = new RandomAccessFile(stale.toFile(), "rw")) {
      f.seek(3L * PAGE);
      f.write(bytes(PAGE));
    }
    SegmentRef late = stream.save(
        HandMadeStream.diff(at7, stale, 7, 8, 9, PAGE, at(51), at(52)));
    assertThat(late.epoch()).isZero();
    assertThat(current.epoch()).isEqualTo(1);

    ReplayPlan newest = plan(ReplayTarget.newest());
    assertThat(names(newest)).containsExactly("1-1", "2-3", "4-4", "5-7", "8-8");
    assertThat(newest.reached()).isEqualTo(new StreamPosition(7, 8));
    Path staged = dir.resolve("staged-late");
    Files.copy(stream.stateAt(0), staged);
    new PageReplay(repo, new Progress()).apply(newest, staged);
    assertThat(Files.mismatch(staged, at8)).isEqualTo(-1L);
    // Points only the late segment reaches are not restorable: the stream ends at 8.
    assertThatThrownBy(() -> plan(ReplayTarget.txid(9)))
        .isInstanceOf(UnreachablePointException.class).hasMessageContaining("is txid 8 of");
    assertThatThrownBy(() -> plan(ReplayTarget.at(at(52))))
        .isInstanceOf(UnreachablePointException.class).hasMessageContaining("is txid 8 of");

    CheckResult checked = new Checker(repo, 2, new Progress()).check(false);
    assertThat(checked.errors()).isEmpty();
    assertThat(checked.hints()).singleElement().asString()
        .contains(late.toString()).contains("late segment").contains("epoch 0");
  }

  @Test
  void aChecksumKnownFromTheRestoreIsTrustedOnlyIfItIsTheSnapshotsState() throws Exception {
    ReplayPlan plan = plan(ReplayTarget.newest());
    Path staged = dir.resolve("staged");
    Files.copy(stream.stateAt(0), staged);
    PageSetChecksum other;
    try (FileChannel ch = FileChannel.open(stream.stateAt(1), StandardOpenOption.READ)) {
      other = PageReplay.checksum(ch, PAGE);
    }
    // Known (as a restore computes it from the blobs it wrote) but not the tags' state.
    assertThatThrownBy(() -> new PageReplay(repo, new Progress()).applyUnsynced(plan, staged,
        Optional.of(other)))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("does not hold the state its stream position names");
    Files.copy(stream.stateAt(0), staged, StandardCopyOption.REPLACE_EXISTING);
    new PageReplay(repo, new Progress()).applyUnsynced(plan, staged,
        Optional.of(plan.start().checksum()));
    assertThat(Files.mismatch(staged, stream.stateAt(7))).isEqualTo(-1L);
    // Unknown: read from the file, as apply does.
    Files.copy(stream.stateAt(1), staged, StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> new PageReplay(repo, new Progress()).applyUnsynced(plan, staged,
        Optional.empty()))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("does not hold the state its stream position names");
  }

  @Test
  void segmentsKeptByThePlannerAreReplayedWithoutLoadingThemAgain() throws Exception {
    LoadedSegments kept = new LoadedSegments(LoadedSegments.DEFAULT_BUDGET);
    ReplayPlan plan = new ReplayPlanner(repo, kept).plan(repo.snapshots(), ReplayTarget.newest())
        .orElseThrow();
    LoadedSegments none = new LoadedSegments(0);
    ReplayPlan again = new ReplayPlanner(repo, none).plan(repo.snapshots(),
        ReplayTarget.newest()).orElseThrow();
    // Gone from the repository: only what the planner kept can still be replayed.
    SegmentStore store = new SegmentStore(repo);
    for (PlannedSegment p : plan.segments()) {
      store.delete(p.ref());
    }
    Path staged = dir.resolve("staged");
    Files.copy(stream.stateAt(0), staged);
    new PageReplay(repo, new Progress()).applyUnsynced(plan, staged, Optional.empty(), kept);
    assertThat(Files.mismatch(staged, stream.stateAt(7))).isEqualTo(-1L);
    Files.copy(stream.stateAt(0), staged, StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> new PageReplay(repo, new Progress()).applyUnsynced(again, staged,
        Optional.empty(), none)).isInstanceOf(java.io.IOException.class);
  }

  private ReplayPlan plan(ReplayTarget target) throws Exception {
    return new ReplayPlanner(repo).plan(repo.snapshots(), target).orElseThrow();
  }

  private void assertReplayReaches(ReplayPlan plan, long txid) throws Exception {
    Path staged = dir.resolve("staged-" + txid);
    Files.copy(stream.stateAt(plan.start().txid()), staged);
    Progress progress = new Progress();
    new PageReplay(repo, progress).apply(plan, staged);
    assertThat(Files.mismatch(staged, stream.stateAt(txid))).isEqualTo(-1L);
    assertThat(progress.doneBytes()).isEqualTo(progress.totalBytes());
    Files.delete(staged);
  }

  private static List<String> names(ReplayPlan plan) {
    return plan.segments().stream().map(PlannedSegment::ref)
        .map(r -> r.firstTxid() + "-" + r.lastTxid()).toList();
  }

  private Path file(SegmentRef ref) {
    return dir.resolve("repo/bulwark/streams").resolve(ref.path());
  }

  /** Writes random bytes to page {@code page} and sets the file to {@code pages} pages. */
  private void change(int page, int pages) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
      f.setLength((long) pages * PAGE);
      if (page <= pages) {
        f.seek((long) (page - 1) * PAGE);
        f.write(bytes(PAGE));
      }
    }
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }
}
