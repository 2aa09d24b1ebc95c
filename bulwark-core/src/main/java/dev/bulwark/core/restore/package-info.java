/**
 * Restoring snapshots: {@link dev.bulwark.core.restore.Restorer} writes each file under a temp
 * name, verifying every blob against its id, and renames it into place only when complete.
 */
package dev.bulwark.core.restore;
