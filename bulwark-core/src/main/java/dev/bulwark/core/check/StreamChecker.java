package dev.bulwark.core.check;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Id;
import dev.bulwark.core.backend.FileInfo;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.LateSegments;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.stream.SegmentName;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.stream.StreamTags;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks the stream folder {@code bulwark/streams/}: every file is a segment where a segment
 * belongs, every segment loads, authenticates and decodes (one at a time, so memory stays at
 * one segment's pages), and each generation's segments chain from one of its snapshots
 * without a gap ({@link GenerationCheck}).
 *
 * <p>Unlike a pack, a segment has no header that can be read apart from its data: the
 * positions and states it chains are inside the sealed file, and the seal authenticates the
 * whole file. A plain check therefore reads every segment whole; that is the price of
 * checking continuity, which is what a check of a stream is for. With read-data, each
 * generation is also replayed from its snapshots ({@link StreamReplay}).
 */
final class StreamChecker {
  private static final String ROOT = "bulwark/streams/";

  private final Repository repo;
  private final List<FileInfo> files;
  private final List<String> errors;
  private final List<String> hints;

  /** A generation's folder as the listing found it. */
  private record GenerationKey(String databaseId, long generation)
      implements Comparable<GenerationKey> {
    @Override
    public int compareTo(GenerationKey o) {
      int c = databaseId.compareTo(o.databaseId);
      return c != 0 ? c : Long.compareUnsigned(generation, o.generation);
    }

    @Override
    public String toString() {
      return ROOT + databaseId + "/" + SegmentName.generation(generation);
    }
  }

  private StreamChecker(Repository repo, List<FileInfo> files, List<String> errors,
      List<String> hints) {
    this.repo = repo;
    this.files = files;
    this.errors = errors;
    this.hints = hints;
  }

  /**
   * Lists the stream folder now, to be checked later against the snapshots. List it before
   * the snapshots: replicators ship without a repository lock, and a generation's first
   * snapshot is stored before its first segment, so every generation this listing sees has its
   * snapshot in a snapshot listing taken after it. The other order would report a generation
   * started during the check as orphaned.
   *
   * @throws IOException if the stream folder cannot be listed
   */
  static StreamChecker listNow(Repository repo, List<String> errors, List<String> hints)
      throws IOException {
    return new StreamChecker(repo, repo.listStreamFiles(), errors, hints);
  }

  /**
   * Checks every generation the listing found against the snapshots that name it.
   *
   * @param streamTags the stream position of every readable snapshot that records one
   * @param replay whether to also rebuild each snapshot's database and replay the segments
   *     after it ({@link StreamReplay}), as {@code --read-data} does
   * @throws java.io.InterruptedIOException if the check is interrupted
   */
  CheckResult.Streams check(Map<Id, StreamTags> streamTags, boolean replay) throws IOException {
    Map<GenerationKey, List<SegmentRef>> generations = new TreeMap<>();
    for (FileInfo f : files) {
      SegmentRef ref = segmentAt(f);
      if (ref == null) {
        errors.add(ROOT + f.name() + ": unexpected file: the stream folder holds only segments"
            + " named <database>/<generation>/<first>-<last>.seg (a renamed segment or a"
            + " stray file)");
      } else {
        generations.computeIfAbsent(new GenerationKey(ref.databaseId(), ref.generation()),
            k -> new ArrayList<>()).add(ref);
      }
    }
    Map<GenerationKey, List<StreamAnchor>> anchors = new TreeMap<>();
    Map<GenerationKey, List<StreamTags>> tagsOf = new TreeMap<>();
    streamTags.forEach((id, t) -> {
      GenerationKey k = new GenerationKey(t.databaseId(), t.generation());
      anchors.computeIfAbsent(k, x -> new ArrayList<>())
          .add(new StreamAnchor(id, t.txid(), t.checksum()));
      tagsOf.computeIfAbsent(k, x -> new ArrayList<>()).add(t);
    });
    SegmentStore store = new SegmentStore(repo);
    TreeSet<String> databases = new TreeSet<>();
    long segments = 0;
    long bytes = 0;
    for (var e : generations.entrySet()) {
      databases.add(e.getKey().databaseId());
      List<StoredSegment> read = new ArrayList<>();
      Set<SegmentRef> late = LateSegments.find(e.getValue(),
          tagsOf.getOrDefault(e.getKey(), List.of()));
      for (SegmentRef ref : e.getValue()) {
        StoredSegment s = read(store, ref); // a late segment is still checked for damage
        if (late.contains(ref)) {
          hints.add(ref + ": a late segment: written under lease epoch " + ref.epoch()
              + " after a replicator with a later epoch had written at or before its"
              + " positions (a replicator that lost its lease wrote on); restores leave it out");
        } else {
          read.add(s);
        }
        segments++;
        bytes += ref.size();
      }
      List<StreamAnchor> its = anchors.getOrDefault(e.getKey(), List.of());
      List<StoredSegment> finest =
          new GenerationCheck(e.getKey().toString(), read, its, errors, hints).run();
      if (replay) {
        new StreamReplay(repo, errors).replay(finest, its);
      }
    }
    if (replay) {
      // A generation that has only begun: its snapshot's checksum is what its first segment
      // will have to start from.
      for (var e : anchors.entrySet()) {
        if (!generations.containsKey(e.getKey())) {
          new StreamReplay(repo, errors).replay(List.of(), e.getValue());
        }
      }
    }
    return new CheckResult.Streams(databases.size(), generations.size(), segments, bytes);
  }

  /** The segment a listed file is, or null if it is not one or not where one belongs. */
  private static SegmentRef segmentAt(FileInfo f) {
    String[] parts = f.name().split("/", -1);
    if (parts.length != 3 || !parts[1].matches("[0-9a-f]{16}")
        || !SegmentName.isSegment(parts[2])) {
      return null;
    }
    try {
      return new SegmentRef(parts[0], Long.parseUnsignedLong(parts[1], 16),
          SegmentName.first(parts[2]), SegmentName.last(parts[2]), f.size(),
          SegmentName.epoch(parts[2]));
    } catch (IllegalArgumentException e) {
      return null; // not a valid database id
    }
  }

  private StoredSegment read(SegmentStore store, SegmentRef ref) throws IOException {
    try {
      Segment s = store.load(ref);
      return new StoredSegment(ref, s.before(), s.after(), s.pageSize());
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      errors.add(ref + ": cannot read: " + e.getMessage());
    } catch (BulwarkException e) {
      errors.add(e.getMessage());
    }
    return new StoredSegment(ref, null, null, 0);
  }
}
