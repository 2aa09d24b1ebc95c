package dev.bulwark.sqlite.stream;

import dev.bulwark.core.stream.Page;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.stream.StreamPosition;
import dev.bulwark.sqlite.wal.WalFrame;
import dev.bulwark.sqlite.wal.WalHeader;
import dev.bulwark.sqlite.wal.WalPosition;
import dev.bulwark.sqlite.wal.WalSink;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Turns committed WAL frames into segments. Transactions are numbered from where the stream
 * stands; a run of them becomes one segment (the last version of each page it wrote), sealed
 * when the next transaction would push it over {@link Segment#MAX_PAGE_BYTES} or when {@link
 * #flush()} is called. Sealing never ships: reading the WAL must not wait on the repository.
 * {@link #flush()} hands sealed segments to the {@link Shipper} in order; one that fails stays
 * queued for the next flush.
 *
 * <p>A segment's checksums chain from the state before it: the hashes of pages in segments
 * sealed but not yet shipped are kept in memory, those of shipped ones in the {@link
 * PageHashes} file, which therefore always describes exactly what is durable. Pages the
 * database grows by but no frame wrote are shipped as zero pages, as they read in the file, so
 * a replay never depends on what a restored file held past its old end. Not thread-safe.
 */
public final class SegmentAssembler implements WalSink {
  /** Receives each segment and must make it durable before returning. */
  public interface Shipper {
    /** Stores {@code segment}. */
    void ship(Segment segment) throws IOException;

    /**
     * Called once {@code segment}'s pages are in the page hashes too: the moment to record the
     * new durable position, which is {@code end} in WAL life {@code life}.
     */
    void recorded(Segment segment, @Nullable WalHeader life, WalPosition end) throws IOException;
  }

  /** A single transaction larger than one segment may carry. */
  public static final class TransactionTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TransactionTooLargeException(String message) {
      super(message);
    }
  }

  private record Sealed(Segment segment, @Nullable WalHeader life, WalPosition end) {}

  private final long generation;
  private final int pageSize;
  private final PageHashes hashes;
  private final Clock clock;
  private final Shipper shipper;
  private final Supplier<@Nullable WalHeader> currentLife;
  private final Map<Long, byte[]> transaction = new HashMap<>();
  private final TreeMap<Long, byte[]> run = new TreeMap<>();
  private final Deque<Sealed> sealed = new ArrayDeque<>();
  private final Map<Long, Long> unshippedHashes = new HashMap<>();
  private long sealedBytes;
  private long shippedTxid;
  private long shippedPages;
  private PageSetChecksum shippedChecksum;
  private long sealedTxid;
  private long sealedPages;
  private PageSetChecksum sealedChecksum;
  private long runLastTxid;
  private long runPageCount;
  private @Nullable Instant runFirstCommit;
  private @Nullable Instant lastCommit;
  private @Nullable WalHeader runLife;
  private @Nullable WalPosition runEnd;

  /**
   * An assembler for {@code generation}, whose durable state is {@code txid} transactions with
   * {@code pageCount} pages summing to {@code checksum}; {@code currentLife} tells which WAL
   * life the frames being delivered belong to.
   */
  public SegmentAssembler(long generation, long txid, int pageSize, long pageCount,
      PageSetChecksum checksum, PageHashes hashes, Clock clock, Shipper shipper,
      Supplier<@Nullable WalHeader> currentLife) {
    this.generation = generation;
    this.pageSize = pageSize;
    this.hashes = hashes;
    this.clock = clock;
    this.shipper = shipper;
    this.currentLife = currentLife;
    this.shippedTxid = txid;
    this.shippedPages = pageCount;
    this.shippedChecksum = checksum;
    this.sealedTxid = txid;
    this.sealedPages = pageCount;
    this.sealedChecksum = checksum;
    this.runLastTxid = txid;
  }

  /** The newest durable position. */
  public StreamPosition shipped() {
    return new StreamPosition(generation, shippedTxid);
  }

  /** The stream transaction of the newest committed transaction read. */
  public long readTxid() {
    return runLastTxid;
  }

  /**
   * Segments sealed and not yet done with: during {@link Shipper#ship}, the one being shipped
   * and those after it (1: it is the last of this flush).
   */
  public int sealedSegments() {
    return sealed.size();
  }

  /** Bytes of committed pages read but not yet durable. */
  public long pendingBytes() {
    return sealedBytes + (long) run.size() * pageSize;
  }

  /** When the oldest transaction read but not yet durable was read; empty if none. */
  public Optional<Instant> oldestPendingCommit() {
    if (!sealed.isEmpty()) {
      return Optional.of(sealed.peekFirst().segment().firstCommit());
    }
    return runLastTxid > sealedTxid ? Optional.ofNullable(runFirstCommit) : Optional.empty();
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
      seal();
    }
    Instant now = clock.instant();
    if (lastCommit != null && now.isBefore(lastCommit)) {
      now = lastCommit; // a clock stepped back; commit times never go backwards
    }
    if (runLastTxid == sealedTxid) {
      runFirstCommit = now;
    }
    lastCommit = now;
    run.putAll(transaction);
    transaction.clear();
    run.tailMap(size, false).clear();
    runLastTxid++;
    runPageCount = size;
    runEnd = end;
    runLife = currentLife.get();
  }

  @Override
  public void discardUncommitted() {
    transaction.clear();
  }

  /**
   * Seals what is pending and ships every sealed segment, in order.
   *
   * @throws IOException if the shipper failed; that segment and the later ones stay queued
   */
  public void flush() throws IOException {
    seal();
    while (!sealed.isEmpty()) {
      Sealed next = sealed.peekFirst();
      Segment s = next.segment();
      shipper.ship(s);
      for (Page p : s.pages()) {
        hashes.set(p.number(), PageSetChecksum.pageHash(p.number(), p.bytes()));
      }
      sealed.removeFirst();
      sealedBytes -= (long) s.pages().size() * pageSize;
      shippedTxid = s.lastTxid();
      shippedPages = s.pageCount();
      shippedChecksum = s.after();
      shipper.recorded(s, next.life(), next.end());
    }
    unshippedHashes.clear();
  }

  private void seal() throws IOException {
    if (runLastTxid == sealedTxid) {
      return;
    }
    for (long n = sealedPages + 1; n <= runPageCount; n++) {
      run.putIfAbsent(n, new byte[pageSize]);
    }
    List<Page> pages = new ArrayList<>(run.size());
    long sum = sealedChecksum.value();
    for (Map.Entry<Long, byte[]> e : run.entrySet()) {
      long n = e.getKey();
      long h = PageSetChecksum.pageHash(n, e.getValue());
      sum ^= previousHash(n) ^ h;
      unshippedHashes.put(n, h);
      pages.add(new Page(n, e.getValue()));
    }
    for (long n = runPageCount + 1; n <= sealedPages; n++) {
      sum ^= previousHash(n);
    }
    PageSetChecksum after = new PageSetChecksum(sum);
    Segment segment = new Segment(generation, sealedTxid + 1, runLastTxid, pageSize,
        runPageCount, sealedChecksum, after, runFirstCommit, lastCommit, pages);
    sealed.addLast(new Sealed(segment, runLife, runEnd));
    sealedBytes += (long) pages.size() * pageSize;
    sealedTxid = runLastTxid;
    sealedPages = runPageCount;
    sealedChecksum = after;
    run.clear();
  }

  /** The hash of page {@code n} in the newest sealed state; 0 past its end. */
  private long previousHash(long n) throws IOException {
    if (n > sealedPages) {
      return 0;
    }
    Long h = unshippedHashes.get(n);
    return h != null ? h : hashes.get(n);
  }
}
