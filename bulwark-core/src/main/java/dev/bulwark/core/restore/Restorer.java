package dev.bulwark.core.restore;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.concurrent.Futures;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.core.index.BlobLocation;
import dev.bulwark.core.job.CheckpointCounter;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.repo.TreeWalker;
import dev.bulwark.core.tree.FileName;
import dev.bulwark.core.tree.GoFileMode;
import dev.bulwark.core.tree.LinkTarget;
import dev.bulwark.core.tree.NativeNames;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a snapshot (or the parts of it under given paths) into a target folder. Files land
 * at {@code target + original absolute path}, as with restic.
 *
 * <p>Each file is written to a temp name beside its final name, fsynced and renamed, so an
 * interrupted or failed restore never leaves a partial file under a real name. Every blob is
 * checked against its id before it is written. Files recorded as hard links of each other (same
 * inode and device, more than one link) are restored as hard links, as restic does. One restore
 * at a time per instance.
 *
 * <p>Delta: a file already where a file is restored (or, for a staging copy, in the database it
 * will replace) gives every blob it holds at the same offset, checked against the blob's id
 * ({@link ExistingContent}); only the rest is fetched. {@link #restoredBytes} counts both.
 *
 * <p>Checkpoints: a restore into a folder records beside it, every {@link CheckpointPolicy#every}
 * files, how many files it restored (see {@link RestoreProgress}); run again, it keeps those
 * still unchanged and restores the rest. At each checkpoint it asks the policy's yield signal
 * whether to stop ({@link dev.bulwark.core.job.JobYieldedException}). A single path restored
 * for a database ({@link #restoreStaging}) asks every {@code every} packs read and records
 * nothing: its copy is removed unless finished.
 */
public final class Restorer {
  private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);
  private final Repository repo;
  private final int threads;
  private final Progress progress;
  private final CheckpointPolicy checkpoints;
  /** Files restored in the current run that have further hard links, by (inode, device). */
  private final Map<HardLinkKey, Path> hardLinks = new HashMap<>();
  /** Whether each restored file is fsynced before it is renamed to its final name. */
  private boolean syncFiles = true;
  private WrittenBlobs written = WrittenBlobs.NONE;
  /**
   * While one path is restored (a database's staging copy): counts the packs read, to ask at
   * every checkpoint whether to yield. Nothing is recorded there: the copy is removed unless
   * it is finished, and a restore run again starts it over.
   */
  private @Nullable CheckpointCounter packCheckpoints;
  /** Whether a file already at a restored file's place is reused where it matches. */
  private boolean delta = true;
  /**
   * While one path is restored to a staging copy: the existing database (file or folder) that
   * the copy will replace, whose matching content is reused; null for none.
   */
  private @Nullable Path deltaBase;
  /** The staging path that {@link #deltaBase} corresponds to. */
  private @Nullable Path deltaStaging;
  private final ExistingContent.Counter deltaBytes = new ExistingContent.Counter();

  /** A restorer with {@link CheckpointPolicy#defaults()}. */
  public Restorer(Repository repo, int threads, Progress progress) {
    this(repo, threads, progress, CheckpointPolicy.defaults());
  }

  /**
   * A restorer that records its progress beside the target every {@code checkpoints.every()}
   * files restored and verified (so that a restore run again skips them), asking {@code
   * checkpoints.yieldSignal()} after each record whether to stop there.
   */
  public Restorer(Repository repo, int threads, Progress progress,
      CheckpointPolicy checkpoints) {
    this.repo = repo;
    this.threads = threads;
    this.progress = progress;
    this.checkpoints = java.util.Objects.requireNonNull(checkpoints, "checkpoints");
  }

  /**
   * Whether files already where restored files go are reused (a delta restore, the default):
   * each range whose SHA-256 matches the snapshot's blob id there is copied from the existing
   * file instead of fetched. {@code false} fetches everything, e.g. when the existing files are
   * suspected.
   */
  public Restorer delta(boolean reuse) {
    this.delta = reuse;
    return this;
  }

  /** The bytes this restorer has reused from existing files and fetched so far. */
  public RestoredBytes restoredBytes() {
    return deltaBytes.stats();
  }

  /**
   * Restores {@code snapshot} under {@code target}, resuming a restore of the same snapshot
   * and paths that a kill or a yield stopped.
   *
   * @param includes absolute snapshot paths to restore (with everything below them); empty
   *     restores everything
   * @throws dev.bulwark.core.job.JobYieldedException if the checkpoint policy's signal asked at
   *     a checkpoint: the files restored so far are recorded
   */
  public RestoreResult restore(Snapshot snapshot, Path target, List<String> includes)
      throws IOException, BulwarkException {
    long t0 = System.nanoTime();
    hardLinks.clear();
    AtomicFiles.createDirectories(target);
    long[] counts = new long[3];
    Deque<Runnable> dirFixups = new ArrayDeque<>();
    FileCheckpoints files = FileCheckpoints.start(snapshot, includes, target,
        new CheckpointCounter(checkpoints, "restore of snapshot " + snapshot.id().shortForm()));
    try (Workers workers = new Workers("restore", "blob", threads)) {
      restoreTree(snapshot.tree(), "", target, includes, workers, counts, dirFixups, files);
    }
    files.finish();
    // Directory modes and times last: writing files into them would change their mtime, and
    // a read-only directory would refuse its own files.
    while (!dirFixups.isEmpty()) {
      dirFixups.pop().run();
    }
    if (!includes.isEmpty() && counts[0] + counts[1] == 0) {
      throw new BulwarkException("nothing in snapshot " + snapshot.id().shortForm()
          + " matches " + String.join(", ", includes));
    }
    return new RestoreResult(counts[0], counts[1], counts[2], (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Restores one path of a snapshot (a file or a folder with everything below it) to exactly
   * {@code destination}, which must not exist; a database restore uses this to fill a staging
   * path beside its target. A file appears at {@code destination} only when complete.
   *
   * @param snapshotPath absolute path inside the snapshot, e.g. {@code /srv/app/app.db}
   * @throws BulwarkException if the snapshot has no such path
   */
  public RestoreResult restorePath(Snapshot snapshot, String snapshotPath, Path destination)
      throws IOException, BulwarkException {
    return restorePath(snapshot, snapshotPath, destination, true, WrittenBlobs.NONE);
  }

  /**
   * As {@link #restorePath(Snapshot, String, Path)}, for a staging copy that the caller makes
   * durable itself before it moves it anywhere (e.g. with {@link
   * dev.bulwark.core.fs.BackgroundSync}, while it verifies the copy): the files are not
   * fsynced here, and every blob written is shown to {@code written}, so that the caller need
   * not read the copy back to compute something over it.
   */
  public RestoreResult restoreStaging(Snapshot snapshot, String snapshotPath, Path destination,
      WrittenBlobs written) throws IOException, BulwarkException {
    return restorePath(snapshot, snapshotPath, destination, false, written);
  }

  /**
   * As {@link #restoreStaging(Snapshot, String, Path, WrittenBlobs)}, reusing the content of
   * {@code existing} (the file or folder the staging copy will replace) where it matches the
   * snapshot, unless {@link #delta(boolean) delta} is off. {@code existing} is only read.
   */
  public RestoreResult restoreStaging(Snapshot snapshot, String snapshotPath, Path destination,
      WrittenBlobs written, @Nullable Path existing) throws IOException, BulwarkException {
    deltaBase = existing;
    deltaStaging = destination;
    try {
      return restorePath(snapshot, snapshotPath, destination, false, written);
    } finally {
      deltaBase = null;
      deltaStaging = null;
    }
  }

  /**
   * The existing file whose content may be reused for the file restored to {@code out}: the
   * matching file under {@link #deltaBase} for a staging copy, else {@code out} itself.
   */
  private @Nullable Path existingFor(Path out) {
    if (!delta) {
      return null;
    }
    if (deltaBase != null && deltaStaging != null && out.startsWith(deltaStaging)) {
      return deltaBase.resolve(deltaStaging.relativize(out).toString());
    }
    return out;
  }

  private RestoreResult restorePath(Snapshot snapshot, String snapshotPath, Path destination,
      boolean sync, WrittenBlobs observer) throws IOException, BulwarkException {
    syncFiles = sync;
    written = observer;
    packCheckpoints = new CheckpointCounter(checkpoints, "restore of " + snapshotPath
        + " from snapshot " + snapshot.id().shortForm());
    try {
      return restoreOnePath(snapshot, snapshotPath, destination);
    } finally {
      syncFiles = true;
      written = WrittenBlobs.NONE;
      packCheckpoints = null;
    }
  }

  private RestoreResult restoreOnePath(Snapshot snapshot, String snapshotPath, Path destination)
      throws IOException, BulwarkException {
    long t0 = System.nanoTime();
    if (Files.exists(destination, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("destination exists: " + destination);
    }
    Node node = findNode(snapshot, snapshotPath);
    hardLinks.clear();
    long[] counts = new long[3];
    Deque<Runnable> dirFixups = new ArrayDeque<>();
    try (Workers workers = new Workers("restore", "blob", threads)) {
      switch (node.type()) {
        case FILE -> {
          restoreFile(node, destination, workers);
          counts[0]++;
          counts[2] += node.size();
        }
        case DIR -> {
          AtomicFiles.createDirectories(destination);
          restoreTree(node.subtree(), normalizeInclude(snapshotPath), destination, List.of(),
              workers, counts, dirFixups, FileCheckpoints.none());
          counts[1]++;
          dirFixups.push(() -> applyMeta(destination, node));
        }
        default -> throw new BulwarkException(snapshotPath + " in snapshot "
            + snapshot.id().shortForm() + " is a " + node.type().jsonName()
            + ", not a file or folder");
      }
    }
    while (!dirFixups.isEmpty()) {
      dirFixups.pop().run();
    }
    return new RestoreResult(counts[0], counts[1], counts[2], (System.nanoTime() - t0) / 1e9);
  }

  /**
   * The node at {@code snapshotPath} in a snapshot.
   *
   * @throws BulwarkException if there is none
   */
  public Node findNode(Snapshot snapshot, String snapshotPath) throws IOException,
      BulwarkException {
    String norm = normalizeInclude(snapshotPath);
    if (norm.equals("/")) {
      throw new IllegalArgumentException("the snapshot root is not a single node");
    }
    Id tree = snapshot.tree();
    Node found = null;
    String[] parts = norm.substring(1).split("/");
    for (int i = 0; i < parts.length; i++) {
      if (tree == null) {
        found = null;
        break;
      }
      found = null;
      for (Node n : repo.loadTree(tree).nodes()) {
        if (n.name().is(parts[i])) {
          found = n;
          break;
        }
      }
      if (found == null) {
        break;
      }
      tree = found.type() == NodeType.DIR ? found.subtree() : null;
    }
    if (found == null) {
      throw new BulwarkException("snapshot " + snapshot.id().shortForm() + " has no " + norm);
    }
    return found;
  }

  /** How an include list selects a path: wholly, as a way to something selected, or not. */
  private enum Selection { ALL, ANCESTOR, NONE }

  static String normalizeInclude(String include) {
    String s = include.startsWith("/") ? include : "/" + include;
    while (s.length() > 1 && s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  private static Selection select(String path, List<String> includes) {
    if (includes.isEmpty()) {
      return Selection.ALL;
    }
    Selection best = Selection.NONE;
    for (String raw : includes) {
      String inc = normalizeInclude(raw);
      if (path.equals(inc) || path.startsWith(inc.equals("/") ? "/" : inc + "/")) {
        return Selection.ALL;
      }
      if (inc.startsWith(path + "/")) {
        best = Selection.ANCESTOR;
      }
    }
    return best;
  }

  /**
   * Restores the nodes of the tree {@code treeId} (at {@code treePath} in the snapshot) that
   * {@code includes} select into {@code dir}, with everything below them.
   */
  private void restoreTree(Id treeId, String treePath, Path dir, List<String> includes,
      Workers workers, long[] counts, Deque<Runnable> dirFixups, FileCheckpoints files)
      throws IOException, BulwarkException {
    // Where each folder being walked is restored to, by its snapshot path.
    Map<String, Path> outDirs = new HashMap<>();
    outDirs.put(treePath, dir);
    TreeWalker.of(repo, TreeWalker.ErrorPolicy.STOP).walk(treeId, treePath,
        new TreeWalker.Visitor() {
          @Override
          public boolean visit(Id parent, String path, Node n)
              throws IOException, BulwarkException {
            Selection sel = select(path, includes);
            if (sel == Selection.NONE) {
              return false;
            }
            String parentPath = path.substring(0,
                path.length() - n.name().toString().length() - 1);
            Path out = safeChild(outDirs.get(parentPath), n.name());
            switch (n.type()) {
              case DIR -> {
                ensureDirectory(out);
                outDirs.put(path, out);
                return true;
              }
              case FILE -> {
                if (sel == Selection.ALL) {
                  if (files.isDone(n, out)) {
                    // Written and verified by an earlier run; a later link still links to it.
                    rememberHardLink(n, out);
                    progress.addItem();
                  } else {
                    if (!restoredAsHardLink(n, out)) {
                      restoreFile(n, out, workers);
                      counts[2] += n.size();
                    }
                    files.fileDone();
                  }
                  counts[0]++;
                }
              }
              case SYMLINK -> {
                if (sel == Selection.ALL) {
                  Files.deleteIfExists(out);
                  createSymlink(out, n.linkTarget());
                  counts[0]++;
                }
              }
              default -> LOG.warn("skipping {}: {} nodes are not restored", path, n.type());
            }
            return false;
          }

          @Override
          public void leave(String path, Node n) {
            Path out = outDirs.remove(path);
            if (select(path, includes) == Selection.ALL) {
              counts[1]++;
            }
            dirFixups.push(() -> applyMeta(out, n));
          }
        });
  }

  /**
   * The path of {@code dir}'s child with exactly the bytes of {@code name}; refuses names that
   * would escape the folder being restored into.
   */
  private static Path safeChild(Path dir, FileName name) throws CorruptionException {
    byte[] b = name.bytes();
    boolean unsafe = name.is(".") || name.is("..");
    for (byte x : b) {
      if (x == '/' || x == 0) {
        unsafe = true;
      }
    }
    if (unsafe) {
      throw new CorruptionException("refusing to restore an entry named \"" + name.quoted()
          + "\"");
    }
    return NativeNames.resolve(dir, name);
  }

  /**
   * Makes {@code out} a folder to restore into, never following a symbolic link: a link already
   * in the target where the snapshot has a folder (say {@code a -> /etc}) would otherwise send
   * the files below it, and the folder's mode, outside the target. Such a link, or a file, is
   * refused rather than replaced: it is the user's, and the restore cannot know why it is there.
   * (A link put in place between this check and the writes below is not caught: that needs
   * another process writing into the target while it is restored.)
   */
  private static void ensureDirectory(Path out) throws IOException, BulwarkException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(out, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      AtomicFiles.createDirectories(out);
      return;
    }
    if (!a.isDirectory()) {
      throw new BulwarkException("refusing to restore into " + out + ": the snapshot has a "
          + "folder there, but the target has a " + (a.isSymbolicLink() ? "symbolic link"
          : "file") + "; move it away and restore again");
    }
  }

  /** A symlink at {@code link} whose target has exactly the recorded bytes. */
  private static void createSymlink(Path link, LinkTarget target) throws IOException,
      CorruptionException {
    if (target == null) {
      throw new CorruptionException(link + ": symlink has no target");
    }
    Path t;
    try {
      t = NativeNames.path(target.bytes());
    } catch (IllegalArgumentException e) {
      throw new CorruptionException(link + ": symlink target " + target + " is not a path", e);
    }
    if (!Arrays.equals(NativeNames.bytesOf(t), target.bytes())) {
      // Java builds no path with repeated or trailing slashes; restic restores those exactly.
      LOG.warn("{}: symlink target {} restored as {}", link, target, t);
    }
    Files.createSymbolicLink(link, t);
  }

  /** What identifies one file with several names (hard links) in a snapshot, as for restic. */
  private record HardLinkKey(long inode, long deviceId) {}

  /**
   * As restic restores hard links: a file recorded with more than one link whose (inode,
   * device) was already restored in this run becomes another link to that file; the first one
   * is remembered and restored normally (returns false).
   */
  private boolean restoredAsHardLink(Node n, Path out) throws IOException {
    Path first = rememberHardLink(n, out);
    if (first == null) {
      return false;
    }
    Files.deleteIfExists(out);
    Files.createLink(out, first);
    progress.addItem();
    return true;
  }

  /**
   * Remembers {@code out} as the first restored name of {@code n}'s (inode, device) if {@code
   * n} has further links; returns the first name if one was remembered before, else null.
   */
  private @Nullable Path rememberHardLink(Node n, Path out) {
    if (Long.compareUnsigned(n.links(), 1) <= 0 || n.inode() == 0) {
      return null;
    }
    return hardLinks.putIfAbsent(new HardLinkKey(n.inode(), n.deviceId()), out);
  }

  /** Blobs of a file planned at a time; see {@link #restoreFile}. */
  static final int PLAN_WINDOW_BLOBS = 16_384;
  private int planWindowBlobs = PLAN_WINDOW_BLOBS;

  /** This restorer, planning {@code blobs} blobs of a file at a time (tests use small ones). */
  Restorer withPlanWindow(int blobs) {
    if (blobs < 1) {
      throw new IllegalArgumentException("a plan window holds at least one blob");
    }
    planWindowBlobs = blobs;
    return this;
  }

  private void restoreFile(Node n, Path out, Workers workers)
      throws IOException, BulwarkException {
    checkSize(n, out);
    Path tmp = AtomicFiles.tempSibling(out);
    boolean done = false;
    try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE), AtomicFiles.fileAttributes());
        ExistingContent old = ExistingContent.open(existingFor(out))) {
      // Which blobs to fetch and where each goes in the file: decided from the index alone, a
      // window of blobs at a time (a plan costs about 200 bytes a blob, and a 10 GiB file at
      // 16 KiB chunks has 655,360), then carried out before the next window is planned.
      List<Id> content = n.content();
      Set<Id> packsSeen = new HashSet<>();
      long fileOffset = 0;
      for (int from = 0; from < content.size(); from += planWindowBlobs) {
        List<Id> ids = content.subList(from, Math.min(content.size(), from + planWindowBlobs));
        List<PlacedBlob> placed = PackReads.place(locate(ids, out), fileOffset);
        PlacedBlob last = placed.get(placed.size() - 1);
        fileOffset = last.fileOffset() + last.location().blob().plaintextLength();
        List<PlacedBlob> fetch = reuseExisting(ids, placed, old, ch, tmp, workers);
        List<PackRead> reads = PackReads.plan(fetch);
        if (LOG.isDebugEnabled()) {
          LOG.debug("{}: {} blobs to fetch in {} reads of {} bytes", out, fetch.size(),
              reads.size(), reads.stream().mapToLong(PackRead::length).sum());
        }
        fetchAndWrite(reads, ch, tmp, workers, packsSeen);
      }
      if (syncFiles) {
        ch.force(true);
      }
      done = true;
    } catch (CorruptionException e) {
      // The pack and blob alone do not tell the user which of their files is lost.
      throw new CorruptionException(out + ": " + e.getMessage(), e);
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
    try {
      applyMeta(tmp, n);
      AtomicFiles.moveIntoPlace(tmp, out);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    progress.addItem();
  }

  /**
   * Writes to {@code ch} every blob of {@code n} whose bytes {@code existing} already holds at
   * the same offset (see {@link ExistingContent}); returns the blobs still to fetch. The
   * existing file is read and hashed on the workers, a window at a time (a large file has many
   * blobs), and the matches are written from this thread alone, as fetched blobs are: writers
   * on several threads contend for the file's lock in the kernel.
   */
  private List<PlacedBlob> reuseExisting(List<Id> ids, List<PlacedBlob> blobs,
      @Nullable ExistingContent old, FileChannel ch, Path tmp, Workers workers)
      throws IOException, BulwarkException {
    if (old == null) {
      return blobs;
    }
    List<PlacedBlob> fetch = new ArrayList<>(blobs.size());
    Deque<ReuseCheck> window = new ArrayDeque<>();
    for (int i = 0; i < blobs.size(); i++) {
      PlacedBlob b = blobs.get(i);
      Id id = ids.get(i);
      int len = b.location().blob().plaintextLength();
      window.add(new ReuseCheck(b,
          workers.executor().submit(() -> old.matching(b.fileOffset(), len, id))));
      if (window.size() >= threads * 2) {
        settle(window.poll(), ch, tmp, fetch);
      }
    }
    while (!window.isEmpty()) {
      settle(window.poll(), ch, tmp, fetch);
    }
    return fetch;
  }

  /** A blob being compared with the existing file: its bytes there if they match, else null. */
  private record ReuseCheck(PlacedBlob blob, Future<byte @Nullable []> same) {}

  /** Writes a matching blob from the existing file, or adds it to those to fetch. */
  private void settle(ReuseCheck check, FileChannel ch, Path tmp, List<PlacedBlob> fetch)
      throws IOException, BulwarkException {
    byte[] same = Futures.await(check.same());
    if (same == null) {
      fetch.add(check.blob());
      return;
    }
    long pos = check.blob().fileOffset();
    written.written(tmp, pos, same);
    writeAt(ch, same, pos);
    progress.addBytes(same.length);
    deltaBytes.reused(same.length);
  }

  /**
   * Checks, before anything is written, that every blob of the file is indexed and that their
   * sizes add up to the file's.
   */
  private void checkSize(Node n, Path out) throws CorruptionException {
    long size = 0;
    for (Id id : n.content()) {
      size += find(id, out).blob().plaintextLength();
    }
    if (size != n.size()) {
      throw new CorruptionException(out + ": blobs hold " + size + " bytes but the snapshot "
          + "records " + n.size());
    }
  }

  /** Where each of {@code ids} is stored, in file order. */
  private List<BlobLocation> locate(List<Id> ids, Path out) throws CorruptionException {
    List<BlobLocation> locs = new ArrayList<>(ids.size());
    for (Id id : ids) {
      locs.add(find(id, out));
    }
    return locs;
  }

  private BlobLocation find(Id id, Path out) throws CorruptionException {
    return repo.index().find(BlobType.DATA, id).orElseThrow(() ->
        new CorruptionException(out + ": data blob " + id.shortForm() + " is not in the index"));
  }

  /**
   * Fetches and opens the reads on the workers and writes their blobs from this thread alone,
   * reads in the order given: one writer per file. Writers on several threads contend for the
   * file's lock in the kernel (on ext4 the second one spins for it, burning a core). At most
   * {@code 2 * threads} reads, and a third of the heap in their sealed and opened bytes, are in
   * flight.
   */
  private void fetchAndWrite(List<PackRead> reads, FileChannel ch, Path tmp, Workers workers,
      Set<Id> packsSeen) throws IOException, BulwarkException {
    Deque<Future<Opened>> pending = new ArrayDeque<>();
    Deque<Long> pendingBytes = new ArrayDeque<>();
    long inFlight = 0;
    long budget = inFlightBudget();
    try {
      int window = threads * 2;
      for (PackRead read : reads) {
        boolean newPack = packsSeen.add(read.pack());
        pending.add(workers.executor().submit(() -> openRead(read, tmp)));
        long weight = read.length() + read.plainBytes();
        pendingBytes.add(weight);
        inFlight += weight;
        if (packCheckpoints != null && newPack && packCheckpoints.add(1)) {
          // Everything read so far is written; then the yield question.
          while (!pending.isEmpty()) {
            write(Futures.await(pending.poll()), ch);
            inFlight -= pendingBytes.poll();
          }
          packCheckpoints.checkpointed();
        }
        while (pending.size() >= window || (inFlight > budget && pending.size() > 1)) {
          write(Futures.await(pending.poll()), ch);
          inFlight -= pendingBytes.poll();
        }
      }
      while (!pending.isEmpty()) {
        write(Futures.await(pending.poll()), ch);
      }
    } finally {
      // On failure, reads not yet started are dropped (one under way finishes; nobody writes
      // it). No interrupt: it would close a backend's channel under the worker.
      for (Future<Opened> f : pending) {
        f.cancel(false);
      }
    }
  }

  /** Sealed and opened bytes of the reads in flight at most (one read may exceed it alone). */
  private static long inFlightBudget() {
    return Runtime.getRuntime().maxMemory() / 3;
  }

  /** The checked plaintext of a read's blobs, each with its place in the file. */
  private record Opened(long[] fileOffsets, byte[][] blobs) {}

  /** Reads one range of a pack and verifies each blob in it against its id (on a worker). */
  private Opened openRead(PackRead read, Path file) throws IOException, BulwarkException {
    String where = "pack " + read.pack();
    byte[] data;
    try {
      data = repo.loadPackRange(read.pack(), read.packOffset(), read.length());
    } catch (NoSuchFileException e) {
      throw new CorruptionException(where + " is missing", e);
    } catch (EOFException e) {
      throw new CorruptionException(where + " is truncated", e);
    }
    int n = read.blobs().size();
    long[] offsets = new long[n];
    byte[][] plains = new byte[n][];
    for (int i = 0; i < n; i++) {
      PlacedBlob b = read.blobs().get(i);
      offsets[i] = b.fileOffset();
      if (i > 0 && read.blobs().get(i - 1).location().blob().offset()
          == b.location().blob().offset()) {
        // Another place of the blob just opened (pages of zeros): one copy for all of them.
        plains[i] = plains[i - 1];
      } else {
        plains[i] = repo.openBlob(data, (int) (b.location().blob().offset()
            - read.packOffset()), b.location().blob(), where);
      }
      written.written(file, offsets[i], plains[i]);
    }
    return new Opened(offsets, plains);
  }

  /** Writes the blobs of an opened read at their places in the file. */
  private void write(Opened read, FileChannel ch) throws IOException {
    for (int i = 0; i < read.blobs().length; i++) {
      writeAt(ch, read.blobs()[i], read.fileOffsets()[i]);
      progress.addBytes(read.blobs()[i].length);
      deltaBytes.fetched(read.blobs()[i].length);
    }
  }

  /** Writes all of {@code bytes} at {@code pos} of {@code ch}. */
  private static void writeAt(FileChannel ch, byte[] bytes, long pos) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    long p = pos;
    while (buf.hasRemaining()) {
      p += ch.write(buf, p);
    }
  }

  /** Sets mode and mtime of {@code p} itself; a symbolic link there is not followed. */
  private static void applyMeta(Path p, Node n) {
    try {
      PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
          LinkOption.NOFOLLOW_LINKS);
      if (Files.isSymbolicLink(p)) {
        LOG.warn("not setting permissions of {}: it became a symbolic link", p);
        return;
      }
      view.setPermissions(GoFileMode.toPermissions(n.mode()));
      if (n.mtime() != null) {
        view.setTimes(FileTime.from(n.mtime()), null, null);
      }
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("could not set permissions or times of {}: {}", p, e.toString());
    }
  }

}
