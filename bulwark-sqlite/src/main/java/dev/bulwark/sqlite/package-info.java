/**
 * SQLite for Bulwark: {@link dev.bulwark.sqlite.SqliteSource} backs up a live database as a
 * consistent, page-aligned image (SQLite's online backup API, one step, into a private scratch
 * copy), and {@link dev.bulwark.sqlite.SqliteKind} verifies a restored database and swaps it
 * into place so that a crash leaves the old or the new one, never a mix.
 *
 * <p>{@link dev.bulwark.sqlite.SqliteDatabase} is both, for the library: {@code
 * repo.backup(SqliteDatabase.at(path))} and {@code
 * repo.restoreIfMissing(SqliteDatabase.at(path))}.
 */
@NullMarked
package dev.bulwark.sqlite;

import org.jspecify.annotations.NullMarked;
