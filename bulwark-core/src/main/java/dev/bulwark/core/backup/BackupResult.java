package dev.bulwark.core.backup;

import dev.bulwark.core.repo.Snapshot;

/**
 * What a backup did.
 *
 * @param snapshot the saved snapshot
 * @param files files stored
 * @param bytesRead content bytes read from the sources
 * @param newBlobs blobs that were not yet in the repository
 * @param bytesAdded bytes written to the repository (packs and index files)
 * @param seconds wall time
 */
public record BackupResult(Snapshot snapshot, long files, long bytesRead, long newBlobs,
    long bytesAdded, double seconds) {}
