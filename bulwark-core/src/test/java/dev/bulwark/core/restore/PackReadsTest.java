package dev.bulwark.core.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.index.BlobLocation;
import dev.bulwark.core.pack.PackedBlob;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a file's blobs become ranged reads of packs. */
class PackReadsTest {
  private static final Id PACK_A = Id.hash(new byte[] {1});
  private static final Id PACK_B = Id.hash(new byte[] {2});

  private static BlobLocation blob(Id pack, long offset, int sealed, int seed) {
    return new BlobLocation(pack, new PackedBlob(BlobType.DATA,
        Id.hash(new byte[] {(byte) seed, (byte) (seed >> 8)}), offset, sealed, 0));
  }

  @Test
  void blobsOfOneFileSpreadOverTwoPacksAreOneReadPerPackInFileOrder() {
    // As two backup workers leave them: file blobs alternate between the packs, each pack
    // holding its share back to back (after a 100-byte header).
    List<BlobLocation> file = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      file.add(blob(i % 2 == 0 ? PACK_A : PACK_B, 100 + (i / 2) * 1032L, 1032, i));
    }
    List<PackRead> reads = PackReads.plan(PackReads.place(file));

    assertThat(reads).extracting(PackRead::pack).containsExactly(PACK_A, PACK_B);
    assertThat(reads).allSatisfy(r -> {
      assertThat(r.packOffset()).isEqualTo(100);
      assertThat(r.length()).isEqualTo(20 * 1032);
      assertThat(r.blobs()).hasSize(20);
    });
    // Each blob keeps its place in the file: 1000 plaintext bytes each.
    assertThat(reads.get(0).blobs()).extracting(PlacedBlob::fileOffset)
        .containsExactly(0L, 2000L, 4000L, 6000L, 8000L, 10000L, 12000L, 14000L, 16000L,
            18000L, 20000L, 22000L, 24000L, 26000L, 28000L, 30000L, 32000L, 34000L, 36000L,
            38000L);
    assertThat(reads.get(1).firstFileOffset()).isEqualTo(1000);
  }

  @Test
  void aWideGapOrTheReadLimitStartsANewRead() {
    int big = 1024 * 1024;
    List<BlobLocation> file = List.of(
        blob(PACK_A, 0, big, 1),
        // A gap of other files' blobs just within the limit: spanned.
        blob(PACK_A, big + PackReads.MAX_GAP_BYTES, big, 2),
        // One byte more: a read of its own.
        blob(PACK_A, 2L * big + 2L * PackReads.MAX_GAP_BYTES + 1, big, 3),
        blob(PACK_A, 3L * big + 2L * PackReads.MAX_GAP_BYTES + 1, big, 4),
        blob(PACK_A, 4L * big + 2L * PackReads.MAX_GAP_BYTES + 1, big, 5),
        blob(PACK_A, 5L * big + 2L * PackReads.MAX_GAP_BYTES + 1, big, 6),
        // The fourth blob fills the read to 4 MiB exactly: the next one starts another.
        blob(PACK_A, 6L * big + 2L * PackReads.MAX_GAP_BYTES + 1, big, 7),
        // Larger than a read alone: still one read.
        blob(PACK_A, 7L * big + 2L * PackReads.MAX_GAP_BYTES + 1, 5 * big, 8));
    List<PackRead> reads = PackReads.plan(PackReads.place(file));

    assertThat(reads).extracting(r -> r.blobs().size()).containsExactly(2, 4, 1, 1);
    assertThat(reads).extracting(PackRead::length).containsExactly(
        2 * big + PackReads.MAX_GAP_BYTES, 4 * big, big, 5 * big);
    assertThat(reads).allSatisfy(r -> assertThat(r.length())
        .isLessThanOrEqualTo(Math.max(PackReads.MAX_READ_BYTES, 5 * big)));
  }

  @Test
  void aBlobTheFileHoldsTwiceIsReadOnceAndWrittenAtBothPlaces() {
    BlobLocation zeros = blob(PACK_A, 0, 1032, 1);
    List<BlobLocation> file = List.of(zeros, blob(PACK_B, 0, 1032, 2), zeros);
    List<PackRead> reads = PackReads.plan(PackReads.place(file));

    assertThat(reads).hasSize(2);
    assertThat(reads.get(0).pack()).isEqualTo(PACK_A);
    assertThat(reads.get(0).length()).isEqualTo(1032);
    assertThat(reads.get(0).blobs()).extracting(PlacedBlob::fileOffset)
        .containsExactly(0L, 2000L);
  }

  @Test
  void aReadOfWellCompressedBlobsStopsAtItsPlaintextLimit() {
    // 1,032 sealed bytes that open into 1 MiB each (pages of zeros with a row here and there).
    int plain = 1024 * 1024;
    List<BlobLocation> file = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      file.add(new BlobLocation(PACK_A, new PackedBlob(BlobType.DATA,
          Id.hash(new byte[] {(byte) i, 9}), i * 1032L, 1032, plain)));
    }
    List<PackRead> reads = PackReads.plan(PackReads.place(file));

    assertThat(reads).extracting(r -> r.blobs().size()).containsExactly(16, 16, 8);
    assertThat(reads).extracting(PackRead::plainBytes)
        .containsExactly(16L * plain, 16L * plain, 8L * plain);
  }

  @Test
  void theManyPlacesOfOneBlobCountOnceTowardsTheReadsPlaintext() {
    BlobLocation zeros = new BlobLocation(PACK_A, new PackedBlob(BlobType.DATA,
        Id.hash(new byte[] {0}), 0, 1032, 1024 * 1024));
    List<BlobLocation> file = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      file.add(zeros);
    }
    List<PackRead> reads = PackReads.plan(PackReads.place(file));

    assertThat(reads).hasSize(1);
    assertThat(reads.get(0).plainBytes()).isEqualTo(1024 * 1024);
    assertThat(reads.get(0).blobs()).hasSize(1000);
    assertThat(reads.get(0).blobs().get(999).fileOffset()).isEqualTo(999L * 1024 * 1024);
  }
}
