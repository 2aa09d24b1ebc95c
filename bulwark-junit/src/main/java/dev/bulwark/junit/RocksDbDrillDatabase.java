package dev.bulwark.junit;

import dev.bulwark.core.api.Database;
import dev.bulwark.rocksdb.RocksDbDatabase;
import java.nio.file.Path;

/**
 * The one class that names bulwark-rocksdb's types, so that they are loaded only when a drill
 * restores a RocksDB database (the module is an optional dependency).
 */
final class RocksDbDrillDatabase {
  private RocksDbDrillDatabase() {}

  /** The RocksDB database that was in folder {@code path}. */
  static Database at(Path path) {
    return RocksDbDatabase.at(path);
  }
}
