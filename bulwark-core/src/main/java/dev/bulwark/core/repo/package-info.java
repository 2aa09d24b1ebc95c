/**
 * A restic-format repository: opening and creating it, its keys, locks, index and snapshots.
 * {@link dev.bulwark.core.repo.Repository} is the entry point and the only holder of the
 * backend and master key: engines ask it for packs, blobs, index files and removals. {@link
 * dev.bulwark.core.repo.BlobSaver} packs new blobs into it through the {@link
 * dev.bulwark.core.repo.PackUploader}; {@link dev.bulwark.core.repo.TreeWalker} walks its
 * snapshot trees.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release. Exported from it: {@link
 * dev.bulwark.core.repo.Snapshot} (a value the API returns).
 */
@NullMarked
package dev.bulwark.core.repo;

import org.jspecify.annotations.NullMarked;
