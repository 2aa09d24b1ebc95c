package dev.bulwark.core.prune;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.index.IndexFile;
import dev.bulwark.core.index.PackBlobs;
import dev.bulwark.core.job.CheckpointCounter;
import dev.bulwark.core.pack.PackedBlob;
import dev.bulwark.core.repo.PackUploader;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies the needed blobs of partly used packs into new packs, one blob type per pack. Each
 * blob is decrypted, decompressed and hashed against its id before its stored bytes are copied
 * (the ciphertext is kept as it is: re-sealing would add nothing but work). New packs are
 * stored by a {@link PackUploader} on upload threads, as a backup stores them, while the next
 * source pack is read. After every batch of source packs, the new packs stored so far get an
 * index file of their own, so a kill loses at most one batch: the next prune finds those blobs
 * already in fully used packs.
 */
final class Repacker {
  private final Repository repo;
  private final PruneOptions options;
  private final Progress progress;
  // Filled on upload threads; read once the uploads were awaited.
  private final List<PackBlobs> written = new ArrayList<>();
  private final List<PackBlobs> unindexed = new ArrayList<>();
  private final List<Id> batchIndexes = new ArrayList<>();
  private final AtomicLong bytesWritten = new AtomicLong();

  Repacker(Repository repo, PruneOptions options, Progress progress) {
    this.repo = repo;
    this.options = options;
    this.progress = progress;
  }

  /**
   * Repacks every pack of {@code repack} (pack to the blobs to copy out of it). When it returns,
   * every new pack is stored; those of complete batches are named by the index files listed in
   * {@link #batchIndexes()}, the rest by no index yet.
   *
   * @throws dev.bulwark.core.CorruptionException if a blob to copy is damaged; nothing has been
   *     deleted at that point
   * @throws dev.bulwark.core.job.JobYieldedException if the checkpoint policy's signal asked
   *     at a batch's checkpoint; nothing has been deleted at that point
   */
  void repack(Map<Id, List<PackedBlob>> repack) throws IOException, BulwarkException {
    // A yield leaves the open packs unwritten: their blobs are still in their source packs.
    int connections = Math.max(1, repo.connections());
    try (Workers uploads = new Workers("prune", "upload", connections)) {
      PackUploader uploader = new PackUploader(repo, options.packBytes(), uploads.executor(),
          PackUploader.packsInFlight(connections, options.packBytes(),
              Runtime.getRuntime().maxMemory()), this::stored);
      CheckpointCounter checkpoints = new CheckpointCounter(options.checkpoints(), "prune");
      for (var e : repack.entrySet()) {
        copyFrom(e.getKey(), e.getValue(), uploader);
        progress.addItem();
        if (checkpoints.add(1)) {
          uploader.awaitUploads();
          writeBatchIndex();
          // Nothing is deleted yet: the batch's new packs duplicate blobs of packs that are
          // still indexed, which check accepts and the next prune plans away.
          checkpoints.checkpointed();
          // isInterrupted, not interrupted(): the flag must survive so that closing the upload
          // workers interrupts a stalled upload instead of waiting it out.
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("prune interrupted while repacking");
          }
        }
      }
      uploader.flush();
    }
    // The packs of the last, partial batch are named by the final index the caller writes next.
  }

  private void copyFrom(Id pack, List<PackedBlob> blobs, PackUploader uploader)
      throws IOException, BulwarkException {
    String where = "pack " + pack;
    byte[] data = repo.loadPack(pack);
    for (PackedBlob b : blobs) {
      if (b.offset() + b.length() > data.length) {
        throw new CorruptionException(where + ": blob " + b.id().shortForm()
            + " lies beyond the end of the pack; run `bulwark check --read-data`");
      }
      repo.openBlob(data, (int) b.offset(), b, where);
      byte[] sealed = Arrays.copyOfRange(data, (int) b.offset(), (int) b.offset() + b.length());
      uploader.add(b.type(), b.id(), sealed, b.uncompressedLength());
      progress.addBytes(b.length());
    }
  }

  private void stored(PackBlobs pack, long bytes) {
    bytesWritten.addAndGet(bytes);
    synchronized (written) {
      written.add(pack);
      unindexed.add(pack);
    }
  }

  private void writeBatchIndex() throws IOException {
    List<PackBlobs> packs;
    synchronized (written) {
      packs = List.copyOf(unindexed);
      unindexed.clear();
    }
    if (!packs.isEmpty()) {
      batchIndexes.add(repo.saveUnpacked(FileType.INDEX, new IndexFile(List.of(), packs)
          .toJson()));
    }
  }

  /** The new packs, each with its blobs. */
  List<PackBlobs> written() {
    synchronized (written) {
      return List.copyOf(written);
    }
  }

  /** Index files written for the new packs; the final index supersedes them. */
  List<Id> batchIndexes() {
    return batchIndexes;
  }

  /** Bytes of the new packs. */
  long bytesWritten() {
    return bytesWritten.get();
  }
}
