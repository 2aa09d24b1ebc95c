package dev.bulwark.cli.source;

import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.core.NotReplicableException;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.restore.DatabaseKind;
import dev.bulwark.core.stream.Replicable;
import dev.bulwark.rocksdb.RocksDbKind;
import dev.bulwark.rocksdb.RocksDbSource;
import dev.bulwark.sqlite.SqliteKind;
import dev.bulwark.sqlite.SqliteSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sources of one database snapshot, as {@code bulwark backup --sqlite/--rocksdb --file} and
 * {@code bulwark run} take them: the database itself plus the files that travel with it.
 *
 * <p>A RocksDB database is read as a closed folder ({@link RocksDbSource#offline}): a separate
 * process cannot checkpoint another process's open RocksDB, so a service that keeps its RocksDB
 * open backs it up through the library ({@code RocksDbSource.of(db)}).
 */
public final class DatabaseSources {
  private DatabaseSources() {}

  /** The consistent source of the database at {@code path}. */
  public static Source database(DatabaseType type, Path path) {
    return switch (type) {
      case SQLITE -> SqliteSource.of(path);
      case ROCKSDB -> RocksDbSource.offline(path);
    };
  }

  /**
   * The database at {@code path} as a source whose committed transactions can be streamed.
   *
   * @throws NotReplicableException for a kind of database that cannot stream (RocksDB)
   */
  public static Replicable replicable(DatabaseType type, Path path)
      throws NotReplicableException {
    Source s = database(type, path);
    if (s instanceof Replicable r) {
      return r;
    }
    throw new NotReplicableException("cannot stream " + path + ": only a SQLite database "
        + "streams its transactions; a " + type.name().toLowerCase(java.util.Locale.ROOT)
        + " database is backed up by its schedule");
  }

  /** Files that travel with a database (keys, configs): recorded owner-only, restored 0600. */
  public static Source travelling(List<Path> files) {
    return FileSource.of(files).ownerOnly();
  }

  /** The database and, if any, its travelling files: the sources of one snapshot. */
  public static List<Source> snapshotOf(DatabaseType type, Path path, List<Path> files) {
    List<Source> out = new ArrayList<>();
    out.add(database(type, path));
    if (!files.isEmpty()) {
      out.add(travelling(files));
    }
    return out;
  }

  /** How a restore of this kind of database verifies and swaps it in. */
  public static DatabaseKind restoreKind(DatabaseType type) {
    return switch (type) {
      case SQLITE -> new SqliteKind();
      case ROCKSDB -> new RocksDbKind();
    };
  }
}
