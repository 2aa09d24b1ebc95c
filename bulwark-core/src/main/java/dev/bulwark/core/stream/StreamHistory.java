package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The states of one database's stream that a start-up check compares the database with: every
 * snapshot's (its stream tags carry the checksum, so they cost nothing), and the {@code
 * before}/{@code after} of the newest segments of the newest generation, the head among them.
 *
 * <p>Segments are sealed files that must be read whole, so only the newest {@value
 * #MAX_SEGMENTS_READ} segment ends are read: a database at an older point is then told apart
 * from one that diverged only by its snapshots. Both are refused the same way; only the message
 * differs.
 */
public final class StreamHistory {
  /** How many segments are read back from the head, at most. */
  static final int MAX_SEGMENTS_READ = 64;

  private final Optional<StreamPoint> head;
  private final List<StreamPoint> states;

  private StreamHistory(Optional<StreamPoint> head, List<StreamPoint> states) {
    this.head = head;
    this.states = List.copyOf(states);
  }

  /**
   * Reads the stream {@code databaseId} of {@code repo}: its snapshots and the newest segments
   * of its newest generation.
   *
   * @throws BulwarkException if a segment read is damaged (the head cannot be trusted then)
   */
  public static StreamHistory read(Repository repo, String databaseId)
      throws IOException, BulwarkException {
    List<StreamPoint> points = new ArrayList<>();
    Set<Long> generations = new HashSet<>();
    for (Snapshot s : repo.snapshots()) {
      Optional<StreamTags> t = DatabaseTags.fromTags(s.tags()).flatMap(StreamTags::of);
      if (t.isPresent() && t.get().databaseId().equals(databaseId)) {
        points.add(new StreamPoint(new StreamPosition(t.get().generation(), t.get().txid()),
            t.get().checksum()));
        generations.add(t.get().generation());
      }
    }
    SegmentStore store = new SegmentStore(repo);
    for (SegmentRef r : store.listAll()) {
      if (r.databaseId().equals(databaseId)) {
        generations.add(r.generation());
      }
    }
    if (generations.isEmpty()) {
      return new StreamHistory(Optional.empty(), List.of());
    }
    long newest = generations.stream().max(Long::compareUnsigned).orElseThrow();
    List<SegmentRef> refs = new ArrayList<>(store.list(databaseId, newest));
    // Newest end first; of segments ending together, the shortest (cheapest to read).
    refs.sort(Comparator.comparing(SegmentRef::lastTxid, Long::compareUnsigned).reversed()
        .thenComparing(SegmentRef::firstTxid, Comparator.reverseOrder()));
    Set<Long> ends = new HashSet<>();
    for (SegmentRef r : refs) {
      if (ends.size() >= MAX_SEGMENTS_READ) {
        break;
      }
      if (!ends.add(r.lastTxid())) {
        continue;
      }
      Segment s = store.load(r);
      points.add(new StreamPoint(new StreamPosition(newest, s.lastTxid()), s.after()));
      points.add(new StreamPoint(new StreamPosition(newest, s.firstTxid() - 1), s.before()));
    }
    Optional<StreamPoint> head = points.stream()
        .filter(p -> p.position().generation() == newest)
        .max(Comparator.comparingLong(p -> p.position().txid()));
    return new StreamHistory(head, points);
  }

  /** The stream's newest state, empty if the repository holds no stream of the database. */
  public Optional<StreamPoint> head() {
    return head;
  }

  /**
   * The newest known state other than the head that {@code state} is in one of its forms, if
   * any.
   */
  public Optional<StreamPoint> find(LocalStates.State state) {
    return states.stream()
        .filter(p -> head.isEmpty() || !p.position().equals(head.get().position()))
        .filter(p -> state.is(p.checksum()))
        .max(Comparator.comparing((StreamPoint p) -> p.position().generation(),
            Long::compareUnsigned).thenComparingLong(p -> p.position().txid()));
  }
}
