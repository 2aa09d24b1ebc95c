/**
 * SQLite for Bulwark: consistent online snapshots of a live database as a backup source, and
 * restores that verify a database before putting it in place.
 */
package dev.bulwark.sqlite;
