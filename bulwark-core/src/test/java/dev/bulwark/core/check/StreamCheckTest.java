package dev.bulwark.core.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.api.CheckDepth;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.SegmentName;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.testing.TestRepositories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check of stream segments on real files: a stream made from a real SQLite database (a
 * snapshot at position 0, then one segment per transaction, and a merged one) passes and is
 * counted; each kind of damage is reported naming the file it concerns, and fails the check.
 */
class StreamCheckTest {
  private static final long GENERATION = 0x0123_4567_89ab_cdefL;
  private static final String SEG_2 = SegmentName.of(2, 2);
  private static final String SEG_3 = SegmentName.of(3, 3);

  @TempDir static Path sources;
  private static HandMadeStream stream;

  @TempDir Path dir;
  private Path repoDir;
  private Repository repo;

  @BeforeAll
  static void realDatabaseStates() throws IOException {
    stream = HandMadeStream.create(sources.resolve("db"), 4, GENERATION);
  }

  @BeforeEach
  void emptyRepository() throws Exception {
    repoDir = dir.resolve("repo");
    repo = TestRepositories.init(LocalBackend.open(repoDir));
  }

  @AfterEach
  void close() throws IOException {
    repo.close();
  }

  private CheckResult check() throws IOException, BulwarkException {
    return new Checker(repo, 2, new Progress()).check(false);
  }

  private CheckResult checkReadData() throws IOException, BulwarkException {
    return new Checker(repo, 2, new Progress()).check(true);
  }

  /** A snapshot of state 0 at position 0, segments 1..4 one per change, and a merged 1-2. */
  private List<SegmentRef> goodStream() throws Exception {
    stream.snapshot(repo, dir, 0, 0);
    return stream.save(repo, stream.segment(1, 1, 0, 1), stream.segment(2, 2, 1, 2),
        stream.segment(3, 3, 2, 3), stream.segment(4, 4, 3, 4), stream.segment(1, 2, 0, 2));
  }

  @Test
  void aGoodStreamPassesAndIsCounted() throws Exception {
    List<SegmentRef> refs = goodStream();
    CheckResult r = check();
    assertThat(r.errors()).isEmpty();
    assertThat(r.hints()).isEmpty();
    long bytes = 0;
    for (SegmentRef ref : refs) {
      bytes += Files.size(stream.segmentFile(repoDir, ref.firstTxid(), ref.lastTxid()));
    }
    assertThat(r.streams()).isEqualTo(new CheckResult.Streams(1, 1, 5, bytes));
    assertThat(r.snapshots()).isEqualTo(1);
  }

  @Test
  void aRepositoryWithoutStreamsIsCheckedAsBefore() throws Exception {
    stream.snapshot(repo, dir, 0, 0);
    CheckResult r = check();
    assertThat(r.ok()).isTrue();
    assertThat(r.hints()).isEmpty();
    assertThat(r.streams()).isEqualTo(CheckResult.Streams.NONE);
    assertThat(r.streams().isEmpty()).isTrue();
  }

  @Test
  void aFlippedByteInASegmentNamesThatFile() throws Exception {
    goodStream();
    Path file = stream.segmentFile(repoDir, 3, 3);
    byte[] b = Files.readAllBytes(file);
    b[b.length / 2] ^= 0x10;
    Files.write(file, b);
    CheckResult r = check();
    assertThat(r.ok()).isFalse();
    assertThat(r.errors()).hasSize(1);
    assertThat(r.errors().get(0)).contains(SEG_3).contains("verification failed");
    assertThat(r.streams().segments()).isEqualTo(5);
  }

  @Test
  void aMissingMiddleSegmentIsAGapNamedByTheSegmentAfterIt() throws Exception {
    stream.snapshot(repo, dir, 0, 0);
    stream.save(repo, stream.segment(1, 1, 0, 1), stream.segment(3, 3, 2, 3),
        stream.segment(4, 4, 3, 4));
    CheckResult r = check();
    assertThat(r.ok()).isFalse();
    assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e).contains(SEG_3)
        .contains("gap").contains("positions 2..2 are missing"));
  }

  @Test
  void aSegmentWhoseBeforeDoesNotChainIsNamed() throws Exception {
    stream.snapshot(repo, dir, 0, 0);
    // Segment 3 claims to start from state 1, though segment 2 ends at state 2.
    stream.save(repo, stream.segment(1, 1, 0, 1), stream.segment(2, 2, 1, 2),
        stream.segment(3, 3, 1, 3), stream.segment(4, 4, 3, 4));
    CheckResult r = check();
    assertThat(r.ok()).isFalse();
    assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e)
        .contains(SEG_3 + ": starts from state " + stream.checksum(1))
        .contains("segment " + SEG_2 + " ends at " + stream.checksum(2)));
  }

  @Test
  void theFirstSegmentMustStartFromItsSnapshotsState() throws Exception {
    stream.snapshot(repo, dir, 0, 0, stream.checksum(3));
    stream.save(repo, stream.segment(1, 1, 0, 1), stream.segment(2, 2, 1, 2));
    CheckResult r = check();
    assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e)
        .contains(SegmentName.of(1, 1) + ": starts from state " + stream.checksum(0))
        .contains("(position 0) holds " + stream.checksum(3)));
  }

  @Test
  void aMergedSegmentMustAgreeWithTheSegmentsItCovers() throws Exception {
    goodStream();
    // 1-3 takes state 0 to state 3 but says it ends at state 2.
    stream.save(repo, stream.segment(1, 3, 0, 3, stream.checksum(0), stream.checksum(2)));
    CheckResult r = check();
    assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e)
        .contains(SegmentName.of(1, 3) + ": merged segment disagrees with what it covers")
        .contains("ends at state " + stream.checksum(2))
        .contains("segment " + SEG_3 + " ends at " + stream.checksum(3)));
  }

  @Test
  void aMergedSegmentMayStandInForSmallOnesAlreadyRemoved() throws Exception {
    goodStream();
    Files.delete(stream.segmentFile(repoDir, 2, 2));
    assertThat(check().errors()).isEmpty();
  }

  @Test
  void aRenamedSegmentIsNamedAndLeavesAGap() throws Exception {
    goodStream();
    Files.delete(stream.segmentFile(repoDir, 1, 2));
    Files.move(stream.segmentFile(repoDir, 2, 2), stream.segmentFile(repoDir, 7, 7));
    CheckResult r = check();
    assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains(SegmentName.of(7, 7))
        .contains("not what its name says"));
    assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains(SEG_3).contains("gap"));
    assertThat(r.errors()).hasSize(2);
  }

  @Test
  void aStrayFileIsNamedAsUnexpected() throws Exception {
    goodStream();
    Path stray = stream.generationFolder(repoDir).resolve("notes.txt");
    Files.writeString(stray, "not a segment");
    Files.writeString(repoDir.resolve("bulwark/streams/app/readme"), "nor this");
    CheckResult r = check();
    assertThat(r.errors()).containsExactlyInAnyOrder(
        "bulwark/streams/app/" + SegmentName.generation(GENERATION) + "/notes.txt: unexpected"
            + " file: the stream folder holds only segments named"
            + " <database>/<generation>/<first>-<last>.seg (a renamed segment or a stray file)",
        "bulwark/streams/app/readme: unexpected file: the stream folder holds only segments"
            + " named <database>/<generation>/<first>-<last>.seg (a renamed segment or a stray"
            + " file)");
    assertThat(r.streams().segments()).isEqualTo(5);
  }

  @Test
  void aStreamWithoutASnapshotIsReportedAsOrphanedAndStillChecked() throws Exception {
    stream.save(repo, stream.segment(1, 1, 0, 1), stream.segment(2, 2, 1, 2));
    CheckResult r = check();
    assertThat(r.errors()).isEmpty();
    assertThat(r.hints()).singleElement().satisfies(h -> assertThat(h)
        .startsWith("bulwark/streams/app/" + SegmentName.generation(GENERATION) + ": 2")
        .contains("no snapshot of this generation").contains("orphaned"));
    // What is in it is checked all the same.
    stream.save(repo, stream.segment(4, 4, 3, 4));
    assertThat(check().errors()).singleElement().satisfies(e -> assertThat(e)
        .contains(SegmentName.of(4, 4)).contains("positions 3..3 are missing"));
  }

  @Test
  void segmentsBeforeALaterSnapshotAreAHintNotAnError() throws Exception {
    // The generation's first snapshot was forgotten; a later one at position 2 remains, and
    // prune has not yet removed segments 1 and 2 it replaces, nor a merged 1-4 that starts
    // before it (4 still follows from the snapshot through segment 3).
    stream.snapshot(repo, dir, 2, 2);
    stream.save(repo, stream.segment(1, 1, 0, 1), stream.segment(2, 2, 1, 2),
        stream.segment(3, 3, 2, 3), stream.segment(4, 4, 3, 4), stream.segment(1, 4, 0, 4));
    CheckResult r = check();
    assertThat(r.errors()).isEmpty();
    assertThat(r.hints()).singleElement().satisfies(h -> assertThat(h)
        .contains("3 segment(s) start at or before the generation's oldest snapshot"));
  }

  @Test
  void segmentsMustStartRightAfterTheirSnapshot() throws Exception {
    stream.snapshot(repo, dir, 0, 0);
    stream.save(repo, stream.segment(2, 2, 1, 2), stream.segment(3, 3, 2, 3));
    CheckResult r = check();
    assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e).contains(SEG_2)
        .contains("positions 1..1 are missing"));
  }

  @Test
  void overlappingSegmentsThatDoNotNestAreReported() throws Exception {
    stream.snapshot(repo, dir, 0, 0);
    PageSetChecksum s2 = stream.checksum(2);
    stream.save(repo, stream.segment(1, 1, 0, 1), stream.segment(2, 3, 1, 3),
        stream.segment(3, 4, 2, 4, s2, stream.checksum(4)));
    CheckResult r = check();
    assertThat(r.errors()).anySatisfy(e -> assertThat(e)
        .startsWith("bulwark/streams/app/" + SegmentName.generation(GENERATION) + "/"
            + SegmentName.of(3, 4) + ": overlaps " + SegmentName.of(2, 3) + " at positions 3..3"));
    assertThat(r.errors()).allSatisfy(e -> assertThat(e).contains(SegmentName.of(3, 4))
        .doesNotContain("gap"));
  }

  @Test
  void readDataReplaysEveryPageOfAGoodStreamFromEachSnapshot() throws Exception {
    goodStream();
    stream.snapshot(repo, dir, 2, 2); // a snapshot folded at position 2 takes over there
    CheckResult r = checkReadData();
    assertThat(r.errors()).isEmpty();
    assertThat(r.streams().segments()).isEqualTo(5);
  }

  @Test
  void readDataFindsPagesThatDoNotGiveTheStateTheSegmentRecords() throws Exception {
    stream.snapshot(repo, dir, 0, 0);
    // Segment 2 records the states 1 -> 2 but carries the pages that take state 1 to 3.
    stream.save(repo, stream.segment(1, 1, 0, 1),
        stream.segment(2, 2, 1, 3, stream.checksum(1), stream.checksum(2)),
        stream.segment(3, 3, 2, 3));
    assertThat(check().errors()).isEmpty();
    CheckResult r = checkReadData();
    assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e)
        .contains(SEG_2 + ": replayed from snapshot ")
        .contains("not the " + stream.checksum(2) + " it records"));
  }

  @Test
  void readDataFindsASnapshotWhoseFileIsNotTheStateItsTagsRecord() throws Exception {
    // The snapshot holds state 1 but says it holds state 0.
    stream.snapshot(repo, dir, 1, 0, stream.checksum(0));
    stream.save(repo, stream.segment(1, 1, 0, 1), stream.segment(2, 2, 1, 2));
    assertThat(check().errors()).isEmpty();
    CheckResult r = checkReadData();
    assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e)
        .contains("(position 0): its database file has state " + stream.checksum(1)
            + ", not the stream-checksum " + stream.checksum(0)));
  }

  @Test
  void theLibrarysCheckVerifiesStreamsToo() throws Exception {
    goodStream();
    Files.delete(stream.segmentFile(repoDir, 1, 2));
    Files.delete(stream.segmentFile(repoDir, 2, 2));
    repo.close();
    try (BulwarkRepository api = Bulwark.repository(repoDir)
        .password(TestRepositories.PASSWORD.clone()).open()) {
      CheckResult r = api.check(CheckDepth.STRUCTURE);
      assertThat(r.streams().segments()).isEqualTo(3);
      assertThat(r.streams().bytes()).isPositive();
      assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e).contains(SEG_3)
          .contains("positions 2..2 are missing"));
    }
  }

  @Test
  void aHoleBeforeALaterSnapshotIsStillAGap() throws Exception {
    // Position 2 is missing between two snapshots: point 3 cannot be restored.
    stream.snapshot(repo, dir, 0, 0);
    stream.snapshot(repo, dir, 3, 3);
    stream.save(repo, stream.segment(1, 1, 0, 1), stream.segment(3, 3, 2, 3),
        stream.segment(4, 4, 3, 4));
    CheckResult r = check();
    assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e).contains(SEG_3)
        .contains("positions 2..2 are missing"));
  }

  @Test
  void readDataChecksTheSnapshotOfAGenerationWithNoSegmentYet() throws Exception {
    stream.snapshot(repo, dir, 0, 0);
    assertThat(checkReadData().errors()).isEmpty();
    stream.snapshot(repo, dir, 2, 0, stream.checksum(1));
    CheckResult r = checkReadData();
    assertThat(r.streams()).isEqualTo(CheckResult.Streams.NONE);
    assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e)
        .contains("(position 0): its database file has state " + stream.checksum(2)
            + ", not the stream-checksum " + stream.checksum(1)));
  }
}
