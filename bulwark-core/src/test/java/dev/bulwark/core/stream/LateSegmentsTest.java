package dev.bulwark.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which segments and snapshots a later lease epoch supersedes, on names and tags alone. */
class LateSegmentsTest {
  private static SegmentRef seg(long first, long last, long epoch) {
    return new SegmentRef("app", 7, first, last, 100, epoch);
  }

  private static StreamTags snap(long txid, long epoch) {
    return new StreamTags("app", 7, txid, PageSetChecksum.empty(), epoch);
  }

  @Test
  void theOldHoldersHistoryBeforeTheTakeoverStaysAndWhatItWroteAfterIsLate() {
    SegmentRef before = seg(1, 10, 1);
    SegmentRef mergedBefore = seg(1, 10, 1);
    SegmentRef taken = seg(11, 15, 2);
    SegmentRef lateSame = seg(11, 12, 1);
    SegmentRef lateAfter = seg(16, 20, 1);
    SegmentRef lateMerged = seg(1, 12, 1); // a stale compactor's merge across the takeover
    assertThat(LateSegments.find(
        List.of(before, mergedBefore, taken, lateSame, lateAfter, lateMerged), List.of()))
        .containsExactlyInAnyOrder(lateSame, lateAfter, lateMerged);
  }

  @Test
  void aSnapshotOfALaterEpochSupersedesOlderSegmentsPastIt() {
    SegmentRef early = seg(1, 5, 0);
    SegmentRef past = seg(6, 9, 0);
    assertThat(LateSegments.find(List.of(early, past), List.of(snap(5, 1))))
        .containsExactly(past);
    assertThat(LateSegments.find(List.of(early, past), List.of(snap(5, 0)))).isEmpty();
  }

  @Test
  void segmentsOfOneEpochAreNeverLate() {
    assertThat(LateSegments.find(List.of(seg(1, 1, 3), seg(2, 9, 3), seg(1, 9, 3)),
        List.of(snap(0, 3)))).isEmpty();
  }

  @Test
  void aSnapshotThatHoldsPositionsALaterEpochWroteFirstIsLate() {
    List<SegmentRef> refs = List.of(seg(1, 10, 1), seg(11, 15, 2));
    assertThat(LateSegments.isLate(snap(14, 1), refs, List.of())).isTrue();
    assertThat(LateSegments.isLate(snap(10, 1), refs, List.of())).isFalse();
    assertThat(LateSegments.isLate(snap(15, 2), refs, List.of())).isFalse();
    assertThat(LateSegments.isLate(snap(20, 1), List.of(), List.of(snap(15, 2)))).isTrue();
  }
}
