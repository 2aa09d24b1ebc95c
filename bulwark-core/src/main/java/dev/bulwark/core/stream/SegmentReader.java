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
 * read is a round trip, so they overlap with each other and with the patching. At most {@link
 * #MAX_AHEAD} segments, or {@link #MAX_AHEAD_BYTES} of stored segments, are loaded ahead of the
 * one in use. Not thread-safe; close it to stop loading.
 */
final class SegmentReader implements AutoCloseable {
  static final int MAX_AHEAD = 8;
  static final long MAX_AHEAD_BYTES = 4L << 20;

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
    // A ref's size is the stored size when it came from a listing, 0 when unknown.
    while (requested < refs.size() && (ahead.isEmpty()
        || ahead.size() < MAX_AHEAD && aheadBytes < MAX_AHEAD_BYTES)) {
      SegmentRef ref = refs.get(requested++);
      aheadBytes += ref.size();
      ahead.add(loaders.executor().submit(() -> store.load(ref)));
    }
    aheadBytes -= refs.get(handedOut++).size();
    return Futures.await(ahead.poll());
  }

  @Override
  public void close() {
    ahead.forEach(f -> f.cancel(true));
    ahead.clear();
    loaders.close();
  }
}
