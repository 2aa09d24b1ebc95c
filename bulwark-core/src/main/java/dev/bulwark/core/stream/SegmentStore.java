package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.backend.FileInfo;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The segments of a repository: each sealed with the repository's key under {@code
 * bulwark/streams/<database-id>/<generation>/<first>-<last>.seg}, names that sort by position.
 * Segment names are write-once: saving a segment whose name exists succeeds only if the stored
 * one holds the same segment (a replicator re-shipping after a crash), so a file never changes
 * its content.
 */
public final class SegmentStore {
  private final Repository repo;

  /** The segments stored in {@code repo}. */
  public SegmentStore(Repository repo) {
    this.repo = repo;
  }

  /** The folder of one generation, relative to the stream folder. */
  static String generationFolder(String databaseId, long generation) {
    return SegmentName.requireDatabaseId(databaseId) + "/" + SegmentName.generation(generation);
  }

  /**
   * Stores {@code segment} as a segment of database {@code databaseId}, atomically and durably.
   *
   * @throws CorruptionException if a different segment is already stored under its name (two
   *     writers of one generation), or the stored one is damaged
   */
  public SegmentRef save(String databaseId, Segment segment) throws IOException,
      BulwarkException {
    byte[] encoded = SegmentCodec.encode(segment);
    SegmentRef ref = new SegmentRef(databaseId, segment.generation(), segment.firstTxid(),
        segment.lastTxid(), 0, segment.epoch());
    if (repo.hasStreamFile(ref.path())) {
      if (!load(ref).equals(segment)) {
        throw new CorruptionException(ref + " already holds a different segment: is another"
            + " replicator writing generation " + SegmentName.generation(segment.generation())
            + " of " + databaseId + "?");
      }
    } else {
      repo.saveStreamFile(ref.path(), encoded);
    }
    return ref;
  }

  /**
   * Stores {@code segment}, written under its holder's lease epoch, without first looking for a
   * file of its name: one request instead of two, which is most of a {@code SYNC} commit's wait
   * on S3. Only for a segment whose name no other writer can have used: the epoch in the name
   * is a lease claim of this replicator's own, and it has not shipped this range before (a
   * retry after a failure goes through {@link #save}, which compares with what may have
   * landed). Without an epoch this is {@link #save}.
   */
  public SegmentRef saveNew(String databaseId, Segment segment) throws IOException,
      BulwarkException {
    if (segment.epoch() == 0) {
      return save(databaseId, segment);
    }
    SegmentRef ref = new SegmentRef(databaseId, segment.generation(), segment.firstTxid(),
        segment.lastTxid(), 0, segment.epoch());
    repo.saveStreamFile(ref.path(), SegmentCodec.encode(segment));
    return ref;
  }

  /**
   * The segments of one generation in position order. Files whose names are not segment names
   * are left out (they are not ours to judge); overlaps and gaps are reported by whoever
   * replays the list.
   */
  public List<SegmentRef> list(String databaseId, long generation) throws IOException {
    List<SegmentRef> refs = new ArrayList<>();
    for (FileInfo f : repo.listStreamFolder(generationFolder(databaseId, generation))) {
      if (SegmentName.isSegment(f.name())) {
        refs.add(new SegmentRef(databaseId, generation, SegmentName.first(f.name()),
            SegmentName.last(f.name()), f.size(), SegmentName.epoch(f.name())));
      }
    }
    refs.sort(Comparator.comparing(SegmentRef::firstTxid, Long::compareUnsigned)
        .thenComparing(SegmentRef::lastTxid, Long::compareUnsigned));
    return refs;
  }

  /**
   * Every segment of every database and generation, ordered by database id, generation and
   * position. Files that are not segments, or not at {@code <database-id>/<generation>/}, are
   * left out.
   */
  public List<SegmentRef> listAll() throws IOException {
    List<SegmentRef> refs = new ArrayList<>();
    for (FileInfo f : repo.listStreamFiles()) {
      String[] parts = f.name().split("/");
      if (parts.length == 3 && SegmentName.isDatabaseId(parts[0])
          && SegmentName.isGeneration(parts[1]) && SegmentName.isSegment(parts[2])) {
        refs.add(new SegmentRef(parts[0], Long.parseUnsignedLong(parts[1], 16),
            SegmentName.first(parts[2]), SegmentName.last(parts[2]), f.size(),
            SegmentName.epoch(parts[2])));
      }
    }
    refs.sort(Comparator.comparing(SegmentRef::databaseId)
        .thenComparing(SegmentRef::generation, Long::compareUnsigned)
        .thenComparing(SegmentRef::firstTxid, Long::compareUnsigned)
        .thenComparing(SegmentRef::lastTxid, Long::compareUnsigned));
    return refs;
  }

  /**
   * Removes one segment. Removing a missing one is not an error, so a deletion that was
   * interrupted can simply run again.
   */
  public void delete(SegmentRef ref) throws IOException {
    repo.removeStreamFile(ref.path());
  }

  /**
   * Loads, authenticates and decodes one segment, and checks that it is the one its name says.
   *
   * @throws java.nio.file.NoSuchFileException if it does not exist
   * @throws CorruptionException naming the segment if it is damaged, truncated or misplaced
   */
  public Segment load(SegmentRef ref) throws IOException, BulwarkException {
    String what = ref.toString();
    byte[] encoded = repo.loadStreamFile(ref.path());
    Segment s = SegmentCodec.decode(encoded, what);
    if (s.generation() != ref.generation() || s.firstTxid() != ref.firstTxid()
        || s.lastTxid() != ref.lastTxid() || s.epoch() != ref.epoch()) {
      throw new CorruptionException(what + " holds generation "
          + SegmentName.generation(s.generation()) + " positions " + s.firstTxid() + ".."
          + s.lastTxid() + " of epoch " + s.epoch()
          + ", not what its name says (a moved or renamed file)");
    }
    return s;
  }
}
