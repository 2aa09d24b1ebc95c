package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.repo.BlobSaver;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.PackUploader;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import dev.bulwark.core.tree.Tree;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a new snapshot of a streamed database from an earlier snapshot of it plus the segments
 * that follow, without the database: the earlier snapshot's trees are reused, and only the
 * database file's node changes. Of the file's content list, only the chunks a segment's page
 * falls in are loaded, patched and stored again (deduplicated through the index, like any
 * backup's blobs); every other chunk id is kept. A database that grew gets chunks added, one
 * that shrank has its list cut. The file is chunked as a fresh backup with the same {@link
 * BackupOptions} would chunk it, so folded and fresh snapshots share their blobs.
 *
 * <p>The new snapshot has the earlier one's paths, host, user and tags, with its stream position
 * ({@link StreamTags}) and {@code page-count} tag moved on; its time is the last folded
 * transaction's commit time and its parent the earlier snapshot. The file node's size follows
 * the content, its modification time is that commit time.
 *
 * <p>Before anything is written the segments' positions must continue the snapshot's with no
 * gap or overlap, in its database and generation. Each segment must start from the state the
 * previous one (or the snapshot) ended in, and the image built must reach the state checksum
 * each segment ends in; otherwise the fold stops and no snapshot is saved.
 *
 * <p>Two passes, so that a chunk many segments touch is read once and stored once, with its
 * final bytes. The first ({@link PageVersions}) streams the segments and keeps only each
 * page's final version; the second ({@link FoldedContent}) walks the touched chunks in order,
 * reads each base chunk once, overlays the final pages and stores the chunk. Applying segments
 * one by one and storing patched chunks would store a chunk again for every segment touching
 * it once they outgrow memory. The per-segment state check survives because {@link
 * PageSetChecksum} is an XOR of page hashes: the first pass collects each segment's new page
 * hashes and the hashes of versions earlier folded segments wrote that it replaces; the second
 * adds the base hash of each page to the segment that first changed it; then every segment's
 * {@code before ^ sum == after} is checked before the snapshot is saved.
 *
 * <p>To fold up to the newest shipped point, take the snapshot and segment refs of {@link
 * ReplayPlanner#plan} for {@link ReplayTarget#newest()}: it picks the fewest segments (merged
 * ones where they exist) and has checked their chain. Use the {@link BackupOptions} the
 * database's backups use: with another chunk size the fold re-chunks the whole file (reading
 * it back from the repository) and shares no blob with those backups.
 *
 * <p>Memory: the segment being read and about one more loaded ahead ({@link SegmentReader}),
 * the changed pages up to a budget of one segment's size ({@link Segment#MAX_PAGE_BYTES}) with
 * the rest in a private temporary file deleted at the end, a page table of about a hundred bytes
 * per changed page, a few chunks per worker thread, and the content list.
 * Written in the usual order: packs, index, trees, the snapshot last.
 */
public final class SnapshotFolder {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotFolder.class);
  private static final String PAGE_SIZE = "page-size";
  private static final String PAGE_COUNT = "page-count";

  private final Repository repo;
  private final BackupOptions options;
  private final SegmentStore store;
  private final long memoryBudget;
  private final Path spillDir;

  /**
   * A folder writing to {@code repo}, chunking, packing and compressing as a backup with
   * {@code options} does (its host, tags and clock are not used: they come from the base).
   */
  public SnapshotFolder(Repository repo, BackupOptions options) {
    this(repo, options, Segment.MAX_PAGE_BYTES,
        Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * A folder as {@link #SnapshotFolder(Repository, BackupOptions)}, keeping at most {@code
   * memoryBudget} bytes of changed pages in memory and the rest in a temporary file in {@code
   * spillDir}, readable by its owner only and deleted when the fold ends, failed or not.
   */
  public SnapshotFolder(Repository repo, BackupOptions options, long memoryBudget, Path spillDir) {
    this.repo = repo;
    this.options = options;
    this.store = new SegmentStore(repo);
    this.memoryBudget = memoryBudget;
    this.spillDir = spillDir;
  }

  /**
   * Folds {@code segments}, in position order, onto {@code base} and saves the result, under
   * {@code lock}, which the caller took on the repository (shared or exclusive) and holds for
   * the whole call.
   *
   * @param base a snapshot of one database carrying {@link StreamTags}
   * @param segments the segments right after the base's position, consecutive
   * @throws IllegalArgumentException if {@code lock} is not held on this repository, or there
   *     are no segments
   * @throws SegmentChainException if the base is not a snapshot of a stream, or the segments
   *     do not continue it (a gap, an overlap, another database or generation, another state)
   * @throws CorruptionException if a segment, the base's trees or blobs are damaged, or the
   *     image built does not reach the state a segment ends in
   */
  public FoldResult fold(Lock lock, Snapshot base, List<SegmentRef> segments)
      throws IOException, BulwarkException {
    if (!lock.isHeldOn(repo)) {
      throw new IllegalArgumentException("a fold needs a lock held on its repository");
    }
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("there are no segments to fold");
    }
    long t0 = System.nanoTime();
    DatabaseTags dbTags = DatabaseTags.fromTags(base.tags()).orElseThrow(
        () -> new SegmentChainException("snapshot " + shortId(base)
            + " does not say which database it holds (no bulwark:db tag)"));
    StreamTags from = StreamTags.of(dbTags).orElseThrow(
        () -> new SegmentChainException("snapshot " + shortId(base) + " of " + dbTags.path()
            + " has no stream position (no bulwark:stream-* tags): it cannot be folded onto"));
    requireContinuous(from, segments, base);
    // Under the lock no prune can run, so the index read now stays true for the whole fold.
    repo.loadIndex();
    int connections = Math.max(1, repo.connections());
    try (Workers uploads = new Workers("fold", "upload", connections);
        Workers workers = new Workers("fold", "chunk", options.threads());
        SegmentReader reader = new SegmentReader(store, segments, Math.max(2, connections))) {
      BlobSaver saver = new BlobSaver(repo, options.packBytes(), options.zstdLevel(),
          uploads.executor(), PackUploader.packsInFlight(connections, options.packBytes(),
              Runtime.getRuntime().maxMemory()));
      return foldWith(saver, workers, reader, base, dbTags, from, segments, t0);
    }
  }

  private FoldResult foldWith(BlobSaver saver, Workers workers, SegmentReader reader,
      Snapshot base, DatabaseTags dbTags, StreamTags from, List<SegmentRef> refs, long t0)
      throws IOException, BulwarkException {
    TreePath path = TreePath.load(repo, base.tree(), dbTags.path());
    Node file = path.file();
    Segment first = reader.next();
    int pageSize = pageSize(dbTags, first);
    int chunkBytes = options.chunkBytesFor(pageSize);
    if (file.size() % pageSize != 0) {
      throw new CorruptionException(dbTags.path() + " in snapshot " + shortId(base) + " is "
          + file.size() + " bytes long, not a whole number of " + pageSize + "-byte pages");
    }
    PageVersions.sweep(spillDir);
    // Only the states and the end of each segment are kept: its pages live in the versions.
    List<Applied> applied = new ArrayList<>(refs.size());
    List<Id> content;
    long chunksWritten;
    long finalSize;
    long pass1;
    long pass2;
    try (PageVersions versions = new PageVersions(pageSize, file.size() / pageSize, refs.size(),
        memoryBudget, spillDir)) {
      // Pass 1: every segment's chain and pages, keeping only each page's final version.
      for (int i = 0; i < refs.size(); i++) {
        Segment s = i == 0 ? first : reader.next();
        first = null;
        PageSetChecksum expected = i == 0 ? from.checksum() : applied.get(i - 1).after();
        if (!s.before().equals(expected)) {
          throw new SegmentChainException(refs.get(i) + " starts from database state "
              + s.before() + ", but " + (i == 0 ? "snapshot " + shortId(base)
              : "the segment before it") + " ends in state " + expected
              + ": they are not one history");
        }
        if (s.pageSize() != pageSize) {
          throw new SegmentChainException(refs.get(i) + " has " + s.pageSize() + "-byte pages,"
              + " the database it continues " + pageSize + "-byte pages");
        }
        versions.resize(i, s.pageCount());
        for (Page p : s.pages()) {
          versions.write(i, p.number(), p.bytes());
        }
        applied.add(new Applied(s.before(), s.after(), s.lastTxid(), s.lastCommit(),
            s.pageCount(), s.epoch()));
      }
      pass1 = System.nanoTime();
      // Pass 2: each touched chunk read once and stored once, with the base hashes of the
      // changed pages, so each segment's end state can be checked before anything is saved.
      FoldedContent built = new FoldedContent(repo, saver, workers.executor(), options.threads(),
          chunkBytes, pageSize, file.content(), file.size());
      AtomicLongArray baseHashes = new AtomicLongArray(refs.size());
      content = built.build(versions, baseHashes);
      for (int i = 0; i < refs.size(); i++) {
        Applied s = applied.get(i);
        PageSetChecksum reached = new PageSetChecksum(s.before().value() ^ versions.sum(i)
            ^ baseHashes.get(i));
        if (!reached.equals(s.after())) {
          throw new CorruptionException("after " + refs.get(i) + " the database folded from"
              + " snapshot " + shortId(base) + " is in state " + reached + ", but the segment"
              + " says " + s.after() + ": the snapshot or a segment does not hold what it should");
        }
      }
      chunksWritten = built.chunksWritten();
      finalSize = versions.pages() * pageSize;
      pass2 = System.nanoTime();
    }
    Applied last = applied.get(applied.size() - 1);
    Instant time = last.lastCommit();
    Node folded = withContent(file, finalSize, time, content);
    Id tree = path.save(folded, saver);
    saver.flush();
    StreamPosition position = new StreamPosition(from.generation(), last.lastTxid());
    StreamTags to = new StreamTags(from.databaseId(), from.generation(), last.lastTxid(),
        last.after(), Math.max(from.epoch(), last.epoch()));
    Snapshot snap = repo.saveSnapshot(new Snapshot(null, time, base.id(), tree, base.paths(),
        base.hostname(), base.username(), base.uid(), base.gid(), base.excludes(),
        movedTags(base.tags(), to, last.pageCount()), null));
    long end = System.nanoTime();
    double seconds = (end - t0) / 1e9;
    LOG.debug("fold phases, s: segments {}, chunks {}, trees and snapshot {}",
        String.format("%.3f", (pass1 - t0) / 1e9), String.format("%.3f", (pass2 - pass1) / 1e9),
        String.format("%.3f", (end - pass2) / 1e9));
    LOG.info("snapshot {} folded from {} and {} segments up to {}: {} chunks rebuilt, {} new"
        + " blobs, {} bytes added in {} s", snap.id().shortForm(), shortId(base), refs.size(),
        position, chunksWritten, saver.newBlobs(), saver.storedBytes(),
        String.format("%.2f", seconds));
    return new FoldResult(snap, position, refs.size(), chunksWritten, saver.newBlobs(),
        saver.storedBytes(), seconds);
  }

  /** Positions only: refuses a gap or overlap before anything is read or written. */
  private static void requireContinuous(StreamTags from, List<SegmentRef> refs, Snapshot base)
      throws SegmentChainException {
    long next = from.txid() + 1;
    String previous = "snapshot " + shortId(base);
    for (SegmentRef ref : refs) {
      if (!ref.databaseId().equals(from.databaseId()) || ref.generation() != from.generation()) {
        throw new SegmentChainException(ref + " is not a segment of generation "
            + SegmentName.generation(from.generation()) + " of " + from.databaseId()
            + ", which " + previous + " belongs to");
      }
      if (ref.firstTxid() > next) {
        throw new SegmentChainException("gap in the stream of " + from.databaseId() + ": "
            + previous + " ends at position " + (next - 1) + " but " + ref + " starts at "
            + ref.firstTxid() + "; positions " + next + ".." + (ref.firstTxid() - 1)
            + " are missing");
      }
      if (ref.firstTxid() < next) {
        throw new SegmentChainException(ref + " starts at position " + ref.firstTxid()
            + ", which " + previous + " already covers (up to " + (next - 1) + ")");
      }
      next = ref.lastTxid() + 1;
      previous = ref.toString();
    }
  }

  /** The page size the snapshot records, or else the first segment's. */
  private static int pageSize(DatabaseTags tags, Segment first) throws CorruptionException {
    String recorded = tags.properties().get(PAGE_SIZE);
    if (recorded == null) {
      return first.pageSize();
    }
    try {
      return Integer.parseInt(recorded);
    } catch (NumberFormatException e) {
      throw new CorruptionException("the snapshot of " + tags.path() + " records a page size"
          + " that is not a number: " + recorded);
    }
  }

  /** {@code tags} with the stream position and page count moved on, in their places. */
  private static List<String> movedTags(List<String> tags, StreamTags to, long pageCount) {
    Map<String, String> moved = to.addTo(Map.of(PAGE_COUNT, Long.toString(pageCount)));
    List<String> out = new ArrayList<>(tags.size());
    for (String t : tags) {
      String kept = t;
      for (Map.Entry<String, String> e : moved.entrySet()) {
        if (t.startsWith(DatabaseTags.PREFIX + e.getKey() + "=")) {
          kept = DatabaseTags.PREFIX + e.getKey() + "=" + e.getValue();
        }
      }
      out.add(kept);
    }
    String epoch = DatabaseTags.PREFIX + StreamTags.EPOCH + "=";
    if (moved.containsKey(StreamTags.EPOCH) && out.stream().noneMatch(t -> t.startsWith(epoch))) {
      out.add(epoch + moved.get(StreamTags.EPOCH)); // the first snapshot of a later epoch
    }
    return out;
  }

  private static Node withContent(Node n, long size, Instant mtime, List<Id> content) {
    return new Node(n.name(), n.type(), n.mode(), mtime, n.atime(), n.ctime(), n.uid(), n.gid(),
        n.user(), n.group(), n.inode(), n.deviceId(), size, n.links(), n.linkTarget(),
        n.device(), content, n.subtree());
  }

  private static String shortId(Snapshot s) {
    return s.id() == null ? "(unsaved)" : s.id().shortForm();
  }

  /** What the checks and the new snapshot need of an applied segment, without its pages. */
  private record Applied(PageSetChecksum before, PageSetChecksum after, long lastTxid,
      Instant lastCommit, long pageCount, long epoch) {}

  /** The trees from a snapshot's root down to one file, to replace that file's node. */
  private record TreePath(List<Tree> trees, List<Node> dirs, Node file) {
    static TreePath load(Repository repo, Id root, String path)
        throws IOException, BulwarkException {
      String[] names = path.substring(1).split("/");
      List<Tree> trees = new ArrayList<>();
      List<Node> dirs = new ArrayList<>();
      Tree tree = repo.loadTree(root);
      for (int i = 0; i < names.length; i++) {
        trees.add(tree);
        Node n = find(tree, names[i], path);
        boolean isLast = i == names.length - 1;
        if (isLast) {
          if (n.type() != NodeType.FILE) {
            throw new CorruptionException(path + " in the snapshot is a " + n.type().jsonName()
                + ", not the database file");
          }
          return new TreePath(trees, dirs, n);
        }
        if (n.type() != NodeType.DIR) {
          throw new CorruptionException("/" + String.join("/", List.of(names).subList(0, i + 1))
              + " in the snapshot is a " + n.type().jsonName() + ", not a folder");
        }
        dirs.add(n);
        tree = repo.loadTree(n.subtree());
      }
      throw new CorruptionException("the database path " + path + " names no file");
    }

    private static Node find(Tree tree, String name, String path) throws CorruptionException {
      for (Node n : tree.nodes()) {
        if (n.name().is(name)) {
          return n;
        }
      }
      throw new CorruptionException("the snapshot does not hold " + path + " (no " + name + ")");
    }

    /** Saves the trees with {@code file} in place of the old node; returns the new root. */
    Id save(Node file, BlobSaver saver) throws IOException {
      Node child = file;
      Id id = null;
      for (int i = trees.size() - 1; i >= 0; i--) {
        List<Node> nodes = new ArrayList<>();
        for (Node n : trees.get(i).nodes()) {
          nodes.add(n.name().equals(child.name()) ? child : n);
        }
        id = saver.saveTree(new Tree(nodes));
        if (i > 0) {
          Node d = dirs.get(i - 1);
          child = new Node(d.name(), d.type(), d.mode(), d.mtime(), d.atime(), d.ctime(),
              d.uid(), d.gid(), d.user(), d.group(), d.inode(), d.deviceId(), d.size(),
              d.links(), d.linkTarget(), d.device(), d.content(), id);
        }
      }
      return id;
    }
  }
}
