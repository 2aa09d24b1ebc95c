/**
 * Copying snapshots from one repository to another, as restic's {@code copy}: {@link
 * dev.bulwark.core.copy.SnapshotCopier} moves every blob a snapshot needs that the target lacks,
 * re-sealed under the target's key, and saves the snapshot with its {@code original} id, so a
 * second run finds it and copies nothing.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}), as the other engines: used by the CLI,
 * not part of the library API, and may change in any release.
 */
@NullMarked
package dev.bulwark.core.copy;

import org.jspecify.annotations.NullMarked;
