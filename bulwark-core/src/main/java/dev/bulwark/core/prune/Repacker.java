package dev.bulwark.core.prune;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.index.IndexFile;
import dev.bulwark.core.index.PackBlobs;
import dev.bulwark.core.Progress;
import dev.bulwark.core.pack.BlobCodec;
import dev.bulwark.core.pack.FinishedPack;
import dev.bulwark.core.pack.PackWriter;
import dev.bulwark.core.pack.PackedBlob;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Copies the needed blobs of partly used packs into new packs, one blob type per pack. Each
 * blob is decrypted, decompressed and hashed against its id before its stored bytes are copied
 * (the ciphertext is kept as it is: re-sealing would add nothing but work). After every batch
 * of source packs, the new packs finished so far get an index file of their own, so a kill
 * loses at most one batch: the next prune finds those blobs already in fully used packs.
 */
final class Repacker {
  private final Repository repo;
  private final PruneOptions options;
  private final Progress progress;
  private final Map<BlobType, PackWriter> writers = new EnumMap<>(BlobType.class);
  private final List<PackBlobs> written = new ArrayList<>();
  private final List<PackBlobs> unindexed = new ArrayList<>();
  private final List<Id> batchIndexes = new ArrayList<>();
  private long bytesWritten;

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
   */
  void repack(Map<Id, List<PackedBlob>> repack) throws IOException, BulwarkException {
    int inBatch = 0;
    for (var e : repack.entrySet()) {
      copyFrom(e.getKey(), e.getValue());
      progress.addItem();
      if (++inBatch == options.batchPacks()) {
        inBatch = 0;
        writeBatchIndex();
        if (Thread.interrupted()) {
          throw new InterruptedIOException("prune interrupted while repacking");
        }
      }
    }
    for (PackWriter w : writers.values()) {
      store(w.finish());
    }
    writers.clear();
    // The packs of the last, partial batch are named by the final index the caller writes next.
  }

  private void copyFrom(Id pack, List<PackedBlob> blobs) throws IOException, BulwarkException {
    String where = "pack " + pack;
    byte[] data = repo.backend().load(Handle.of(FileType.PACK, pack), 0, -1);
    for (PackedBlob b : blobs) {
      if (b.offset() + b.length() > data.length) {
        throw new dev.bulwark.core.CorruptionException(where + ": blob " + b.id().shortForm()
            + " lies beyond the end of the pack; run `bulwark check --read-data`");
      }
      BlobCodec.open(repo.key(), data, (int) b.offset(), b, where);
      byte[] sealed = Arrays.copyOfRange(data, (int) b.offset(), (int) b.offset() + b.length());
      PackWriter w = writers.computeIfAbsent(b.type(),
          t -> new PackWriter(repo.key(), options.packBytes() + options.packBytes() / 8));
      w.add(b.type(), b.id(), sealed, b.uncompressedLength());
      progress.addBytes(b.length());
      if (w.size() >= options.packBytes()) {
        writers.remove(b.type());
        store(w.finish());
      }
    }
  }

  private void store(FinishedPack p) throws IOException {
    repo.backend().save(Handle.of(FileType.PACK, p.id()), p.bytes(), 0, p.length());
    bytesWritten += p.length();
    PackBlobs pb = new PackBlobs(p.id(), p.blobs());
    written.add(pb);
    unindexed.add(pb);
  }

  private void writeBatchIndex() throws IOException {
    if (!unindexed.isEmpty()) {
      batchIndexes.add(repo.saveUnpacked(FileType.INDEX,
          new IndexFile(List.of(), unindexed).toJson()));
      unindexed.clear();
    }
  }

  /** The new packs, each with its blobs. */
  List<PackBlobs> written() {
    return written;
  }

  /** Index files written for the new packs; the final index supersedes them. */
  List<Id> batchIndexes() {
    return batchIndexes;
  }

  /** Bytes of the new packs. */
  long bytesWritten() {
    return bytesWritten;
  }
}
