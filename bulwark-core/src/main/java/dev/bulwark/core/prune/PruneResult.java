package dev.bulwark.core.prune;

import java.util.List;

/**
 * What a prune did, or for a dry run what it would do. Sizes count pack files only (index,
 * snapshot and key files are small).
 *
 * @param dryRun true if nothing was changed and the numbers are the plan's
 * @param packsBefore pack files in the repository before
 * @param bytesBefore their bytes
 * @param packsKept packs left as they are (fully used, or partly used within the allowance)
 * @param packsDeleted packs removed because no snapshot needs any of their blobs
 * @param packsRepacked partly used packs whose used blobs were copied into new packs
 * @param packsUnindexed packs no index named (left by killed backups or prunes), removed
 * @param packsWritten new packs written by repacking (predicted for a dry run)
 * @param blobsRepacked blobs copied into new packs
 * @param bytesRepacked stored bytes of those blobs
 * @param unusedBlobs indexed blobs no snapshot needs, including extra copies of duplicates
 * @param duplicateBlobs blobs stored more than once whose extra copies are unused
 * @param unusedBytesRemoved stored bytes of unused blobs removed with their packs
 * @param unusedBytesLeft stored bytes of unused blobs left in kept packs
 * @param bytesAfter pack bytes after the prune (predicted for a dry run)
 * @param packsAfter pack files after the prune
 * @param indexFilesReplaced old index files replaced by new ones
 * @param tempFilesRemoved temp files of killed writers removed
 * @param seconds wall time
 * @param streamSegmentsRemoved stream segments removed (see {@code StreamRetention})
 * @param streamBytesRemoved their stored bytes
 * @param streamGenerationsRemoved stream generations removed entirely
 * @param streamSegmentsKept stream segments left
 * @param streamBytesKept their stored bytes
 * @param streamRemoved the removed segments' paths under the repository, in removal order
 * @param streamWarnings streams left as they were because they could not be judged (a gap, a
 *     snapshot whose stream tags do not parse), one line each
 */
public record PruneResult(boolean dryRun, long packsBefore, long bytesBefore, long packsKept,
    long packsDeleted, long packsRepacked, long packsUnindexed, long packsWritten,
    long blobsRepacked, long bytesRepacked, long unusedBlobs, long duplicateBlobs,
    long unusedBytesRemoved, long unusedBytesLeft, long bytesAfter, long packsAfter,
    long indexFilesReplaced, long tempFilesRemoved, double seconds,
    long streamSegmentsRemoved, long streamBytesRemoved, long streamGenerationsRemoved,
    long streamSegmentsKept, long streamBytesKept, List<String> streamRemoved,
    List<String> streamWarnings) {

  /**
   * Copies the lists, so the result cannot change under its reader.
   *
   * @param dryRun true if nothing was changed and the numbers are the plan's
   * @param packsBefore pack files in the repository before
   * @param bytesBefore their bytes
   * @param packsKept packs left as they are (fully used, or partly used within the allowance)
   * @param packsDeleted packs removed because no snapshot needs any of their blobs
   * @param packsRepacked partly used packs whose used blobs were copied into new packs
   * @param packsUnindexed packs no index named (left by killed backups or prunes), removed
   * @param packsWritten new packs written by repacking (predicted for a dry run)
   * @param blobsRepacked blobs copied into new packs
   * @param bytesRepacked stored bytes of those blobs
   * @param unusedBlobs indexed blobs no snapshot needs, including extra copies of duplicates
   * @param duplicateBlobs blobs stored more than once whose extra copies are unused
   * @param unusedBytesRemoved stored bytes of unused blobs removed with their packs
   * @param unusedBytesLeft stored bytes of unused blobs left in kept packs
   * @param bytesAfter pack bytes after the prune (predicted for a dry run)
   * @param packsAfter pack files after the prune
   * @param indexFilesReplaced old index files replaced by new ones
   * @param tempFilesRemoved temp files of killed writers removed
   * @param seconds wall time
   * @param streamSegmentsRemoved stream segments removed (see {@code StreamRetention})
   * @param streamBytesRemoved their stored bytes
   * @param streamGenerationsRemoved stream generations removed entirely
   * @param streamSegmentsKept stream segments left
   * @param streamBytesKept their stored bytes
   * @param streamRemoved the removed segments' paths under the repository, in removal order
   * @param streamWarnings streams left as they were because they could not be judged (a gap, a
   *     snapshot whose stream tags do not parse), one line each
   */
  public PruneResult {
    streamRemoved = List.copyOf(streamRemoved);
    streamWarnings = List.copyOf(streamWarnings);
  }

  /**
   * True if the prune had nothing to remove or rewrite.
   *
   * @return true if nothing was removed or rewritten
   */
  public boolean nothingToDo() {
    return packsDeleted == 0 && packsRepacked == 0 && packsUnindexed == 0
        && indexFilesReplaced == 0 && streamSegmentsRemoved == 0;
  }

  /**
   * True if the repository holds stream segments (before the prune).
   *
   * @return true if segments were found
   */
  public boolean hasStreams() {
    return streamSegmentsRemoved + streamSegmentsKept > 0;
  }
}
