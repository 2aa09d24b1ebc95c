package dev.bulwark.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PageSetChecksumTest {
  private static final int PAGE = 4096;
  private final Random random = new Random(11);

  @Test
  void crcIsTheStandardCrc64Xz() {
    Crc64 crc = new Crc64();
    crc.update("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9);
    assertThat(crc.value()).isEqualTo(0x995DC9BBDF1939FAL);
  }

  @Test
  void doesNotDependOnPageOrder() {
    List<byte[]> pages = pages(50);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < pages.size(); i++) {
      order.add(i);
    }
    PageSetChecksum inOrder = checksum(pages, order);
    Collections.shuffle(order, random);
    assertThat(checksum(pages, order)).isEqualTo(inOrder);
    assertThat(inOrder).isNotEqualTo(PageSetChecksum.empty());
  }

  @Test
  void incrementalUpdateEqualsRecomputation() {
    List<byte[]> db = pages(40);
    PageSetChecksum running = checksum(db, indices(db.size()));
    for (int round = 0; round < 100; round++) {
      int n = random.nextInt(db.size());
      byte[] fresh = page();
      running = running.replace(n + 1, db.get(n), fresh);
      db.set(n, fresh);
    }
    assertThat(running).isEqualTo(checksum(db, indices(db.size())));
  }

  @Test
  void aFlippedByteChangesIt() {
    List<byte[]> db = pages(10);
    PageSetChecksum original = checksum(db, indices(db.size()));
    for (int bit = 0; bit < 8; bit++) {
      byte[] damaged = db.get(3).clone();
      damaged[random.nextInt(PAGE)] ^= (byte) (1 << bit);
      List<byte[]> copy = new ArrayList<>(db);
      copy.set(3, damaged);
      assertThat(checksum(copy, indices(copy.size()))).isNotEqualTo(original);
    }
  }

  @Test
  void thePageNumberCounts() {
    byte[] p = page();
    assertThat(PageSetChecksum.pageHash(1, p)).isNotEqualTo(PageSetChecksum.pageHash(2, p));
    // Two pages swapping places is a different database.
    byte[] q = page();
    PageSetChecksum a = PageSetChecksum.empty().with(1, p).with(2, q);
    PageSetChecksum b = PageSetChecksum.empty().with(1, q).with(2, p);
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void pagesHashedTwoAtATimeEqualEachPageHashedAlone() {
    for (int pageSize : new int[] {PAGE, 512, 100}) {
      for (int count = 0; count <= 5; count++) {
        byte[] bytes = new byte[3 + count * pageSize];
        random.nextBytes(bytes);
        long[] hashes = new long[count + 1];
        hashes[0] = 42;
        PageSetChecksum.pageHashes(7, bytes, 3, pageSize, count, hashes, 1);
        long xor = 0;
        for (int i = 0; i < count; i++) {
          long alone = PageSetChecksum.pageHash(7 + i, bytes, 3 + i * pageSize, pageSize);
          assertThat(hashes[1 + i]).as("size %d, page %d of %d", pageSize, i, count)
              .isEqualTo(alone);
          xor ^= alone;
        }
        assertThat(hashes[0]).isEqualTo(42);
        assertThat(PageSetChecksum.pagesHash(7, bytes, 3, pageSize, count)).isEqualTo(xor);
      }
    }
  }

  private PageSetChecksum checksum(List<byte[]> pages, List<Integer> order) {
    PageSetChecksum c = PageSetChecksum.empty();
    for (int i : order) {
      c = c.with(i + 1, pages.get(i));
    }
    return c;
  }

  private static List<Integer> indices(int n) {
    List<Integer> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(i);
    }
    return l;
  }

  private List<byte[]> pages(int n) {
    List<byte[]> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(page());
    }
    return l;
  }

  private byte[] page() {
    byte[] b = new byte[PAGE];
    random.nextBytes(b);
    return b;
  }
}
