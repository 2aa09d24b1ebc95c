package dev.bulwark.sqlite.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.sqlite.wal.WalHeader;
import dev.bulwark.sqlite.wal.WalPosition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stream log on a real file: records come back as written; a torn or damaged record
 * is dropped with everything after it, and appends go on from the last intact one; emptying
 * it leaves nothing to read.
 */
class LocalStreamLogTest {
  private static final int PAGE = 1024;
  private static final WalHeader LIFE = new WalHeader(false, PAGE, 0, 7, 9, 1, 2);
  @TempDir Path tmp;

  private static byte[] page(long seed) {
    byte[] b = new byte[PAGE];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static void append(LocalStreamLog log, long txid) throws IOException {
    log.append(5, txid, LIFE, new WalPosition(7, 9, txid * 2, (int) txid, 3), (int) txid + 1,
        Map.of(txid, page(txid), txid + 100, page(-txid)));
  }

  /** Offset of record {@code n} (from 0): every record here has two pages. */
  private static long offset(int n) {
    return (long) n * (8 + 4 + 8 + 8 + 4 + 4 + 25 + 24 + 4 + 2 * (4 + PAGE) + 4);
  }

  private Path written(int records) throws IOException {
    Path file = tmp.resolve("app.log");
    try (LocalStreamLog log = LocalStreamLog.open(file)) {
      for (int t = 1; t <= records; t++) {
        append(log, t);
      }
      log.sync();
    }
    return file;
  }

  @Test
  void recordsComeBackAsWritten() throws IOException {
    Path file = written(3);
    try (LocalStreamLog log = LocalStreamLog.open(file)) {
      List<LocalStreamLog.Entry> e = log.recovered();
      assertEquals(3, e.size());
      assertEquals(3, log.lastTxid());
      LocalStreamLog.Entry second = e.get(1);
      assertEquals(5, second.generation());
      assertEquals(2, second.txid());
      assertEquals(LIFE, second.life());
      assertEquals(new WalPosition(7, 9, 4, 2, 3), second.end());
      assertEquals(3, second.dbSizePages());
      assertEquals(2, second.frames().size());
      for (var f : second.frames()) {
        assertArrayEquals(f.pageNumber() == 2 ? page(2) : page(-2), f.page());
      }
    }
  }

  @Test
  void aDamagedRecordIsDroppedWithWhatFollowsAndAppendsContinueBeforeIt() throws IOException {
    Path file = written(4);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {42}), offset(2) + 500); // inside record 3
    }
    try (LocalStreamLog log = LocalStreamLog.open(file)) {
      assertEquals(2, log.recovered().size(), "records 3 and 4 are dropped");
      append(log, 3);
      log.sync();
    }
    try (LocalStreamLog log = LocalStreamLog.open(file)) {
      assertEquals(List.of(1L, 2L, 3L), log.recovered().stream()
          .map(LocalStreamLog.Entry::txid).toList());
    }
  }

  @Test
  void aTornTailIsDropped() throws IOException {
    Path file = written(3);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(offset(2) + 100); // the crash cut record 3
    }
    try (LocalStreamLog log = LocalStreamLog.open(file)) {
      assertEquals(2, log.recovered().size());
      assertEquals(2, log.lastTxid());
    }
  }

  @Test
  void anEmptiedLogHoldsNothing() throws IOException {
    Path file = tmp.resolve("app.log");
    try (LocalStreamLog log = LocalStreamLog.open(file)) {
      for (int t = 1; t <= 5; t++) {
        append(log, t);
      }
      log.sync();
      log.reset();
      append(log, 6);
      log.sync();
    }
    try (LocalStreamLog log = LocalStreamLog.open(file)) {
      assertEquals(List.of(6L), log.recovered().stream().map(LocalStreamLog.Entry::txid)
          .toList(), "record 2, left after record 6, does not chain to it");
    }
  }
}
