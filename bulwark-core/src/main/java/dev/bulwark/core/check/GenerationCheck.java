package dev.bulwark.core.check;

import dev.bulwark.core.stream.PageSetChecksum;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The continuity of one generation, judged from what was read of its segments and the
 * snapshots that belong to it. Segments that contain no other segment form the finest chain;
 * the others are merged segments, which must start and end at the chain's boundaries and
 * agree with it there. Every boundary between positions has one database state: whatever a
 * snapshot, a segment's {@code before} or another segment's {@code after} says about it must
 * be the same checksum.
 */
final class GenerationCheck {
  private static final Comparator<StoredSegment> BY_POSITION =
      Comparator.comparingLong(StoredSegment::first).thenComparingLong(StoredSegment::last);

  private final String folder;
  private final List<StoredSegment> segments;
  private final List<StreamAnchor> anchors;
  private final List<String> errors;
  private final List<String> hints;
  /** The state at each boundary, keyed by the first position after it. */
  private final Map<Long, Boundary> states = new HashMap<>();

  /** The known state at a boundary and, for messages, who says so. */
  private record Boundary(PageSetChecksum state, String by) {}

  /**
   * @param folder the generation's folder, for messages
   * @param segments its segment files, each read once
   * @param anchors its snapshots
   */
  GenerationCheck(String folder, List<StoredSegment> segments, List<StreamAnchor> anchors,
      List<String> errors, List<String> hints) {
    this.folder = folder;
    this.segments = segments.stream().sorted(BY_POSITION).toList();
    this.anchors = anchors;
    this.errors = errors;
    this.hints = hints;
  }

  /**
   * Adds every problem found to the error list and harmless findings to the hints.
   *
   * @return the finest chain, in position order
   */
  List<StoredSegment> run() {
    if (segments.isEmpty()) {
      return List.of();
    }
    if (anchors.isEmpty()) {
      // Not damage: what forget leaves when it removes a generation's last snapshot, as it
      // leaves packs no snapshot needs. Segments inside are still checked.
      hints.add(folder + ": " + segments.size() + " segment(s) at positions "
          + segments.get(0).first() + ".." + maxLast() + ", but no snapshot of this generation:"
          + " an orphaned stream that cannot be restored (left when its snapshots were"
          + " forgotten; prune removes it)");
    }
    checkPageSizes();
    anchorStates();
    List<StoredSegment> finest = new ArrayList<>();
    List<StoredSegment> merged = new ArrayList<>();
    splitByNesting(finest, merged);
    chainFinest(finest);
    checkMerged(merged, finest);
    checkReach();
    return finest;
  }

  private long maxLast() {
    return segments.stream().mapToLong(StoredSegment::last).max().orElse(0);
  }

  private void checkPageSizes() {
    StoredSegment model = null;
    for (StoredSegment s : segments) {
      if (!s.isReadable()) {
        continue;
      }
      if (model == null) {
        model = s;
      } else if (s.pageSize() != model.pageSize()) {
        errors.add(s.ref() + ": page size " + s.pageSize() + " differs from the "
            + model.pageSize() + " of " + model.name() + " (a page size change starts a new"
            + " generation)");
      }
    }
  }

  private void anchorStates() {
    for (StreamAnchor a : anchors) {
      Boundary known = states.get(a.txid() + 1);
      if (known == null) {
        states.put(a.txid() + 1, new Boundary(a.state(), a.describe() + " holds"));
      } else if (!known.state().equals(a.state())) {
        errors.add(folder + ": " + a.describe() + " holds state " + a.state() + ", but "
            + known.by() + " " + known.state() + " at the same position");
      }
    }
  }

  /**
   * Sorts segments into the finest chain (those containing no other segment) and merged ones.
   * Ordered by first position ascending and last descending, a segment contains another
   * exactly when some later one in that order ends no later than it does.
   */
  private void splitByNesting(List<StoredSegment> finest, List<StoredSegment> merged) {
    List<StoredSegment> order = segments.stream().sorted(Comparator
        .comparingLong(StoredSegment::first)
        .thenComparing(StoredSegment::last, Comparator.reverseOrder())).toList();
    boolean[] contains = new boolean[order.size()];
    long minLastAfter = Long.MAX_VALUE;
    for (int i = order.size() - 1; i >= 0; i--) {
      contains[i] = minLastAfter <= order.get(i).last();
      minLastAfter = Math.min(minLastAfter, order.get(i).last());
    }
    for (int i = 0; i < order.size(); i++) {
      (contains[i] ? merged : finest).add(order.get(i));
    }
    finest.sort(BY_POSITION);
    merged.sort(BY_POSITION);
  }

  private void chainFinest(List<StoredSegment> finest) {
    StoredSegment previous = null;
    for (StoredSegment s : finest) {
      if (previous != null && s.first() <= previous.last()) {
        errors.add(s.ref() + ": overlaps " + previous.name() + " at positions " + s.first()
            + ".." + Math.min(s.last(), previous.last()) + " without either containing the"
            + " other: are two replicators writing this generation?");
      }
      previous = s;
      if (s.isReadable()) {
        meet(s, s.first(), s.before(), "starts from", "");
        meet(s, s.last() + 1, s.after(), "ends at", "");
      }
    }
  }

  private void checkMerged(List<StoredSegment> merged, List<StoredSegment> finest) {
    TreeMap<Long, StoredSegment> byFirst = new TreeMap<>();
    finest.forEach(f -> byFirst.put(f.first(), f));
    String what = "merged segment disagrees with what it covers: ";
    for (StoredSegment s : merged) {
      StoredSegment around = containing(byFirst, s.first());
      if (around != null && around.first() < s.first()) {
        errors.add(s.ref() + ": merged segment starts inside " + around.name()
            + ", not at a segment boundary");
      }
      around = containing(byFirst, s.last());
      if (around != null && around.last() > s.last()) {
        errors.add(s.ref() + ": merged segment ends inside " + around.name()
            + ", not at a segment boundary");
      }
      if (s.isReadable()) {
        meet(s, s.first(), s.before(), "starts from", what);
        meet(s, s.last() + 1, s.after(), "ends at", what);
      }
    }
  }

  private static StoredSegment containing(TreeMap<Long, StoredSegment> byFirst, long position) {
    var e = byFirst.floorEntry(position);
    return e != null && e.getValue().last() >= position ? e.getValue() : null;
  }

  /**
   * Records what {@code s} says the state at the boundary before {@code position} is, or
   * reports it if something else already said otherwise.
   */
  private void meet(StoredSegment s, long position, PageSetChecksum state, String verb,
      String what) {
    Boundary known = states.get(position);
    if (known == null) {
      states.put(position, new Boundary(state, "segment " + s.name() + " " + verb));
    } else if (!known.state().equals(state)) {
      errors.add(s.ref() + ": " + what + verb + " state " + state + ", but " + known.by() + " "
          + known.state() + " (the state after position " + (position - 1) + ")");
    }
  }

  /**
   * Replays positions only: from every snapshot, which segments can be reached without a
   * hole. A segment that no replay reaches is a gap, unless it starts at or before the
   * generation's oldest snapshot: then it is older history whose snapshot was forgotten, left
   * until prune removes it (prune also deletes newest first, so a prune that was stopped never
   * leaves any other segment unreachable). A gap is reported once, at the first segment after
   * it.
   */
  private void checkReach() {
    TreeSet<Long> reach = new TreeSet<>();
    anchors.forEach(a -> reach.add(a.txid() + 1));
    if (anchors.isEmpty()) {
      reach.add(segments.get(0).first()); // orphaned: reported; still look for holes in it
    }
    TreeSet<Long> known = new TreeSet<>(reach);
    long oldestAnchor = anchors.stream().mapToLong(StreamAnchor::txid).min().orElse(-1);
    int superseded = 0;
    long coveredTo = 0;
    for (StoredSegment s : segments) {
      if (reach.contains(s.first())) {
        reach.add(s.last() + 1);
      } else if (s.first() <= oldestAnchor) {
        superseded++;
      } else if (s.isReadable() && !known.contains(s.first())) {
        // An unreadable segment is reported already, and one after a reported gap would
        // only repeat it.
        Long lower = known.lower(s.first());
        long from = Math.max(lower == null ? 1 : lower, coveredTo + 1);
        errors.add(s.ref() + ": cannot be replayed: no replay from a snapshot of its"
            + " generation reaches position " + (s.first() - 1) + (from > s.first() - 1 ? ""
                : " (a gap: positions " + from + ".." + (s.first() - 1) + " are missing)"));
      }
      known.add(s.first());
      known.add(s.last() + 1);
      coveredTo = Math.max(coveredTo, s.last());
    }
    if (superseded > 0) {
      hints.add(folder + ": " + superseded + " segment(s) start at or before the generation's"
          + " oldest snapshot and cannot be replayed (older history whose snapshot was"
          + " forgotten; harmless, prune removes it)");
    }
  }
}
