/**
 * A restic-format repository: opening and creating it, its keys, locks, index and snapshots.
 * {@link dev.bulwark.core.repo.Repository} is the entry point; {@link
 * dev.bulwark.core.repo.BlobSaver} packs new blobs into it.
 */
package dev.bulwark.core.repo;
