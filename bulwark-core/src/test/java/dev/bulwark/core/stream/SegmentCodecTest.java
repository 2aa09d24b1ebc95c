package dev.bulwark.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import dev.bulwark.core.CorruptionException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SegmentCodecTest {
  private static final String WHAT = "bulwark/streams/app/0000000000000001/x.seg";

  static Segment segment(Random random, long first, long last, int pageCount) {
    return segment(random, 7, first, last, pageCount);
  }

  static Segment segment(Random random, long generation, long first, long last,
      int pageCount) {
    List<Page> pages = new ArrayList<>();
    PageSetChecksum after = new PageSetChecksum(random.nextLong());
    for (long n = 1; n <= pageCount; n += 2) {
      byte[] b = new byte[1024];
      // Half random, half zeros: compressible like a real page.
      for (int i = 0; i < 512; i++) {
        b[i] = (byte) random.nextInt();
      }
      pages.add(new Page(n, b));
    }
    return new Segment(generation, first, last, 1024, pageCount,
        new PageSetChecksum(random.nextLong()), after,
        Instant.parse("2026-12-01T10:15:30.123456789Z"), Instant.parse("2026-12-01T10:15:31Z"),
        pages);
  }

  @Test
  void roundTripsEveryField() throws Exception {
    Segment s = segment(new Random(1), 5, 9, 40);
    byte[] encoded = SegmentCodec.encode(s);
    assertThat(SegmentCodec.decode(encoded, WHAT)).isEqualTo(s);
    assertThat(encoded.length).isLessThan(20 * 1024);
  }

  @Test
  void theEpochRoundTripsAndNamesTheFile() throws Exception {
    Segment s = segment(new Random(11), 5, 9, 40).withEpoch(0x1234);
    assertThat(SegmentCodec.decode(SegmentCodec.encode(s), WHAT)).isEqualTo(s);
    assertThat(s.fileName())
        .isEqualTo("0000000000000005-0000000000000009-0000000000001234.seg");
    assertThat(SegmentName.epoch(s.fileName())).isEqualTo(0x1234);
    assertThat(SegmentName.epoch(s.withEpoch(0).fileName())).isZero();
    assertThat(s.withEpoch(0).fileName()).isEqualTo("0000000000000005-0000000000000009.seg");
  }

  @Test
  void aVersionOneSegmentIsStillReadWithEpochZero() throws Exception {
    Segment s = segment(new Random(12), 5, 9, 40);
    byte[] v2 = plain(s.withEpoch(9));
    // Version 1 is version 2 without the 8-byte epoch at offset 80.
    byte[] v1 = new byte[v2.length - 8];
    System.arraycopy(v2, 0, v1, 0, 80);
    System.arraycopy(v2, 88, v1, 80, v2.length - 88);
    v1[5] = 1;
    Crc64 crc = new Crc64();
    crc.update(v1, 0, v1.length - 8);
    ByteBuffer.wrap(v1).putLong(v1.length - 8, crc.value());
    Segment read = SegmentCodec.decode(Zstd.compress(v1), WHAT);
    assertThat(read).isEqualTo(s);
    assertThat(read.epoch()).isZero();
  }

  @Test
  void anEmptyRunRoundTrips() throws Exception {
    Segment s = new Segment(1, 3, 3, 4096, 2, PageSetChecksum.empty(), PageSetChecksum.empty(),
        Instant.EPOCH, Instant.EPOCH, List.of());
    assertThat(SegmentCodec.decode(SegmentCodec.encode(s), WHAT)).isEqualTo(s);
  }

  @Test
  void refusesATruncatedFrame() {
    byte[] encoded = SegmentCodec.encode(segment(new Random(2), 1, 1, 40));
    byte[] cut = Arrays.copyOf(encoded, encoded.length - 9);
    assertThatThrownBy(() -> SegmentCodec.decode(cut, WHAT))
        .isInstanceOf(CorruptionException.class).hasMessageContaining(WHAT);
  }

  @Test
  void refusesWrongMagicVersionAndTrailer() {
    byte[] plain = plain(segment(new Random(3), 1, 2, 10));
    assertRefused(with(plain, 0, (byte) 'X'), "bad magic");
    assertRefused(with(plain, 5, (byte) 3), "version 3");
    assertRefused(with(plain, plain.length - 16, (byte) 0), "trailer");
    assertRefused(with(plain, plain.length - 1, (byte) (plain[plain.length - 1] ^ 1)),
        "checksum");
    assertRefused(with(plain, 200, (byte) (plain[200] ^ 1)), "checksum");
    assertRefused(Arrays.copyOf(plain, plain.length + 1), "after the segment trailer");
  }

  @Test
  void refusesPagesOutOfRangeOrOrder() {
    byte[] plain = plain(segment(new Random(4), 1, 2, 10));
    // The first page record starts after the 92-byte header; its number is 1. The database
    // has 10 pages: number 11 is beyond it, and a second page numbered 1 is out of order.
    ByteBuffer beyond = ByteBuffer.wrap(plain.clone());
    beyond.putInt(92, 11);
    assertRefused(beyond.array(), "beyond the database size");
    ByteBuffer repeated = ByteBuffer.wrap(plain.clone());
    repeated.putInt(92 + 4 + 1024, 1);
    assertRefused(repeated.array(), "out of order");
    ByteBuffer huge = ByteBuffer.wrap(plain.clone());
    huge.putInt(88, 1 << 20);
    assertRefused(huge.array(), "exceed the segment limit");
    ByteBuffer badCount = ByteBuffer.wrap(plain.clone());
    badCount.putInt(36, -1);
    badCount.putInt(92, -1);
    assertRefused(badCount.array(), "invalid database size");
    ByteBuffer badSize = ByteBuffer.wrap(plain.clone());
    badSize.putInt(32, 1000);
    assertRefused(badSize.array(), "invalid page size");
  }

  @Test
  void segmentsAreBounded() {
    List<Page> pages = new ArrayList<>();
    for (long n = 1; n <= Segment.MAX_PAGE_BYTES / 4096 + 1; n++) {
      pages.add(new Page(n, new byte[4096]));
    }
    assertThatThrownBy(() -> new Segment(1, 1, 1, 4096, pages.size(), PageSetChecksum.empty(),
        PageSetChecksum.empty(), Instant.EPOCH, Instant.EPOCH, pages))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("segment limit");
  }

  private static void assertRefused(byte[] plain, String message) {
    byte[] frame = Zstd.compress(plain);
    assertThatThrownBy(() -> SegmentCodec.decode(frame, WHAT))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining(WHAT).hasMessageContaining(message);
  }

  private static byte[] plain(Segment s) {
    return Zstd.decompress(SegmentCodec.encode(s), 10 * 1024 * 1024);
  }

  private static byte[] with(byte[] b, int at, byte value) {
    byte[] c = b.clone();
    c[at] = value;
    return c;
  }
}
