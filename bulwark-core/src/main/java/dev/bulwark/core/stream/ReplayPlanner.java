package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans a point-in-time restore: the newest snapshot at or before the target that carries
 * {@link StreamTags}, then the segments of its generation from its position up to the target,
 * as few as possible. From position p it takes the segment starting at p + 1 with the largest
 * last position that does not pass the target, so merged segments are used where they exist.
 *
 * <p>Every segment of the plan is loaded, authenticated, decoded and chained (its {@code before}
 * equals the state reached so far, its page size the database's) while planning, one at a time:
 * a gap, an overlap that does not line up, or a damaged segment fails the plan, before a restore
 * writes anything. That a segment's pages turn the state {@code before} into {@code after} can
 * only be checked against the database; {@link PageReplay} does so.
 *
 * <p>Late segments and snapshots ({@link LateSegments}: written under a lease epoch that a
 * later one had already superseded at their positions) are never used: a replicator that lost
 * its lease and wrote on cannot change what a restore gives.
 */
public final class ReplayPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayPlanner.class);
  private final SegmentStore store;
  private final @Nullable LoadedSegments keep;

  /** A planner over the segments of {@code repo}. */
  public ReplayPlanner(Repository repo) {
    this(repo, null);
  }

  /**
   * A planner over the segments of {@code repo} that leaves the segments of its plans, as
   * loaded and checked, in {@code keep} (within its budget) for the replay.
   */
  public ReplayPlanner(Repository repo, @Nullable LoadedSegments keep) {
    this.store = new SegmentStore(repo);
    this.keep = keep;
  }

  /**
   * Plans a restore of one database to {@code target}.
   *
   * @param snapshots the database's snapshots (one host's, one path's), in any order; those
   *     carrying stream tags of the newest such snapshot's stream are used
   * @return empty if none of them carries stream tags (the database is not streamed)
   * @throws UnreachablePointException if the target is before the first streamed snapshot or
   *     after the newest shipped point (the message names the nearest restorable point)
   * @throws CorruptionException naming the segment if a segment is missing (a gap), overlaps
   *     without lining up, fails to load or decode, or does not chain
   */
  public Optional<ReplayPlan> plan(List<Snapshot> snapshots, ReplayTarget target)
      throws IOException, BulwarkException {
    List<Tagged> tagged = streamed(snapshots);
    if (tagged.isEmpty()) {
      return Optional.empty();
    }
    List<Tagged> usable = new ArrayList<>(tagged);
    while (true) {
      Tagged start = start(usable, target);
      List<SegmentRef> refs = store.list(start.tags().databaseId(), start.tags().generation());
      List<StreamTags> peers = usable.stream().map(Tagged::tags)
          .filter(t -> t.generation() == start.tags().generation()).toList();
      if (!LateSegments.isLate(start.tags(), refs, peers)) {
        return Optional.of(new Walk(start, target, usable, refs, peers).run());
      }
      LOG.warn("{} is late: a later lease epoch wrote its positions first; not restoring from it",
          start.describe());
      usable.remove(start);
      if (usable.isEmpty()) {
        throw new UnreachablePointException("every streamed snapshot of "
            + start.tags().databaseId() + " is late (written by a replicator that had lost its"
            + " lease)");
      }
    }
  }

  /** A snapshot with its place in the stream. */
  private record Tagged(Snapshot snapshot, StreamTags tags) {
    String describe() {
      return "snapshot " + snapshot.id().shortForm() + " taken " + snapshot.time()
          + " (txid " + tags.txid() + " of generation " + SegmentName.generation(tags.generation())
          + ")";
    }
  }

  /**
   * The snapshots of the newest one's stream, in stream order: by lease epoch (a takeover's
   * generations come after the old holder's, whatever the hosts' clocks say), then generation
   * (generation ids sort by when they started), then position, then time.
   */
  private static List<Tagged> streamed(List<Snapshot> snapshots) {
    List<Tagged> all = new ArrayList<>();
    for (Snapshot s : snapshots) {
      DatabaseTags.fromTags(s.tags()).flatMap(StreamTags::of)
          .ifPresent(t -> all.add(new Tagged(s, t)));
    }
    if (all.isEmpty()) {
      return all;
    }
    String id = all.stream().max(Comparator.comparing((Tagged t) -> t.snapshot().time()))
        .orElseThrow().tags().databaseId();
    return all.stream().filter(t -> t.tags().databaseId().equals(id))
        .sorted(Comparator.comparingLong((Tagged t) -> t.tags().epoch())
            .thenComparing((Tagged t) -> t.tags().generation(), Long::compareUnsigned)
            .thenComparingLong(t -> t.tags().txid())
            .thenComparing(t -> t.snapshot().time()))
        .toList();
  }

  private static Tagged start(List<Tagged> tagged, ReplayTarget target)
      throws UnreachablePointException {
    Tagged newest = tagged.get(tagged.size() - 1);
    if (target instanceof ReplayTarget.At at) {
      Tagged best = null;
      for (Tagged t : tagged) {
        if (!t.snapshot().time().isAfter(at.time())) {
          best = t;
        }
      }
      if (best == null) {
        Tagged earliest = tagged.stream().min(Comparator.comparing((Tagged t) ->
            t.snapshot().time())).orElseThrow();
        throw new UnreachablePointException(at.time() + " is before the first streamed snapshot"
            + " of " + newest.tags().databaseId() + ": the earliest restorable point is "
            + earliest.describe());
      }
      return best;
    }
    if (target instanceof ReplayTarget.Txid t) {
      return inGeneration(tagged, newest.tags().generation(), t.txid());
    }
    if (target instanceof ReplayTarget.Position p) {
      return inGeneration(tagged, p.position().generation(), p.position().txid());
    }
    return newest;
  }

  /** The snapshot of {@code generation} with the largest position not after {@code txid}. */
  private static Tagged inGeneration(List<Tagged> tagged, long generation, long txid)
      throws UnreachablePointException {
    Tagged best = null;
    Tagged first = null;
    for (Tagged t : tagged) {
      if (t.tags().generation() != generation) {
        continue;
      }
      if (first == null || t.tags().txid() < first.tags().txid()) {
        first = t;
      }
      if (t.tags().txid() <= txid && (best == null || t.tags().txid() >= best.tags().txid())) {
        best = t;
      }
    }
    String gen = SegmentName.generation(generation);
    String id = tagged.get(0).tags().databaseId();
    if (first == null) {
      throw new UnreachablePointException("the repository has no snapshot of generation " + gen
          + " of " + id + "; the newest streamed snapshot is "
          + tagged.get(tagged.size() - 1).describe());
    }
    if (best == null) {
      throw new UnreachablePointException("txid " + txid + " of generation " + gen + " of " + id
          + " is before its first snapshot: the earliest restorable point is "
          + first.describe());
    }
    return best;
  }

  /** One walk along a generation's segments from a snapshot to the target. */
  private final class Walk {
    private final Tagged start;
    private final ReplayTarget target;
    private final List<Tagged> tagged;
    private final long limit;
    private final List<PlannedSegment> planned = new ArrayList<>();
    private long position;
    private PageSetChecksum state;
    private int pageSize;

    private final List<SegmentRef> refs;

    Walk(Tagged start, ReplayTarget target, List<Tagged> tagged, List<SegmentRef> stored,
        List<StreamTags> peers) {
      this.refs = new ArrayList<>(stored);
      for (SegmentRef late : LateSegments.find(stored, peers)) {
        LOG.warn("{} (epoch {}) is late: a later lease epoch wrote at or before its positions;"
            + " restore leaves it out", late, late.epoch());
        refs.remove(late);
      }
      this.start = start;
      this.target = target;
      this.tagged = tagged;
      this.limit = target instanceof ReplayTarget.Txid t ? t.txid()
          : target instanceof ReplayTarget.Position p ? p.position().txid() : Long.MAX_VALUE;
      this.position = start.tags().txid();
      this.state = start.tags().checksum();
      this.pageSize = pageSizeTag(start.snapshot());
    }

    ReplayPlan run() throws IOException, BulwarkException {
      Map<Long, List<SegmentRef>> byFirst = new HashMap<>();
      for (SegmentRef r : refs) {
        byFirst.computeIfAbsent(r.firstTxid(), k -> new ArrayList<>()).add(r);
      }
      byFirst.values().forEach(l -> l.sort(
          Comparator.comparingLong(SegmentRef::lastTxid).reversed()));
      while (position < limit) {
        List<SegmentRef> next = byFirst.getOrDefault(position + 1, List.of());
        PlannedSegment chosen = choose(next);
        if (chosen != null) {
          planned.add(chosen);
          position = chosen.ref().lastTxid();
          state = chosen.after();
          pageSize = chosen.pageSize();
        } else if (!next.isEmpty()) {
          break; // the next segment passes the target: stop at this boundary
        } else {
          refuseBrokenContinuation(refs);
          endOfStream();
          break;
        }
      }
      return new ReplayPlan(start.snapshot(), start.tags(), pageSize, planned);
    }

    /** The longest of {@code candidates} that does not pass the target, checked; or null. */
    private PlannedSegment choose(List<SegmentRef> candidates)
        throws IOException, BulwarkException {
      for (SegmentRef r : candidates) {
        if (r.lastTxid() > limit) {
          continue;
        }
        Segment s = store.load(r);
        if (target instanceof ReplayTarget.At at && s.lastCommit().isAfter(at.time())) {
          continue;
        }
        if (pageSize != 0 && s.pageSize() != pageSize) {
          throw new CorruptionException(r + " has a page size of " + s.pageSize()
              + " bytes, but the database before it has " + pageSize + "-byte pages");
        }
        if (!s.before().equals(state)) {
          throw new CorruptionException(r + " starts from database state " + s.before()
              + ", but the state before it is " + state + " (" + previous()
              + "): the segments do not chain");
        }
        if (keep != null) {
          keep.offer(r, s);
        }
        return PlannedSegment.of(r, s);
      }
      return null;
    }

    private String previous() {
      return planned.isEmpty() ? "the stream checksum of " + start.describe()
          : "after " + planned.get(planned.size() - 1).ref();
    }

    /** No segment starts at position + 1: fine only if none lies beyond it either. */
    private void refuseBrokenContinuation(List<SegmentRef> refs) throws CorruptionException {
      long next = position + 1;
      String where = " in generation " + SegmentName.generation(start.tags().generation())
          + " of " + start.tags().databaseId();
      for (SegmentRef r : refs) {
        if (r.firstTxid() <= position && r.lastTxid() >= next) {
          throw new CorruptionException(r + " covers positions " + r.firstTxid() + ".."
              + r.lastTxid() + ", which does not line up with position " + position
              + " reached before it (no segment starts at " + next + ")" + where);
        }
      }
      for (SegmentRef r : refs) {
        if (r.firstTxid() > next) {
          throw new CorruptionException("a gap" + where + ": no segment holds positions " + next
              + ".." + (r.firstTxid() - 1) + " (the next stored one is " + r
              + "); a restore cannot go past position " + position);
        }
      }
    }

    /** The stream ends at the current position: right for the newest, too early otherwise. */
    private void endOfStream() throws UnreachablePointException {
      if (target instanceof ReplayTarget.Newest) {
        return;
      }
      Instant reachedTime = planned.isEmpty() ? start.snapshot().time()
          : planned.get(planned.size() - 1).lastCommit();
      String gen = SegmentName.generation(start.tags().generation());
      String newest = "the newest restorable point of " + start.tags().databaseId() + " is txid "
          + position + " of generation " + gen + ", committed " + reachedTime;
      if (target instanceof ReplayTarget.At at) {
        if (reachedTime.equals(at.time())) {
          return;
        }
        String later = tagged.stream().filter(t -> t.snapshot().time().isAfter(at.time()))
            .min(Comparator.comparing((Tagged t) -> t.snapshot().time()))
            .map(t -> "; the next is " + t.describe()).orElse("");
        throw new UnreachablePointException(newest + " (before " + at.time()
            + "), and nothing shipped shows the database between then and " + at.time() + later);
      }
      if (position < limit) {
        throw new UnreachablePointException(target + " has not been shipped: " + newest);
      }
    }
  }

  /** The page size a snapshot's tags record, or 0. */
  private static int pageSizeTag(Snapshot s) {
    String v = DatabaseTags.fromTags(s.tags()).map(d -> d.properties().get("page-size"))
        .orElse(null);
    if (v == null || !v.matches("[0-9]{3,5}")) {
      return 0;
    }
    int n = Integer.parseInt(v);
    return n >= 512 && n <= 65536 && Integer.bitCount(n) == 1 ? n : 0;
  }
}
