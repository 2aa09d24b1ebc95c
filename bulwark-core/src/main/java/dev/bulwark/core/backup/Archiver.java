package dev.bulwark.core.backup;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Id;
import dev.bulwark.core.IdList;
import dev.bulwark.core.IncompleteBackupException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.SourceException;
import dev.bulwark.core.chunk.FixedChunker;
import dev.bulwark.core.concurrent.Futures;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.job.CheckpointCounter;
import dev.bulwark.core.repo.BlobSaver;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Host;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.PackUploader;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.tree.FileName;
import dev.bulwark.core.tree.LinkTarget;
import dev.bulwark.core.tree.NativeNames;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import dev.bulwark.core.tree.Tree;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores sources in a repository and records a snapshot of them.
 *
 * <p>One thread reads each source in order and cuts it into chunks; workers hash, deduplicate,
 * compress and seal chunks in parallel. At most a few chunks per worker are in flight, so
 * memory does not grow with the size of what is backed up (beyond the list of chunk ids per
 * file). Trees are written after all content, the snapshot last.
 */
public final class Archiver {
  private static final Logger LOG = LoggerFactory.getLogger(Archiver.class);
  private final Repository repo;
  private final BackupOptions options;
  private final Progress progress;

  public Archiver(Repository repo, BackupOptions options, Progress progress) {
    this.repo = repo;
    this.options = options;
    this.progress = progress;
  }

  /**
   * Backs up every source into one snapshot, under {@code lock}, which the caller took on the
   * repository (shared or exclusive) and holds for the whole call.
   *
   * @throws IllegalArgumentException if {@code lock} is not held on this repository
   * @throws IncompleteBackupException if some files could not be read (the snapshot is saved)
   * @throws SourceException if a source cannot be opened at all (nothing is saved)
   * @throws dev.bulwark.core.job.JobYieldedException if the options' checkpoint policy asked
   *     to yield at an index checkpoint: no snapshot is saved, and the next backup reuses
   *     every pack a checkpoint indexed
   */
  public BackupResult backup(Lock lock, List<? extends Source> sources)
      throws IOException, BulwarkException {
    return backup(lock, sources, null);
  }

  /**
   * Backs up every source into one snapshot, as {@link #backup(Lock, List)}, as a group
   * snapshot named {@code group} when it is not null. Every source is opened (its checkpoint,
   * read transaction or copy taken) before any is read, so the databases of a group are taken
   * as close to one moment as their engines allow. With several databases, or a group name,
   * each database's tags are those of a numbered member ({@link DatabaseTags#toMemberTags}).
   *
   * @throws IllegalArgumentException if {@code lock} is not held on this repository, or {@code
   *     group} is not a valid group name
   */
  public BackupResult backup(Lock lock, List<? extends Source> sources, @Nullable String group)
      throws IOException, BulwarkException {
    if (group != null) {
      DatabaseTags.groupTag(group);
    }
    if (!lock.isHeldOn(repo)) {
      throw new IllegalArgumentException("a backup needs a lock held on its repository");
    }
    // Under the lock no prune can run, so what the index files say now stays true until
    // this backup ends; an index read before the lock may name packs a prune deleted since.
    repo.loadIndex();
    return backupLocked(sources, group);
  }

  private BackupResult backupLocked(List<? extends Source> sources, @Nullable String group)
      throws IOException, BulwarkException {
    Instant start = options.clock().instant();
    long t0 = System.nanoTime();
    int connections = Math.max(1, repo.connections());
    try (Workers uploads = new Workers("backup", "upload", connections)) {
      long heap = Runtime.getRuntime().maxMemory();
      int packBytes = PackUploader.packBytesFor(options.packBytes(), heap);
      if (packBytes != options.packBytes()) {
        LOG.info("packs of {} bytes instead of {}: a {} MiB heap is too small for those",
            packBytes, options.packBytes(), heap >> 20);
      }
      BlobSaver saver = new BlobSaver(repo, packBytes, options.zstdLevel(),
          uploads.executor(), PackUploader.packsInFlight(connections, packBytes, heap),
          new CheckpointCounter(options.checkpoints(), "backup"));
      return backupWith(sources, group, saver, start, t0);
    }
  }

  private BackupResult backupWith(List<? extends Source> sources, @Nullable String group,
      BlobSaver saver, Instant start, long t0) throws IOException, BulwarkException {
    Dir root = new Dir(null);
    Set<String> paths = new LinkedHashSet<>();
    List<String> tags = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    // Files, bytes read, files reused unchanged, their bytes.
    long[] counts = new long[4];
    Snapshot parent = null;
    try (Workers workers = new Workers("backup", "chunk", options.threads())) {
      List<SourceView> views = new ArrayList<>();
      Throwable failure = null;
      try {
        long total = 0;
        for (Source s : sources) {
          SourceView v = s.open();
          views.add(v);
          total = v.estimatedBytes() < 0 || total < 0 ? -1 : total + v.estimatedBytes();
        }
        progress.setTotalBytes(total);
        List<List<String>> viewTags = new ArrayList<>();
        for (SourceView v : views) {
          paths.addAll(v.paths());
          viewTags.add(v.tags());
        }
        tags.addAll(SnapshotTags.of(options.tags(), viewTags, group));
        parent = findParent(List.copyOf(paths));
        UnchangedFiles unchanged = parent == null || options.force() ? null
            : new UnchangedFiles(new ParentTree(repo, parent.tree()), parent, repo.index(),
                Instant.now());
        for (SourceView v : views) {
          v.visit(new SourceView.EntryVisitor() {
            @Override
            public void accept(SourceEntry e) throws IOException, BulwarkException {
              store(e, root, saver, workers, unreadable, counts, unchanged);
            }

            @Override
            public void unreadable(Path path, IOException cause) {
              LOG.warn("could not read {}: {}", path, cause.toString());
              unreadable.add(path.toString());
            }
          });
        }
      } catch (Throwable t) {
        failure = t;
        throw t;
      } finally {
        // Every view is closed (releasing its checkpoint, transaction or copy) even if one fails.
        IOException first = null;
        for (SourceView v : views) {
          try {
            v.close();
          } catch (IOException e) {
            if (first == null) {
              first = e;
            } else {
              first.addSuppressed(e);
            }
          }
        }
        if (first != null) {
          // A failure to release a view must not hide why the backup failed.
          if (failure != null) {
            failure.addSuppressed(first);
          } else {
            throw first;
          }
        }
      }
    }
    saver.storeOpenPacks();
    Id tree = saveTree(root, saver);
    saver.flush();
    Snapshot snap = repo.saveSnapshot(Snapshot.create(start, tree, List.copyOf(paths),
        options.hostname(), Host.user(), Host.uid(), Host.gid(), tags,
        parent == null ? null : parent.id()));
    double seconds = (System.nanoTime() - t0) / 1e9;
    LOG.info("snapshot {} saved: {} files, {} bytes read, {} unchanged files ({} bytes) reused"
        + " from parent {}, {} new blobs, {} bytes added in {} s", snap.id().shortForm(),
        counts[0], counts[1], counts[2], counts[3],
        parent == null ? "none" : parent.id().shortForm(), saver.newBlobs(),
        saver.storedBytes(), String.format("%.1f", seconds));
    if (!unreadable.isEmpty()) {
      throw new IncompleteBackupException(snap.id(), unreadable);
    }
    return new BackupResult(snap, counts[0], counts[1], saver.newBlobs(), saver.storedBytes(),
        seconds, counts[2], counts[3]);
  }

  /**
   * The snapshot named by {@link BackupOptions#parent()}, else the newest of the same paths
   * from this host (a snapshot of another host's files says nothing about this host's).
   */
  private Snapshot findParent(List<String> paths) throws IOException, BulwarkException {
    if (options.parent() != null) {
      return repo.findSnapshot(options.parent());
    }
    Snapshot parent = null;
    for (Snapshot s : repo.snapshots()) {
      if (s.paths().equals(paths) && s.hostname().equals(options.hostname())) {
        parent = s;
      }
    }
    return parent;
  }

  private void store(SourceEntry e, Dir root, BlobSaver saver, Workers workers,
      List<String> unreadable, long[] counts, UnchangedFiles unchanged)
      throws IOException, BulwarkException {
    saver.throwIfYieldRequested();
    List<FileName> names;
    LinkTarget target;
    try {
      names = components(e.path());
      target = e.kind() == SourceEntry.Kind.SYMLINK
          ? LinkTarget.of(NativeNames.bytesOf(e.linkTarget())) : null;
    } catch (RuntimeException ex) {
      // Never store a substitute for a name or target we could not read as it is.
      LOG.warn("could not read the name of {}: {}", e.path(), ex.toString());
      unreadable.add(e.path().toString());
      return;
    }
    FileName name = names.get(names.size() - 1);
    Dir parent = root.ensureParents(names.subList(0, names.size() - 1));
    switch (e.kind()) {
      case DIR -> parent.subdir(name).meta = e.meta();
      case SYMLINK -> parent.put(name,
          withMeta(name, NodeType.SYMLINK, e.meta()).linkTarget(target).build());
      case FILE -> {
        List<Id> reused = unchanged == null ? null : unchanged.reusableContent(e, names);
        if (reused != null) {
          // The content is the parent's; the metadata is read now, as for any file.
          parent.put(name, withMeta(name, NodeType.FILE, e.meta()).size(e.size())
              .content(reused).build());
          counts[0]++;
          counts[2]++;
          counts[3] += e.size();
          progress.addUnchanged(e.size());
          return;
        }
        try {
          FileContent c = storeContent(e, saver, workers);
          parent.put(name,
              withMeta(name, NodeType.FILE, e.meta()).size(c.size).content(c.ids).build());
          counts[0]++;
          counts[1] += c.size;
          progress.addItem();
        } catch (SourceUnreadable u) {
          LOG.warn("could not read {}: {}", e.path(), u.getCause().toString());
          unreadable.add(e.path().toString());
        }
      }
      default -> throw new IllegalStateException("unknown kind " + e.kind());
    }
  }

  /** The names along an absolute path, as the bytes the file system holds. */
  private static List<FileName> components(Path path) {
    byte[] b = NativeNames.bytesOf(path);
    List<FileName> names = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= b.length; i++) {
      if (i == b.length || b[i] == '/') {
        if (i > start) {
          names.add(FileName.of(Arrays.copyOfRange(b, start, i)));
        }
        start = i + 1;
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("the root folder has no name");
    }
    return names;
  }

  private record FileContent(long size, List<Id> ids) {}

  /** Thrown (wrapped) when a source file cannot be read; the backup goes on without it. */
  private static final class SourceUnreadable extends IOException {
    private static final long serialVersionUID = 1L;

    SourceUnreadable(IOException cause) {
      super(cause);
    }
  }

  private FileContent storeContent(SourceEntry e, BlobSaver saver, Workers workers)
      throws IOException, BulwarkException {
    int chunk = options.chunkBytesFor(e.alignment());
    int window = options.threads() * 3;
    Semaphore inFlight = new Semaphore(window);
    // Only the chunks still being saved have a future; every finished one leaves its id in the
    // compact list (32 bytes), so memory does not grow with the number of chunks.
    Deque<Future<Id>> pending = new ArrayDeque<>();
    IdList.Builder ids = IdList.builder();
    long size = 0;
    InputStream in;
    try {
      in = e.content().open();
    } catch (IOException ex) {
      throw new SourceUnreadable(ex);
    }
    try (in) {
      FixedChunker chunker = new FixedChunker(in, chunk);
      while (true) {
        byte[] c;
        try {
          c = chunker.next();
        } catch (IOException ex) {
          throw new SourceUnreadable(ex);
        }
        if (c == null) {
          break;
        }
        size += c.length;
        inFlight.acquireUninterruptibly();
        pending.add(workers.executor().submit(() -> {
          try {
            Id id = Id.hash(c);
            saver.save(BlobType.DATA, id, c, 0, c.length);
            progress.addBytes(c.length);
            return id;
          } finally {
            inFlight.release();
          }
        }));
        // Ids go in order: a finished chunk behind a slow one waits, but never more than a
        // window's worth of futures (a task releases its permit just before it completes).
        while (!pending.isEmpty() && (pending.peek().isDone() || pending.size() > 2 * window)) {
          ids.add(Futures.await(pending.poll()));
        }
        // isInterrupted, not interrupted(): the flag must stay set, or closing the workers on
        // the way out waits for a stalled upload instead of interrupting it.
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("backup interrupted");
        }
        saver.throwIfYieldRequested();
      }
      while (!pending.isEmpty()) {
        ids.add(Futures.await(pending.poll()));
      }
      return new FileContent(size, ids.build());
    } finally {
      for (Future<Id> f : pending) {
        f.cancel(false);
      }
    }
  }

  private Id saveTree(Dir dir, BlobSaver saver) throws IOException {
    List<Node> nodes = new ArrayList<>();
    for (var entry : dir.children.entrySet()) {
      Object child = entry.getValue();
      if (child instanceof Dir d) {
        Id sub = saveTree(d, saver);
        nodes.add(withMeta(entry.getKey(), NodeType.DIR, d.meta()).subtree(sub).build());
      } else {
        nodes.add((Node) child);
      }
    }
    return saver.saveTree(new Tree(nodes));
  }

  /** A node of {@code type} carrying {@code m}; the caller adds what only its type has. */
  private static Node.Builder withMeta(FileName name, NodeType type, FileMeta m) {
    return Node.builder(name, type)
        .permissions(m.permissions())
        .mtime(m.mtime())
        .atime(m.atime())
        .ctime(m.ctime())
        .uid(m.uid())
        .gid(m.gid())
        .user(m.user())
        .group(m.group())
        .inode(m.inode())
        .deviceId(m.deviceId())
        .links(type == NodeType.DIR ? 0 : m.links());
  }

  /** A directory being assembled: children by name, in byte order once written. */
  private static final class Dir {
    final TreeMap<FileName, Object> children = new TreeMap<>();
    final Path path;
    FileMeta meta;

    Dir(Path path) {
      this.path = path;
    }

    FileMeta meta() throws IOException {
      if (meta == null) {
        // An ancestor of a backed-up path: record it as it is on disk, as restic does.
        meta = path != null && Files.isDirectory(path) ? FileMeta.of(path)
            : FileMeta.synthetic(Instant.now()).withPermissions(0755);
      }
      return meta;
    }

    Dir subdir(FileName name) {
      Object o = children.get(name);
      if (o instanceof Dir d) {
        return d;
      }
      Dir d = new Dir(NativeNames.resolve(path == null ? Path.of("/") : path, name));
      children.put(name, d);
      return d;
    }

    void put(FileName name, Node n) {
      children.put(name, n);
    }

    Dir ensureParents(List<FileName> ancestors) {
      Dir d = this;
      for (FileName part : ancestors) {
        d = d.subdir(part);
      }
      return d;
    }
  }
}
