package dev.bulwark.core.prune;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.index.IndexFile;
import dev.bulwark.core.index.PackBlobs;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.SegmentRef;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes from a repository the data no snapshot needs, as {@code restic prune} does: packs
 * with no needed blob are deleted, partly used packs beyond the {@link
 * PruneOptions#maxUnusedPercent() allowance} are repacked (their needed blobs copied into new
 * packs), packs no index names (left by killed backups) are deleted, extra copies of duplicate
 * blobs are dropped, and the index is rewritten. First it walks every snapshot's trees; if a
 * tree or a needed blob is missing or damaged it refuses, with a {@link
 * dev.bulwark.core.CorruptionException} naming it, before changing anything.
 *
 * <p><b>Why a kill at any instant loses nothing.</b> Everything happens under an exclusive
 * lock, so no backup adds snapshots or packs meanwhile, and the steps run in this order:
 * <ol>
 *   <li>Repack: new packs are written (atomically, like every file), and after every batch an
 *       index file naming the new packs finished so far. Nothing is deleted; the old index
 *       files still name every old pack, all of which exist. A kill leaves unindexed packs
 *       (which the next prune deletes) or indexed duplicates (which it drops).</li>
 *   <li>New index files naming every kept pack and every new pack, with {@code supersedes}
 *       listing the old index files. Until the last one is written the old files still
 *       describe everything; afterwards the new ones do, and old and new agree on every pack
 *       they both name.</li>
 *   <li>The old index files are deleted. At every instant each remaining index file names only
 *       packs that exist, and the new files alone name a copy of every needed blob.</li>
 *   <li>Packs no longer needed (unused, repacked, unindexed) are deleted. No remaining index
 *       file names them, so a kill midway leaves only unindexed packs.</li>
 *   <li>Temp files ({@code *-tmp-*}) of writers killed mid-write are deleted: under the
 *       exclusive lock no writer that leaves them can be running.</li>
 *   <li>Stream segments no remaining snapshot can replay, and those the {@link
 *       PruneOptions#streamRetention() stream retention} no longer needs, are deleted, each
 *       generation's in descending order of position, so that every point still ending a stored
 *       segment restores at every instant (see {@link StreamPlanner}).</li>
 * </ol>
 * So at any instant every snapshot's blobs are named by an index file and present in a pack,
 * and a second prune finishes the job.
 *
 * <p>The repository's in-memory {@link Repository#index()} is not updated: reopen the
 * repository to use it after a prune. Not thread-safe; one prune per repository at a time,
 * which the exclusive lock enforces across processes.
 */
public final class Pruner {
  private static final Logger LOG = LoggerFactory.getLogger(Pruner.class);
  /** Blobs per new index file (restic splits its index files at a similar size). */
  static final int INDEX_FILE_BLOBS = 50_000;
  /**
   * Temp files of lock and key writers, which run without a repository lock, are removed only
   * once this old: restic treats a lock of this age as stale too.
   */
  static final Duration LOCK_FREE_TEMP_AGE = Duration.ofMinutes(30);

  private final Repository repo;
  private final PruneOptions options;
  private final Progress progress;

  /**
   * A prune of {@code repo}, which the caller holds {@code lock} on.
   *
   * @throws IllegalArgumentException if {@code lock} is not exclusive
   */
  public Pruner(Repository repo, Lock lock, PruneOptions options, Progress progress) {
    if (!lock.isExclusive()) {
      throw new IllegalArgumentException("prune needs an exclusive lock");
    }
    this.repo = repo;
    this.options = options;
    this.progress = progress;
  }

  /**
   * Plans the prune and, unless the options ask for a dry run, carries it out.
   *
   * @throws dev.bulwark.core.CorruptionException if a snapshot needs a tree or blob that is
   *     missing or damaged (nothing is changed), or an index file is unreadable
   * @throws java.io.InterruptedIOException if interrupted between batches; what was done is
   *     durable and consistent
   */
  public PruneResult run() throws IOException, BulwarkException {
    long t0 = System.nanoTime();
    LOG.info("prune of {} started{}", repo.location(),
        options.isDryRun() ? " (dry run)" : "");
    PrunePlan plan = new Planner(repo, options).plan();
    StreamPrunePlan streams = new StreamPlanner(repo, options.streamRetention(),
        options.clock().instant()).plan();
    streams.warnings().forEach(w -> LOG.warn("prune: {}", w));
    LOG.info("prune plan: {} packs, {} keep, {} unused, {} to repack, {} unindexed",
        plan.packSizes().size(), plan.keep().size(), plan.unused().size(), plan.repack().size(),
        plan.unindexed().size());
    if (options.isDryRun()) {
      return result(plan, streams, true, plan.packsToWrite(options.packBytes()),
          plan.bytesKept() + plan.bytesToWrite(options.packBytes()), 0, t0);
    }
    progress.setTotalBytes(plan.bytesToRepack());
    Repacker repacker = new Repacker(repo, options, progress);
    List<Id> superseded = new ArrayList<>(plan.oldIndexes());
    if (!plan.isEmpty()) {
      repacker.repack(plan.repack());
      superseded.addAll(repacker.batchIndexes());
      writeIndex(plan, repacker.written(), superseded);
      for (Id old : superseded) {
        repo.removeIndex(old);
      }
      Set<Id> obsolete = new LinkedHashSet<>(plan.unused());
      obsolete.addAll(plan.repack().keySet());
      obsolete.addAll(plan.unindexed());
      // A new pack cannot equal an old one (its header is sealed with a fresh IV); if it ever
      // did, the file is needed now.
      repacker.written().forEach(p -> obsolete.remove(p.pack()));
      for (Id pack : obsolete) {
        repo.removePack(pack);
        progress.addItem();
      }
    }
    int temps = repo.removeTempFiles(LOCK_FREE_TEMP_AGE);
    removeSegments(streams);
    PruneResult r = result(plan, streams, false, repacker.written().size(),
        plan.bytesKept() + repacker.bytesWritten(), temps, t0);
    LOG.info("prune of {} finished in {} s: {} packs deleted, {} repacked into {}, {} unindexed "
        + "removed; {} -> {} bytes", repo.location(), String.format("%.1f",
        r.seconds()), r.packsDeleted(), r.packsRepacked(), r.packsWritten(),
        r.packsUnindexed(), r.bytesBefore(), r.bytesAfter());
    return r;
  }

  /** Deletes the stream plan's segments in its kill-safe order. */
  private void removeSegments(StreamPrunePlan streams) throws IOException {
    if (streams.remove().isEmpty()) {
      return;
    }
    streams.remove(repo);
    LOG.info("prune of {}: {} stream segments removed ({} generations)", repo.location(),
        streams.remove().size(), streams.generationsRemoved());
  }

  /** Writes index files for every kept and new pack; the first names the superseded files. */
  private void writeIndex(PrunePlan plan, List<PackBlobs> written, List<Id> superseded)
      throws IOException {
    List<PackBlobs> all = new ArrayList<>();
    for (var e : plan.keep().entrySet()) {
      all.add(new PackBlobs(e.getKey(), e.getValue()));
    }
    all.addAll(written);
    List<PackBlobs> file = new ArrayList<>();
    int blobs = 0;
    boolean first = true;
    for (PackBlobs p : all) {
      file.add(p);
      blobs += p.blobs().size();
      if (blobs >= INDEX_FILE_BLOBS) {
        repo.saveUnpacked(FileType.INDEX,
            new IndexFile(first ? superseded : List.of(), file).toJson());
        first = false;
        file.clear();
        blobs = 0;
      }
    }
    if (!file.isEmpty()) {
      repo.saveUnpacked(FileType.INDEX,
          new IndexFile(first ? superseded : List.of(), file).toJson());
    }
  }

  private PruneResult result(PrunePlan plan, StreamPrunePlan streams, boolean dryRun,
      long packsWritten, long bytesAfter, int temps, long t0) {
    boolean changes = !plan.isEmpty();
    return new PruneResult(dryRun, plan.packSizes().size(), plan.bytesBefore(),
        plan.keep().size(), plan.unused().size(), plan.repack().size(), plan.unindexed().size(),
        packsWritten, plan.blobsToRepack(), plan.bytesToRepack(), plan.unusedBlobs(),
        plan.duplicateBlobs(), plan.unusedBytesRemoved(), plan.unusedBytesLeft(), bytesAfter,
        plan.keep().size() + packsWritten, changes ? plan.oldIndexes().size() : 0, temps,
        (System.nanoTime() - t0) / 1e9, streams.remove().size(), streams.bytesRemoved(),
        streams.generationsRemoved(), streams.segmentsKept(), streams.bytesKept(),
        streams.remove().stream().map(SegmentRef::toString).toList(), streams.warnings());
  }
}
