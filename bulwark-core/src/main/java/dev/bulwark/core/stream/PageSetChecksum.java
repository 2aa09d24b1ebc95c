package dev.bulwark.core.stream;

/**
 * A checksum of a database state that does not depend on page order and can be updated
 * without reading the whole database: the XOR of a 64-bit hash of every (page number, page
 * bytes) pair. Replacing a page XORs out its old hash and XORs in the new one, so the checksum
 * after a segment is {@code before ^ hash(old pages) ^ hash(new pages)}. Immutable.
 *
 * <p>The page hash is the CRC-64/XZ of the page bytes, XORed with the page number times an odd
 * constant and then put through a non-linear 64-bit mixer (SplitMix64's finalizer). The mixer
 * matters: a CRC is affine, so an XOR of plain CRCs over (number, bytes), as Litestream's LTX
 * computes it, does not change when two pages of equal size swap contents. The hash detects
 * damage and mix-ups, not forgery: segments are authenticated by the repository's seal.
 */
public record PageSetChecksum(long value) {
  /**
   * The checksum of an empty database.
   *
   * @return the checksum of no pages, where every generation starts
   */
  public static PageSetChecksum empty() {
    return new PageSetChecksum(0L);
  }

  /**
   * The hash of one page, as it enters the XOR.
   *
   * @param pageNumber the page's number, from 1
   * @param page the array holding the page
   * @param off where the page starts in {@code page}
   * @param len the page size in bytes
   * @return the page's 64-bit hash
   */
  public static long pageHash(long pageNumber, byte[] page, int off, int len) {
    Crc64 crc = new Crc64();
    crc.update(page, off, len);
    return hashOf(pageNumber, crc.value());
  }

  /**
   * The hashes of {@code count} consecutive pages held back to back in {@code bytes}, the
   * same as {@link #pageHash(long, byte[], int, int)} of each, computed two pages at a time.
   *
   * @param firstPageNumber the number of the first page, from 1
   * @param bytes the array holding the pages
   * @param off where the first page starts in {@code bytes}
   * @param pageSize the page size in bytes
   * @param count how many pages
   * @param into receives page {@code firstPageNumber + i}'s hash at {@code into[at + i]}
   * @param at where the first hash goes in {@code into}
   */
  public static void pageHashes(long firstPageNumber, byte[] bytes, int off, int pageSize,
      int count, long[] into, int at) {
    if ((pageSize & 7) != 0) {
      for (int i = 0; i < count; i++) {
        into[at + i] = pageHash(firstPageNumber + i, bytes, off + i * pageSize, pageSize);
      }
      return;
    }
    long[] two = new long[2];
    int i = 0;
    for (; i + 1 < count; i += 2) {
      int a = off + i * pageSize;
      Crc64.twoPages(bytes, a, a + pageSize, pageSize, two);
      into[at + i] = hashOf(firstPageNumber + i, two[0]);
      into[at + i + 1] = hashOf(firstPageNumber + i + 1, two[1]);
    }
    if (i < count) {
      into[at + i] = pageHash(firstPageNumber + i, bytes, off + i * pageSize, pageSize);
    }
  }

  /**
   * The XOR of the hashes of {@code count} consecutive pages held back to back in {@code
   * bytes}: what they add to (or remove from) a checksum together.
   *
   * @param firstPageNumber the number of the first page, from 1
   * @param bytes the array holding the pages
   * @param off where the first page starts in {@code bytes}
   * @param pageSize the page size in bytes
   * @param count how many pages
   * @return the XOR of their {@link #pageHash(long, byte[], int, int) page hashes}
   */
  public static long pagesHash(long firstPageNumber, byte[] bytes, int off, int pageSize,
      int count) {
    long[] hashes = new long[count];
    pageHashes(firstPageNumber, bytes, off, pageSize, count, hashes, 0);
    long sum = 0;
    for (long h : hashes) {
      sum ^= h;
    }
    return sum;
  }

  private static long hashOf(long pageNumber, long crc) {
    return mix(crc ^ (pageNumber * 0x9E3779B97F4A7C15L));
  }

  /**
   * The hash of one page, as it enters the XOR.
   *
   * @param pageNumber the page's number, from 1
   * @param page the page's bytes
   * @return the page's 64-bit hash
   */
  public static long pageHash(long pageNumber, byte[] page) {
    return pageHash(pageNumber, page, 0, page.length);
  }

  /**
   * This checksum with {@code page} added (or, if it is already in, removed).
   *
   * @param pageNumber the page's number, from 1
   * @param page the page's bytes
   * @return the new checksum; this one is unchanged
   */
  public PageSetChecksum with(long pageNumber, byte[] page) {
    return new PageSetChecksum(value ^ pageHash(pageNumber, page));
  }

  /**
   * This checksum with page {@code pageNumber} changed from {@code oldPage} to {@code newPage}.
   *
   * @param pageNumber the page's number, from 1
   * @param oldPage the page's bytes before
   * @param newPage the page's bytes after
   * @return the new checksum; this one is unchanged
   */
  public PageSetChecksum replace(long pageNumber, byte[] oldPage, byte[] newPage) {
    return with(pageNumber, oldPage).with(pageNumber, newPage);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * The value as 16 lowercase hex digits, for messages.
   *
   * @return the hex form, as snapshot tags record it
   */
  public String hex() {
    return String.format("%016x", value);
  }

  @Override
  public String toString() {
    return hex();
  }
}
