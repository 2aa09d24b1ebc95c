package dev.bulwark.core.backup;

import dev.bulwark.core.repo.Snapshot;

/**
 * What a backup did.
 *
 * @param snapshot the saved snapshot
 * @param files files stored (read or reused)
 * @param bytesRead content bytes read from the sources
 * @param newBlobs blobs that were not yet in the repository
 * @param bytesAdded bytes written to the repository (packs and index files)
 * @param seconds wall time
 * @param filesUnchanged files whose content list was reused from the parent without reading
 * @param bytesUnchanged the size of those files
 */
public record BackupResult(Snapshot snapshot, long files, long bytesRead, long newBlobs,
    long bytesAdded, double seconds, long filesUnchanged, long bytesUnchanged) {

  /** A result where nothing was reused from a parent. */
  public BackupResult(Snapshot snapshot, long files, long bytesRead, long newBlobs,
      long bytesAdded, double seconds) {
    this(snapshot, files, bytesRead, newBlobs, bytesAdded, seconds, 0, 0);
  }
}
