/**
 * {@code bulwark run}: the daemon that backs up each configured database on its schedule,
 * applies retention, verifies, restores missing databases on start, and answers the HTTP API
 * ({@link DaemonControl} is the seam between the two).
 */
@NullMarked
package dev.bulwark.cli.daemon;

import org.jspecify.annotations.NullMarked;
