package dev.bulwark.core.api;

import dev.bulwark.core.backup.Source;
import dev.bulwark.core.restore.DatabaseKind;
import java.nio.file.Path;

/**
 * One database, for both directions: backed up as a {@link Source} ({@code
 * repo.backup(SqliteDatabase.at(path))}) and restored to the same path by its {@link
 * DatabaseKind} ({@code repo.restore(SqliteDatabase.at(path), SnapshotRef.latest())}).
 * Implemented by {@code SqliteDatabase} (bulwark-sqlite) and {@code RocksDbDatabase}
 * (bulwark-rocksdb).
 */
public interface Database extends Source {
  /**
   * Where the database lives; snapshots of it are found by this path.
   *
   * @return the absolute, normalized path of the database file or folder
   */
  Path path();

  /**
   * How a snapshot of it is verified and swapped into place.
   *
   * @return how this kind of database is checked and swapped in by a restore
   */
  DatabaseKind kind();
}
