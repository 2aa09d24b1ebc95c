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
    return mix(crc.value() ^ (pageNumber * 0x9E3779B97F4A7C15L));
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
