package dev.bulwark.core.copy;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.index.BlobLocation;
import dev.bulwark.core.job.CheckpointCounter;
import dev.bulwark.core.repo.BlobSaver;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.PackUploader;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.repo.TreeWalker;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import dev.bulwark.core.tree.Tree;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies snapshots from a source repository into a target repository (restic's {@code copy}).
 * For each snapshot it walks the source's trees and copies every blob the target's index lacks:
 * read from the source (the close blobs of a pack in one ranged read) and checked against its
 * id, then compressed and sealed under the target's key by the target's {@link BlobSaver}, one
 * blob at a time, so memory does not grow with the size of a file. Once the blobs are durable
 * and indexed it saves the snapshot in the target with {@code original} naming the source
 * snapshot (or the source's own original).
 *
 * <p>Idempotent and resumable: a source snapshot whose copy the target holds already is
 * skipped, and blobs are copied only when the target's index lacks them; the saver writes an
 * index checkpoint every few packs, so a copy killed at any instant leaves a target that passes
 * check, and the next run reuses every pack a checkpoint indexed. Blobs are not re-chunked: a
 * target with other chunker parameters than the source's stores copies that will not
 * deduplicate with its own backups of the same data ({@link #sharesChunkerParameters()}).
 *
 * <p>Cancellation: an interrupt stops the copy at the next file or range read ({@link
 * InterruptedIOException}); the checkpoint policy's yield signal stops it at the next index
 * checkpoint ({@link dev.bulwark.core.job.JobYieldedException}). Not thread-safe: one copy at a
 * time per copier.
 */
public final class SnapshotCopier {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotCopier.class);

  private final Repository source;
  private final Repository target;
  private final CopyOptions options;
  private final Progress progress;

  /**
   * A copier from {@code source} to {@code target}, both open, with or without their indexes
   * (read under the locks of {@link #copy} when a snapshot is to be copied); {@code progress}
   * counts the plaintext bytes of the blobs copied.
   */
  public SnapshotCopier(Repository source, Repository target, CopyOptions options,
      Progress progress) {
    if (source == target) {
      throw new IllegalArgumentException("a copy needs two repositories");
    }
    this.source = source;
    this.target = target;
    this.options = options;
    this.progress = progress;
  }

  /**
   * True if both repositories chunk with the same polynomial. Bulwark chunks database files at
   * fixed sizes, so this matters for files backed up by restic (content-defined chunks), whose
   * copies then deduplicate with the target's own backups of the same data.
   */
  public boolean sharesChunkerParameters() {
    return source.config().chunkerPolynomial().equals(target.config().chunkerPolynomial());
  }

  /**
   * Copies {@code snapshots} (of the source) into the target, in order, telling {@code done}
   * of each as it is copied or found present (on the calling thread).
   *
   * @param sourceLock a lock held on the source (shared), for the whole call; null to read a
   *     source that cannot be locked (read-only media or credentials), which a concurrent prune
   *     may then change under the copy
   * @param targetLock a lock held on the target (shared), for the whole call
   * @throws IllegalArgumentException if a lock is not held on its repository, or a snapshot
   *     has no id
   * @throws dev.bulwark.core.CorruptionException if a blob of the source is missing or damaged
   *     (the snapshot being copied is not saved; those before it are)
   * @throws dev.bulwark.core.job.JobYieldedException if the checkpoint policy asked to yield:
   *     the snapshot being copied is not saved, and the next copy reuses every indexed pack
   * @throws InterruptedIOException if interrupted
   */
  public CopyResult copy(@Nullable Lock sourceLock, Lock targetLock, List<Snapshot> snapshots,
      Consumer<SnapshotCopy> done) throws IOException, BulwarkException {
    if ((sourceLock != null && !sourceLock.isHeldOn(source)) || !targetLock.isHeldOn(target)) {
      throw new IllegalArgumentException("a copy needs a lock held on each repository");
    }
    for (Snapshot s : snapshots) {
      if (s.id() == null) {
        throw new IllegalArgumentException("only saved snapshots can be copied");
      }
    }
    long t0 = System.nanoTime();
    TargetCopies copies = new TargetCopies(target.snapshots());
    boolean indexesLoaded = false;
    int connections = Math.max(1, target.connections());
    List<SnapshotCopy> results = new ArrayList<>();
    try (Workers uploads = new Workers("copy", "upload", connections);
        Workers readers = new Workers("copy", "read", options.threads())) {
      BlobSaver saver = new BlobSaver(target, options.packBytes(), options.zstdLevel(),
          uploads.executor(), PackUploader.packsInFlight(connections, options.packBytes(),
              Runtime.getRuntime().maxMemory()),
          new CheckpointCounter(options.checkpoints(), "copy to " + target.location()));
      Set<Id> treesCopied = new HashSet<>();
      for (Snapshot s : snapshots) {
        Optional<Snapshot> present = copies.copyOf(s);
        SnapshotCopy result;
        if (present.isPresent()) {
          LOG.debug("snapshot {} is in the target already as {}", s.id().shortForm(),
              present.get().id().shortForm());
          result = new SnapshotCopy(s, present.get(), SnapshotCopy.Outcome.ALREADY_PRESENT, 0,
              0);
        } else {
          if (!indexesLoaded) {
            // Only once something is to be copied: a run that finds every snapshot copied
            // reads no index. Under the locks no prune runs on either side, so what the index
            // files say now stays true.
            source.loadIndex();
            target.loadIndex();
            indexesLoaded = true;
          }
          long blobsBefore = saver.newBlobs();
          long bytesBefore = saver.storedBytes();
          copyBlobs(s.tree(), saver, readers, treesCopied);
          saver.flush();
          Snapshot copy = target.saveSnapshot(new Snapshot(null, s.time(), null, s.tree(),
              s.paths(), s.hostname(), s.username(), s.uid(), s.gid(), s.excludes(), s.tags(),
              TargetCopies.originalOf(s), s.offset()));
          copies.add(copy);
          LOG.info("snapshot {} copied to {}", s.id().shortForm(), copy.id().shortForm());
          result = new SnapshotCopy(s, copy, SnapshotCopy.Outcome.COPIED,
              saver.newBlobs() - blobsBefore, saver.storedBytes() - bytesBefore);
        }
        results.add(result);
        done.accept(result);
      }
      return new CopyResult(results, saver.newBlobs(), saver.storedBytes(),
          (System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * Copies every blob below the tree {@code root} that the target lacks: trees as they are
   * walked, file contents gathered into batches read pack by pack.
   */
  private void copyBlobs(Id root, BlobSaver saver, Workers readers, Set<Id> treesCopied)
      throws IOException, BulwarkException {
    BlobBatch batch = new BlobBatch(source, saver, readers, options.threads() * 2, progress);
    TreeWalker walker = new TreeWalker(id -> copyTree(id, saver),
        TreeWalker.ErrorPolicy.STOP);
    walker.walk(root, new TreeWalker.Visitor() {
      @Override
      public boolean enterTree(Id tree, String path) {
        // A tree walked once in this copy was copied whole (or the copy failed).
        return treesCopied.add(tree);
      }

      @Override
      public boolean visit(Id parent, String path, Node node)
          throws IOException, BulwarkException {
        if (node.type() != NodeType.FILE) {
          return true;
        }
        for (Id id : node.content()) {
          if (saver.has(BlobType.DATA, id)) {
            continue;
          }
          BlobLocation loc = source.index().find(BlobType.DATA, id).orElseThrow(() ->
              new CorruptionException("source repository: data blob " + id.shortForm()
                  + " of " + path + " is not in the index"));
          batch.add(loc);
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("copy interrupted");
        }
        return true;
      }
    });
    batch.flush();
    saver.throwIfYieldRequested();
  }

  /**
   * Reads the tree from the source (checked against its id) and saves it in the target unless
   * it is there. A tree whose JSON {@link Tree#writeJson} reproduces byte for byte (all of
   * ours, and restic's) is written again from its nodes, which never holds a large one as one
   * array; another writer's (with fields we do not keep) is copied as its bytes.
   */
  private Tree copyTree(Id id, BlobSaver saver) throws IOException, BulwarkException {
    Tree tree = source.loadTree(id);
    if (saver.has(BlobType.TREE, id)) {
      return tree;
    }
    if (tree.id().equals(id)) {
      saver.saveTree(tree);
      progress.addBytes(tree.jsonLength());
    } else {
      byte[] plain = source.loadBlob(BlobType.TREE, id);
      if (saver.save(BlobType.TREE, id, plain, 0, plain.length)) {
        progress.addBytes(plain.length);
      }
    }
    return tree;
  }
}
