package dev.bulwark.core.stream;

import dev.bulwark.core.repo.Snapshot;

/**
 * What one fold made.
 *
 * @param snapshot the new snapshot, saved
 * @param position the stream position it holds (the last folded segment's last transaction)
 * @param segments how many segments were applied
 * @param chunksWritten content chunks of the database file that were rebuilt (patched, grown
 *     or cut); every other chunk id was kept as it was
 * @param newBlobs blobs (content and trees) that the repository did not hold yet
 * @param storedBytes bytes written to the repository (packs and index files)
 * @param seconds how long the fold took
 */
public record FoldResult(Snapshot snapshot, StreamPosition position, int segments,
    long chunksWritten, long newBlobs, long storedBytes, double seconds) {}
