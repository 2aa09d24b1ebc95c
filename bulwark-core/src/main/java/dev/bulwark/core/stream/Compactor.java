package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the segments of a stream in levels ({@link CompactionLevels}), so that a restore to any
 * point reads a bounded number of objects: the restore planner, taking from each position the
 * segment that reaches furthest without passing its target, uses merged segments by itself.
 *
 * <p>A merged segment is saved under its own name {@code <first>-<last>.seg} beside the segments
 * it covers, which stay until retention removes them (see {@code StreamRetention}). Names are
 * write-once and a merge of the same inputs is the same segment, so a compaction killed at any
 * moment is simply run again; a merged segment is never needed for correctness, only for speed.
 * A merge whose pages would exceed {@link Segment#MAX_PAGE_BYTES} is split into several merged
 * segments at the boundaries of its inputs.
 *
 * <p>Commit times are not in segment names: the replicator tells them as it ships ({@link
 * #shipped}), and for what it did not tell the compactor loads the newest segments of a
 * generation once (back to the start of the top-level bucket before the newest one) and
 * remembers them between calls; history older than that is left as it is. Damage is not its
 * business: a merge whose inputs are missing, damaged or do not chain is skipped with a warning
 * (once per compactor), and check reports the damage. Thread-safe (one compaction at a time);
 * meant to be called periodically by the replicator of the stream, e.g. every level-1 span.
 */
public final class Compactor {
  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

  private final SegmentStore store;
  private final CompactionPlanner planner;
  private final CompactionLevels levels;
  /** Last commit time of segment ends, per database id and generation. */
  private final Map<String, TreeMap<Long, Instant>> endTimes = new HashMap<>();
  /** Merges that had to be split at the size limit: planned again every time, done already. */
  private final Set<String> split = new HashSet<>();
  /** Merges that failed (a gap, damage): warned about once, tried again by a new compactor. */
  private final Set<String> failed = new HashSet<>();

  /** A compactor of the segments in {@code store} with the given levels. */
  public Compactor(SegmentStore store, CompactionLevels levels) {
    this.store = store;
    this.levels = levels;
    this.planner = new CompactionPlanner(levels);
  }

  /**
   * Records the commit time of a segment as it is shipped, so that compaction need not read
   * it back to learn it (a replicator that calls this for every segment it ships saves one
   * read per segment; one that does not costs only those reads).
   */
  public synchronized void shipped(String databaseId, Segment segment) {
    endTimes.computeIfAbsent(databaseId + "/" + SegmentName.generation(segment.generation()),
        k -> new TreeMap<>()).put(segment.lastTxid(), segment.lastCommit());
  }

  /**
   * Writes the merged segments generation {@code generation} of {@code databaseId} lacks, for
   * every bucket complete at {@code now}, and returns them in the order written (lower levels
   * first).
   *
   * @throws IOException if the repository cannot be listed or written; what was written is
   *     durable and complete
   * @throws BulwarkException if a segment needed to learn commit times is damaged
   */
  public synchronized List<SegmentRef> compact(String databaseId, long generation, Instant now)
      throws IOException, BulwarkException {
    List<SegmentRef> refs = new ArrayList<>(store.list(databaseId, generation));
    // A stale lease holder's late segments are never merged into what a restore would use.
    refs.removeAll(LateSegments.find(refs, List.of()));
    if (refs.isEmpty()) {
      return List.of();
    }
    String key = databaseId + "/" + SegmentName.generation(generation);
    TreeMap<Long, Instant> times = endTimes.computeIfAbsent(key, k -> new TreeMap<>());
    learnTimes(refs, times);
    List<SegmentRef> written = new ArrayList<>();
    for (CompactionPlanner.Merge m : planner.plan(refs, times, now)) {
      String range = key + "/" + SegmentName.of(m.firstTxid(), m.lastTxid());
      if (split.contains(range) || failed.contains(range)) {
        continue;
      }
      List<SegmentRef> chain = chain(refs, m.firstTxid(), m.lastTxid());
      if (chain.isEmpty()) {
        failed.add(range);
        LOG.warn("stream {}: no chain of segments covers {}..{}; level {} merge skipped", key,
            m.firstTxid(), m.lastTxid(), m.level());
        continue;
      }
      try {
        List<SegmentRef> merged = merge(databaseId, chain, refs, range);
        for (SegmentRef r : merged) {
          refs.add(r);
          written.add(r);
        }
      } catch (CorruptionException | NoSuchFileException e) {
        failed.add(range);
        LOG.warn("stream {}: level {} merge of {}..{} skipped: {}", key, m.level(),
            m.firstTxid(), m.lastTxid(), e.getMessage());
      }
    }
    Instant forget = levels.horizon(times.lastEntry().getValue()).minus(levels.top());
    times.values().removeIf(t -> t.isBefore(forget));
    if (!written.isEmpty()) {
      LOG.info("stream {}: {} merged segments written", key, written.size());
    }
    return written;
  }

  /** Loads the newest ends' commit times it does not know, back past the horizon. */
  private void learnTimes(List<SegmentRef> refs, TreeMap<Long, Instant> times)
      throws IOException, BulwarkException {
    // The shortest segment ending at each end is the cheapest to load for its time.
    TreeMap<Long, SegmentRef> shortest = new TreeMap<>();
    for (SegmentRef r : refs) {
      shortest.merge(r.lastTxid(), r, (a, b) -> a.firstTxid() >= b.firstTxid() ? a : b);
    }
    times.keySet().retainAll(shortest.keySet());
    Instant horizon = null;
    for (SegmentRef r : shortest.descendingMap().values()) {
      Instant t = times.get(r.lastTxid());
      if (t == null) {
        t = store.load(r).lastCommit();
        times.put(r.lastTxid(), t);
      }
      if (horizon == null) {
        horizon = levels.horizon(t);
      }
      if (t.isBefore(horizon)) {
        break;
      }
    }
  }

  /** The chain from {@code first} to {@code last} of the longest segments, or empty if none. */
  static List<SegmentRef> chain(List<SegmentRef> refs, long first, long last) {
    NavigableMap<Long, SegmentRef> longest = new TreeMap<>();
    for (SegmentRef r : refs) {
      if (r.lastTxid() <= last) {
        longest.merge(r.firstTxid(), r, (a, b) -> a.lastTxid() >= b.lastTxid() ? a : b);
      }
    }
    List<SegmentRef> chain = new ArrayList<>();
    long p = first;
    while (p <= last) {
      SegmentRef next = longest.get(p);
      if (next == null) {
        return List.of();
      }
      chain.add(next);
      p = next.lastTxid() + 1;
    }
    return chain;
  }

  /**
   * Merges {@code chain}, split at the size limit, and saves what is not {@code stored} yet; a
   * split merge is remembered as done under {@code range}.
   */
  private List<SegmentRef> merge(String databaseId, List<SegmentRef> chain,
      List<SegmentRef> stored, String range) throws IOException, BulwarkException {
    List<SegmentRef> saved = new ArrayList<>();
    SegmentMerger merger = null;
    for (SegmentRef r : chain) {
      Segment s = store.load(r);
      // A merged segment keeps one epoch: a takeover splits a merge as the size limit does.
      if (merger != null && (!merger.fits(s) || merger.epoch() != s.epoch())) {
        save(databaseId, merger, stored, saved);
        merger = null;
        split.add(range);
      }
      if (merger == null) {
        merger = new SegmentMerger(s);
      } else {
        merger.add(s);
      }
    }
    save(databaseId, merger, stored, saved);
    return saved;
  }

  private void save(String databaseId, SegmentMerger merger, List<SegmentRef> stored,
      List<SegmentRef> saved) throws IOException, BulwarkException {
    // A part that did not merge with anything is a segment that is stored already, and so is
    // a part of a split merge that an earlier run wrote.
    if (merger == null || merger.inputs() < 2) {
      return;
    }
    Segment s = merger.result();
    boolean exists = stored.stream().anyMatch(r -> r.firstTxid() == s.firstTxid()
        && r.lastTxid() == s.lastTxid());
    if (!exists) {
      saved.add(store.save(databaseId, s));
    }
  }
}
