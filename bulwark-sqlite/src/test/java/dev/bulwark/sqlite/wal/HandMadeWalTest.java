package dev.bulwark.sqlite.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WALs in both checksum byte orders, built here with a checksum written independently of
 * {@link WalChecksum} (x86 SQLite only writes the little-endian magic).
 */
class HandMadeWalTest {
  private static final int PAGE = 512;
  @TempDir Path dir;

  /** SQLite's formula over words read with a ByteBuffer in the given order. */
  private static void sum(int[] s, byte[] b, int off, int len, ByteOrder order) {
    ByteBuffer buf = ByteBuffer.wrap(b, off, len).order(order);
    while (buf.hasRemaining()) {
      s[0] += buf.getInt() + s[1];
      s[1] += buf.getInt() + s[0];
    }
  }

  /** Three frames: page 1, page 2 committing a 2-page database, then page 1 uncommitted. */
  private static byte[] wal(boolean bigEndian) {
    ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    ByteBuffer h = ByteBuffer.allocate(32);
    h.putInt(bigEndian ? 0x377f0683 : 0x377f0682).putInt(3007000).putInt(PAGE).putInt(7)
        .putInt(0x11223344).putInt(0x55667788);
    int[] s = new int[2];
    sum(s, h.array(), 0, 24, order);
    h.putInt(s[0]).putInt(s[1]);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h.array());
    int[][] frames = {{1, 0}, {2, 2}, {1, 0}};
    for (int[] f : frames) {
      byte[] frame = new byte[24 + PAGE];
      for (int i = 24; i < frame.length; i++) {
        frame[i] = (byte) (f[0] * 31 + i);
      }
      ByteBuffer fb = ByteBuffer.wrap(frame);
      fb.putInt(f[0]).putInt(f[1]).putInt(0x11223344).putInt(0x55667788);
      sum(s, frame, 0, 8, order);
      sum(s, frame, 24, PAGE, order);
      fb.putInt(s[0]).putInt(s[1]);
      out.writeBytes(frame);
    }
    return out.toByteArray();
  }

  private static final class Recording implements WalSink {
    final List<Integer> pages = new ArrayList<>();
    final List<Integer> commits = new ArrayList<>();

    @Override
    public void frame(WalFrame frame) {
      pages.add(frame.pageNumber());
    }

    @Override
    public void commit(WalPosition end, int dbSizePages) {
      commits.add(dbSizePages);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void readsTheCommittedFramesInEitherByteOrder(boolean bigEndian) throws Exception {
    Path wal = Files.write(dir.resolve("db-wal"), wal(bigEndian));
    WalHeader header = new WalReader(wal).header().orElseThrow();
    assertThat(header.bigEndian()).isEqualTo(bigEndian);
    assertThat(header.pageSize()).isEqualTo(PAGE);
    assertThat(header.checkpointSequence()).isEqualTo(7);
    Recording r = new Recording();
    WalPosition end = new WalReader(wal).read(null, r);
    assertThat(r.pages).containsExactly(1, 2);
    assertThat(r.commits).containsExactly(2);
    assertThat(end.frameIndex()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aFlippedByteInAPageEndsTheLogBeforeItsTransaction(boolean bigEndian) throws Exception {
    byte[] bytes = wal(bigEndian);
    bytes[32 + 24 + 24 + PAGE + 100] ^= 1;
    Path wal = Files.write(dir.resolve("db-wal"), bytes);
    Recording r = new Recording();
    assertThat(new WalReader(wal).read(null, r).frameIndex()).isZero();
    assertThat(r.pages).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aDamagedHeaderIsNoWal(boolean bigEndian) throws Exception {
    byte[] bytes = wal(bigEndian);
    bytes[9] ^= 1;
    Path wal = Files.write(dir.resolve("db-wal"), bytes);
    assertThat(new WalReader(wal).header()).isEmpty();
    assertThat(new WalReader(wal).read(null, new Recording())).isNull();
  }
}
