/**
 * Restoring snapshots: {@link dev.bulwark.core.restore.Restorer} writes each file under a temp
 * name, verifying every blob against its id, and renames it into place only when complete.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release. Exported from it: {@link
 * dev.bulwark.core.restore.DatabaseKind} (the extension point for other databases).
 */
@NullMarked
package dev.bulwark.core.restore;

import org.jspecify.annotations.NullMarked;
