package dev.bulwark.core.stream;

import java.time.Instant;
import java.util.List;

/**
 * One run of consecutive committed transactions of one database, as shipped to the
 * repository: positions {@code firstTxid..lastTxid} of generation {@code generation}, the page
 * size, the database size in pages after the run, the {@link PageSetChecksum} of the database
 * before and after, the commit times of the first and last transaction, and the last version
 * of every page the run wrote, in ascending page order, and the lease epoch of the replicator
 * that wrote it ({@link StreamLease}; 0 for a segment written without one, as every segment of
 * format version 1 was).
 *
 * <p>A segment is bounded: at most {@link #MAX_PAGE_BYTES} of page data, so that encoding and
 * decoding one needs bounded memory; a longer run is shipped as several segments.
 */
public record Segment(
    long generation,
    long firstTxid,
    long lastTxid,
    int pageSize,
    long pageCount,
    PageSetChecksum before,
    PageSetChecksum after,
    Instant firstCommit,
    Instant lastCommit,
    List<Page> pages,
    long epoch) {
  /** The most page data one segment carries: 16 MiB. */
  public static final int MAX_PAGE_BYTES = 16 << 20;

  /** SQLite's largest page number (2^32 - 2). */
  public static final long MAX_PAGE_NUMBER = 0xFFFF_FFFEL;

  /**
   * Checks every invariant the encoding relies on.
   *
   * @throws IllegalArgumentException naming the first violated one
   */
  public Segment {
    if (firstTxid < 1 || lastTxid < firstTxid) {
      throw new IllegalArgumentException("bad transaction range " + firstTxid + ".." + lastTxid);
    }
    if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
      throw new IllegalArgumentException("page size is not a power of two in 512..65536: "
          + pageSize);
    }
    if (pageCount < 1 || pageCount > MAX_PAGE_NUMBER) {
      throw new IllegalArgumentException("database size out of range: " + pageCount + " pages");
    }
    if (epoch < 0) {
      throw new IllegalArgumentException("negative epoch: " + epoch);
    }
    if (before == null || after == null || firstCommit == null || lastCommit == null) {
      throw new IllegalArgumentException("checksums and commit times are required");
    }
    if (lastCommit.isBefore(firstCommit)) {
      throw new IllegalArgumentException("last commit " + lastCommit + " precedes first "
          + firstCommit);
    }
    pages = List.copyOf(pages);
    if ((long) pages.size() * pageSize > MAX_PAGE_BYTES) {
      throw new IllegalArgumentException(pages.size() + " pages of " + pageSize
          + " bytes exceed the segment limit of " + MAX_PAGE_BYTES + " bytes");
    }
    long previous = 0;
    for (Page p : pages) {
      if (p.number() <= previous) {
        throw new IllegalArgumentException("pages are not in strictly ascending order at "
            + p.number());
      }
      if (p.number() > pageCount) {
        throw new IllegalArgumentException("page " + p.number() + " is beyond the database size"
            + " of " + pageCount + " pages");
      }
      if (p.bytes().length != pageSize) {
        throw new IllegalArgumentException("page " + p.number() + " has " + p.bytes().length
            + " bytes, not " + pageSize);
      }
      previous = p.number();
    }
  }

  /** A segment written without a lease (epoch 0). */
  public Segment(long generation, long firstTxid, long lastTxid, int pageSize, long pageCount,
      PageSetChecksum before, PageSetChecksum after, Instant firstCommit, Instant lastCommit,
      List<Page> pages) {
    this(generation, firstTxid, lastTxid, pageSize, pageCount, before, after, firstCommit,
        lastCommit, pages, 0);
  }

  /** This segment as written by the holder of lease epoch {@code e}. */
  public Segment withEpoch(long e) {
    return new Segment(generation, firstTxid, lastTxid, pageSize, pageCount, before, after,
        firstCommit, lastCommit, pages, e);
  }

  /**
   * The file name of this segment: first and last position, zero-padded hex, so names sort,
   * and its epoch where it has one.
   */
  public String fileName() {
    return SegmentName.of(firstTxid, lastTxid, epoch);
  }
}
