package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.concurrent.Futures;
import dev.bulwark.core.concurrent.Workers;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Future;

/**
 * Hands out a list of segments in order, loading a few ahead on their own threads: a fold of
 * an hour of one-second segments reads thousands of small files, and on a remote backend each
 * read is a round trip, so they overlap with each other and with the patching. Loaded ahead of
 * the one in use are at most {@link #MAX_AHEAD} segments and about one segment's worth of pages
 * ({@link Segment#MAX_PAGE_BYTES}), estimated from their stored sizes: a segment of unknown size
 * counts as a full one, a known one as {@link #COMPRESSION} times its stored size at most. At
 * least the next one is always loaded ahead. Not thread-safe; close it to stop loading.
 */
final class SegmentReader implements AutoCloseable {
  static final int MAX_AHEAD = 8;
  /** The compression ratio assumed when estimating a segment's pages from its stored size. */
  static final int COMPRESSION = 16;

  private final SegmentStore store;
  private final List<SegmentRef> refs;
  private final Workers loaders;
  private final Deque<Future<Segment>> ahead = new ArrayDeque<>();
  private int requested;
  private int handedOut;
  private long aheadBytes;

  SegmentReader(SegmentStore store, List<SegmentRef> refs, int threads) {
    this.store = store;
    this.refs = List.copyOf(refs);
    this.loaders = new Workers("fold", "segment", threads);
  }

  /**
   * The next segment, loaded and checked by {@link SegmentStore#load}.
   *
   * @throws NoSuchElementException after the last one
   */
  Segment next() throws IOException, BulwarkException {
    if (handedOut == refs.size()) {
      throw new NoSuchElementException("no more segments");
    }
    while (requested < refs.size() && (ahead.isEmpty() || ahead.size() < MAX_AHEAD
        && aheadBytes + estimate(refs.get(requested)) <= Segment.MAX_PAGE_BYTES)) {
      SegmentRef ref = refs.get(requested++);
      aheadBytes += estimate(ref);
      ahead.add(loaders.executor().submit(() -> store.load(ref)));
    }
    aheadBytes -= estimate(refs.get(handedOut++));
    return Futures.await(ahead.poll());
  }

  /** The most page bytes a segment is taken to hold: its size is 0 when unknown. */
  private static long estimate(SegmentRef ref) {
    return ref.size() <= 0 ? Segment.MAX_PAGE_BYTES
        : Math.min(Segment.MAX_PAGE_BYTES, ref.size() * COMPRESSION);
  }

  @Override
  public void close() {
    ahead.forEach(f -> f.cancel(true));
    ahead.clear();
    loaders.close();
  }
}
