package dev.bulwark.core.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.pack.PackedBlob;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link BlobBatch} groups the blobs of one pack into ranged reads. */
class BlobBatchTest {
  private static PackedBlob blob(int n, long offset, int length) {
    return new PackedBlob(BlobType.DATA, Id.hash(new byte[] {(byte) n}), offset, length, 0);
  }

  @Test
  void closeBlobsAreReadInOneRangeInOffsetOrder() {
    PackedBlob a = blob(1, 0, 1000);
    PackedBlob b = blob(2, 1000, 1000);
    PackedBlob c = blob(3, 2000 + BlobBatch.MAX_GAP_BYTES, 1000);
    assertThat(BlobBatch.ranges(List.of(c, a, b))).containsExactly(List.of(a, b, c));
  }

  @Test
  void aWideGapOrALongRangeStartsAnotherRead() {
    PackedBlob a = blob(1, 0, 1000);
    PackedBlob far = blob(2, 1001 + BlobBatch.MAX_GAP_BYTES, 1000);
    assertThat(BlobBatch.ranges(List.of(a, far))).containsExactly(List.of(a), List.of(far));

    int big = BlobBatch.MAX_RANGE_BYTES / 2;
    PackedBlob x = blob(3, 0, big);
    PackedBlob y = blob(4, big, big);
    PackedBlob z = blob(5, 2L * big, 100);
    assertThat(BlobBatch.ranges(List.of(x, y, z))).containsExactly(List.of(x, y), List.of(z));
  }
}
