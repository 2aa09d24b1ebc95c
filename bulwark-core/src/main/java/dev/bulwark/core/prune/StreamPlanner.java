package dev.bulwark.core.prune;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.retention.StreamRetention;
import dev.bulwark.core.stream.LateSegments;
import dev.bulwark.core.stream.SegmentName;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.stream.StreamTags;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Decides which stream segments a prune removes, given the snapshots that remain and a {@link
 * StreamRetention}. A restore replays from the newest snapshot at or before its target, taking
 * from each position the segment that reaches furthest without passing the target; so for
 * every point that must stay restorable, the segments on that path stay. The points that must
 * stay restorable are the ends of segments committed within the retention window (all of them
 * with {@link StreamRetention#KEEP_ALL}) and, in a database's newest generation, its newest
 * point. Everything else goes:
 *
 * <ul>
 *   <li>a generation no remaining snapshot belongs to (it cannot be restored), unless it is its
 *       database's newest and started less than an hour ago: a replicator that is starting it
 *       writes its first snapshot now;</li>
 *   <li>segments that start at or before the generation's oldest remaining snapshot (no replay
 *       from a remaining snapshot can use them);</li>
 *   <li>segments committed before the window that no path to a point that must stay restorable
 *       takes: level-0 segments a merged segment covers, merged segments a coarser one covers,
 *       and whole old generations, whose points stay restorable at snapshot granularity;</li>
 *   <li>segments that would no longer start where a snapshot or a kept segment ends (a merged
 *       segment reaching into the window whose bucket's older parts go).</li>
 * </ul>
 *
 * <p><b>Kill-safe order.</b> Within a generation, segments go in descending order of their last
 * position. The path to a point t only takes segments that end at or before t, and while the
 * segments ending after t go, all of those are still there; so at every instant each point that
 * still ends a stored segment restores exactly as before the prune began.
 *
 * <p>A generation whose paths have a gap, or a database with a snapshot whose stream tags do not
 * parse, is left untouched with a warning: check reports it, and a prune never deletes around a
 * damage. Commit times are read from a few segments per generation (a binary search for the
 * window's start, assuming commit times grow with positions, as a writer's clock does).
 */
final class StreamPlanner {
  /** How long a replicator may take to write the first snapshot of a generation it started. */
  static final Duration NEW_GENERATION_GRACE = Duration.ofHours(1);

  private final Repository repo;
  private final SegmentStore store;
  private final StreamRetention retention;
  private final Instant now;
  private final @Nullable String onlyDatabase;

  StreamPlanner(Repository repo, StreamRetention retention, Instant now) {
    this(repo, retention, now, null);
  }

  /** A planner that judges only the stream of {@code onlyDatabase} (all when null). */
  StreamPlanner(Repository repo, StreamRetention retention, Instant now,
      @Nullable String onlyDatabase) {
    this.repo = repo;
    this.store = new SegmentStore(repo);
    this.retention = retention;
    this.now = now;
    this.onlyDatabase = onlyDatabase;
  }

  /**
   * Plans the removal; reads the stream listing, the snapshots and a few segments, changes
   * nothing.
   *
   * @throws BulwarkException if a segment read for its commit time is damaged
   */
  StreamPrunePlan plan() throws IOException, BulwarkException {
    List<SegmentRef> all = new ArrayList<>(store.listAll());
    if (onlyDatabase != null) {
      all.removeIf(r -> !r.databaseId().equals(onlyDatabase));
    }
    List<String> warnings = new ArrayList<>();
    if (all.isEmpty()) {
      return new StreamPrunePlan(List.of(), 0, 0, 0, warnings);
    }
    Map<String, TreeSet<Long>> snapshots = new HashMap<>();
    Set<String> unsure = new HashSet<>();
    boolean unsureAll = false;
    for (Snapshot s : repo.snapshots()) {
      Optional<StreamTags> tags = DatabaseTags.fromTags(s.tags()).flatMap(StreamTags::of);
      if (tags.isPresent()) {
        StreamTags t = tags.get();
        snapshots.computeIfAbsent(key(t.databaseId(), t.generation()), k -> new TreeSet<>())
            .add(t.txid());
        continue;
      }
      for (String tag : s.tags()) {
        if (tag.startsWith(DatabaseTags.PREFIX + "stream-id=")) {
          String id = tag.substring(tag.indexOf('=') + 1);
          if (SegmentName.isDatabaseId(id)) {
            unsure.add(id);
          } else {
            unsureAll = true;
          }
          warnings.add("snapshot " + s.id() + " names stream " + id + " but its stream tags"
              + " do not parse: the stream is left as it is");
        }
      }
    }
    if (unsureAll) {
      return new StreamPrunePlan(List.of(), 0, all.size(), bytes(all), warnings);
    }
    Map<String, TreeMap<Long, List<SegmentRef>>> byDatabase = new LinkedHashMap<>();
    for (SegmentRef r : all) {
      byDatabase.computeIfAbsent(r.databaseId(), k -> new TreeMap<>(Long::compareUnsigned))
          .computeIfAbsent(r.generation(), k -> new ArrayList<>()).add(r);
    }
    List<SegmentRef> remove = new ArrayList<>();
    long generationsRemoved = 0;
    for (var db : byDatabase.entrySet()) {
      if (unsure.contains(db.getKey())) {
        continue;
      }
      long newest = db.getValue().lastKey();
      for (var gen : db.getValue().entrySet()) {
        TreeSet<Long> snaps = snapshots.getOrDefault(key(db.getKey(), gen.getKey()),
            new TreeSet<>());
        // A stale lease holder's late segments are never restored: they go, and the paths are
        // worked out without them.
        Set<SegmentRef> late = LateSegments.find(gen.getValue(), List.of());
        List<SegmentRef> current = new ArrayList<>(gen.getValue());
        current.removeAll(late);
        List<SegmentRef> gone = current.isEmpty() ? new ArrayList<>()
            : removable(current, snaps, gen.getKey() == newest, warnings);
        gone.addAll(late);
        if (gone.size() == gen.getValue().size()) {
          generationsRemoved++;
        }
        gone.sort(Comparator.comparing(SegmentRef::lastTxid, Comparator.reverseOrder())
            .thenComparing(SegmentRef::firstTxid));
        remove.addAll(gone);
      }
    }
    return new StreamPrunePlan(remove, generationsRemoved, all.size() - remove.size(),
        bytes(all) - bytes(remove), warnings);
  }

  /** The segments of one generation ({@code refs}, in position order) that may go. */
  private List<SegmentRef> removable(List<SegmentRef> refs, TreeSet<Long> snaps,
      boolean newest, List<String> warnings) throws IOException, BulwarkException {
    SegmentRef any = refs.get(0);
    String where = "bulwark/streams/" + any.databaseId() + "/"
        + SegmentName.generation(any.generation());
    if (snaps.isEmpty()) {
      Instant started = Instant.ofEpochMilli(any.generation() >>> 16);
      boolean starting = newest && started.isAfter(now.minus(NEW_GENERATION_GRACE));
      return starting ? new ArrayList<>() : new ArrayList<>(refs);
    }
    long oldestSnapshot = snaps.first();
    Map<Long, TreeSet<Long>> byFirst = new HashMap<>();
    TreeMap<Long, SegmentRef> shortestByEnd = new TreeMap<>();
    for (SegmentRef r : refs) {
      byFirst.computeIfAbsent(r.firstTxid(), k -> new TreeSet<>()).add(r.lastTxid());
      shortestByEnd.merge(r.lastTxid(), r, (a, b) -> a.firstTxid() >= b.firstTxid() ? a : b);
    }
    long windowStart = windowStart(new ArrayList<>(shortestByEnd.values()));
    Set<List<Long>> keep = new HashSet<>();
    for (SegmentRef r : refs) {
      if (r.lastTxid() >= windowStart && r.firstTxid() > oldestSnapshot) {
        keep.add(List.of(r.firstTxid(), r.lastTxid()));
      }
    }
    TreeSet<Long> needed = new TreeSet<>(shortestByEnd.tailMap(windowStart, true).keySet());
    if (newest) {
      needed.add(shortestByEnd.lastKey());
    }
    Map<Long, Map<Long, Long>> walked = new HashMap<>();
    for (long t : needed.tailSet(oldestSnapshot, false)) {
      long s = snaps.floor(t);
      Map<Long, Long> seen = walked.computeIfAbsent(s, k -> new HashMap<>());
      long p = s;
      while (p < t) {
        TreeSet<Long> ends = byFirst.get(p + 1);
        Long next = ends == null ? null : ends.floor(t);
        if (next == null) {
          warnings.add(where + ": no segment starts at position " + (p + 1) + " on the way"
              + " from the snapshot at " + s + " to " + t + " (a gap); the generation is left"
              + " as it is, run check");
          return new ArrayList<>();
        }
        if (next >= windowStart) {
          break;
        }
        // An old step taken before from here led through segments already kept.
        if (next.equals(seen.put(p, next))) {
          break;
        }
        keep.add(List.of(p + 1, next));
        p = next;
      }
    }
    // A kept segment must still start where a snapshot or another kept segment ends: one the
    // deletions cut off (a merged segment reaching into the window, whose bucket's earlier
    // parts go) could never be replayed and would look like a gap to check.
    Set<Long> reached = new HashSet<>(snaps);
    List<SegmentRef> gone = new ArrayList<>();
    for (SegmentRef r : refs) {
      if (keep.contains(List.of(r.firstTxid(), r.lastTxid()))
          && reached.contains(r.firstTxid() - 1)) {
        reached.add(r.lastTxid());
      } else {
        gone.add(r);
      }
    }
    return gone;
  }

  /**
   * The first segment end committed within the window, found by a binary search over the ends
   * (one segment load per step); past the last end if none is.
   */
  private long windowStart(List<SegmentRef> shortestByEnd) throws IOException, BulwarkException {
    Instant cutoff = retention.cutoff(now);
    if (cutoff.equals(Instant.MIN)) {
      return shortestByEnd.get(0).lastTxid();
    }
    int lo = 0;
    int hi = shortestByEnd.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (store.load(shortestByEnd.get(mid)).lastCommit().isBefore(cutoff)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == shortestByEnd.size() ? shortestByEnd.get(lo - 1).lastTxid() + 1
        : shortestByEnd.get(lo).lastTxid();
  }

  private static String key(String databaseId, long generation) {
    return databaseId + "/" + SegmentName.generation(generation);
  }

  private static long bytes(List<SegmentRef> refs) {
    return refs.stream().mapToLong(SegmentRef::size).sum();
  }
}
