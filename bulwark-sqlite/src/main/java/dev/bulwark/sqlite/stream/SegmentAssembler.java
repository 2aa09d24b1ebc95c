package dev.bulwark.sqlite.stream;

import dev.bulwark.core.stream.Page;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.stream.StreamPosition;
import dev.bulwark.sqlite.wal.WalFrame;
import dev.bulwark.sqlite.wal.WalPosition;
import dev.bulwark.sqlite.wal.WalSink;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns committed WAL frames into segments: transactions are numbered from where the stream
 * stands, a run of them becomes one segment (the last version of each page it wrote), and a
 * segment is handed to the {@link Shipper} when the next transaction would push it over {@link
 * Segment#MAX_PAGE_BYTES} or when {@link #flush()} is called. Its checksums come from the
 * {@link PageHashes} of the state shipped so far, which are updated once the shipper returns,
 * so they always describe what is durable.
 *
 * <p>Pages the database grows by but no frame wrote are shipped as zero pages, as they read in
 * the file, so a replay never depends on what a restored file held past its old end. Not
 * thread-safe.
 */
public final class SegmentAssembler implements WalSink {
  /** Receives each segment and must make it durable before returning. */
  public interface Shipper {
    /** Stores {@code segment}; {@code end} is the WAL position after its last transaction. */
    void ship(Segment segment, WalPosition end) throws IOException;

    /**
     * Called once {@code segment}'s pages are in the page hashes too: the moment to record the
     * new durable position.
     */
    void recorded(Segment segment, WalPosition end) throws IOException;
  }

  /** A single transaction larger than one segment may carry. */
  public static final class TransactionTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TransactionTooLargeException(String message) {
      super(message);
    }
  }

  private final long generation;
  private final int pageSize;
  private final PageHashes hashes;
  private final Clock clock;
  private final Shipper shipper;
  private final Map<Long, byte[]> transaction = new HashMap<>();
  private final TreeMap<Long, byte[]> run = new TreeMap<>();
  private long shippedTxid;
  private long shippedPages;
  private PageSetChecksum shippedChecksum;
  private long runLastTxid;
  private long runPageCount;
  private Instant runFirstCommit;
  private Instant runLastCommit;
  private WalPosition runEnd;

  /**
   * An assembler for {@code generation}, whose durable state is {@code txid} transactions with
   * {@code pageCount} pages summing to {@code checksum}.
   */
  public SegmentAssembler(long generation, long txid, int pageSize, long pageCount,
      PageSetChecksum checksum, PageHashes hashes, Clock clock, Shipper shipper) {
    this.generation = generation;
    this.pageSize = pageSize;
    this.hashes = hashes;
    this.clock = clock;
    this.shipper = shipper;
    this.shippedTxid = txid;
    this.shippedPages = pageCount;
    this.shippedChecksum = checksum;
    this.runLastTxid = txid;
  }

  /** The newest durable position. */
  public StreamPosition shipped() {
    return new StreamPosition(generation, shippedTxid);
  }

  /** The checksum of the newest durable state. */
  public PageSetChecksum shippedChecksum() {
    return shippedChecksum;
  }

  /** The page count of the newest durable state. */
  public long shippedPages() {
    return shippedPages;
  }

  /** Bytes of committed pages waiting to be shipped. */
  public long pendingBytes() {
    return (long) run.size() * pageSize;
  }

  /** True if committed transactions wait to be shipped. */
  public boolean hasPending() {
    return runLastTxid > shippedTxid;
  }

  @Override
  public void frame(WalFrame frame) throws IOException {
    if (frame.page().length != pageSize) {
      throw new IOException("WAL frame of " + frame.page().length + " bytes in a database of "
          + pageSize + "-byte pages");
    }
    transaction.put(Integer.toUnsignedLong(frame.pageNumber()), frame.page());
  }

  @Override
  public void commit(WalPosition end, int dbSizePages) throws IOException {
    long size = Integer.toUnsignedLong(dbSizePages);
    if ((long) transaction.size() * pageSize > Segment.MAX_PAGE_BYTES) {
      throw new TransactionTooLargeException("a transaction wrote " + transaction.size()
          + " pages, more than one segment carries (" + (Segment.MAX_PAGE_BYTES >> 20)
          + " MiB)");
    }
    long union = run.size();
    for (Long n : transaction.keySet()) {
      if (!run.containsKey(n)) {
        union++;
      }
    }
    if (union * pageSize > Segment.MAX_PAGE_BYTES) {
      flush();
    }
    Instant now = clock.instant();
    if (runLastTxid == shippedTxid) {
      runFirstCommit = now;
    }
    runLastCommit = runLastCommit != null && now.isBefore(runLastCommit) ? runLastCommit : now;
    if (runFirstCommit.isAfter(runLastCommit)) {
      runLastCommit = runFirstCommit;
    }
    run.putAll(transaction);
    transaction.clear();
    run.tailMap(size, false).clear();
    runLastTxid++;
    runPageCount = size;
    runEnd = end;
  }

  @Override
  public void discardUncommitted() {
    transaction.clear();
  }

  /**
   * Ships the pending transactions as one segment, if any.
   *
   * @throws IOException if the shipper failed; nothing is then marked as shipped
   */
  public void flush() throws IOException {
    if (!hasPending()) {
      return;
    }
    for (long n = shippedPages + 1; n <= runPageCount; n++) {
      run.putIfAbsent(n, new byte[pageSize]);
    }
    List<Page> pages = new ArrayList<>(run.size());
    long sum = shippedChecksum.value();
    for (Map.Entry<Long, byte[]> e : run.entrySet()) {
      long n = e.getKey();
      long old = n <= shippedPages ? hashes.get(n) : 0;
      sum ^= old ^ PageSetChecksum.pageHash(n, e.getValue());
      pages.add(new Page(n, e.getValue()));
    }
    for (long n = runPageCount + 1; n <= shippedPages; n++) {
      sum ^= hashes.get(n);
    }
    PageSetChecksum after = new PageSetChecksum(sum);
    Segment segment = new Segment(generation, shippedTxid + 1, runLastTxid, pageSize,
        runPageCount, shippedChecksum, after, runFirstCommit, runLastCommit, pages);
    shipper.ship(segment, runEnd);
    for (Page p : pages) {
      hashes.set(p.number(), PageSetChecksum.pageHash(p.number(), p.bytes()));
    }
    shipper.recorded(segment, runEnd);
    shippedTxid = runLastTxid;
    shippedPages = runPageCount;
    shippedChecksum = after;
    run.clear();
    runFirstCommit = null;
  }
}
