/**
 * Restoring snapshots: {@link dev.bulwark.core.restore.Restorer} writes each file under a temp
 * name, verifying every blob against its id, and renames it into place only when complete.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part of
 * the library API, and may change in any release. Exported from it: {@link
 * dev.bulwark.core.restore.DatabaseKind} (the extension point for other databases), {@link
 * dev.bulwark.core.restore.RestoreOption} and {@link
 * dev.bulwark.core.restore.DatabaseRestorer.Result} with its {@link
 * dev.bulwark.core.restore.DatabaseRestorer.Outcome} (values the API takes and returns).
 */
@NullMarked
package dev.bulwark.core.restore;

import org.jspecify.annotations.NullMarked;
