package dev.bulwark.junit;

import dev.bulwark.core.api.Database;
import dev.bulwark.rocksdb.RocksDbKind;
import dev.bulwark.sqlite.SqliteDatabase;
import dev.bulwark.sqlite.SqliteKind;
import java.nio.file.Path;

/**
 * The library's {@link Database} for a database of a kind a snapshot records. bulwark-rocksdb is
 * an optional dependency of this module: its classes are loaded only for a RocksDB database
 * ({@link RocksDbDrillDatabase}), so a SQLite drill runs without RocksDB on the class path.
 */
final class DrillDatabases {
  private DrillDatabases() {}

  /**
   * The database that was at {@code path}, of kind {@code kind}.
   *
   * @throws RestoreDrillException if the kind is unknown, or RocksDB's module is missing
   */
  static Database of(String kind, Path path) throws RestoreDrillException {
    if (kind.equals(SqliteKind.NAME)) {
      return SqliteDatabase.at(path);
    }
    // RocksDbKind.NAME is a compile-time constant: comparing it loads no RocksDB class.
    if (kind.equals(RocksDbKind.NAME)) {
      try {
        return RocksDbDrillDatabase.at(path);
      } catch (NoClassDefFoundError e) {
        throw new RestoreDrillException("restore drill: " + path + " is a RocksDB database;"
            + " add dev.bulwark:bulwark-rocksdb to the test class path to drill it", e);
      }
    }
    throw new RestoreDrillException("restore drill: " + path + " is a database of kind "
        + kind + ", which this version of bulwark-junit cannot restore");
  }
}
