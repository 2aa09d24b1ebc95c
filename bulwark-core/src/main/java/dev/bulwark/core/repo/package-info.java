/**
 * A restic-format repository: opening and creating it, its keys, locks, index and snapshots.
 * {@link dev.bulwark.core.repo.Repository} is the entry point; {@link
 * dev.bulwark.core.repo.BlobSaver} packs new blobs into it.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release. Exported from it: {@link
 * dev.bulwark.core.repo.Snapshot} (a value the API returns).
 */
@NullMarked
package dev.bulwark.core.repo;

import org.jspecify.annotations.NullMarked;
