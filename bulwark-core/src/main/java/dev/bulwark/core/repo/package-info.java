/**
 * A restic-format repository: opening and creating it, its keys, locks, index and snapshots.
 * {@link dev.bulwark.core.repo.Repository} is the entry point and the only holder of the
 * backend and master key: engines ask it for packs, blobs, index files and removals. {@link
 * dev.bulwark.core.repo.BlobSaver} packs new blobs into it through the {@link
 * dev.bulwark.core.repo.PackUploader}; {@link dev.bulwark.core.repo.TreeWalker} walks its
 * snapshot trees.
 */
package dev.bulwark.core.repo;
