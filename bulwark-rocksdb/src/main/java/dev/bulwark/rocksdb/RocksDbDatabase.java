package dev.bulwark.rocksdb;

import dev.bulwark.core.api.AbstractDatabase;
import java.nio.file.Path;
import org.rocksdb.RocksDB;

/**
 * A RocksDB database folder, for backing it up ({@link RocksDbSource}) and restoring it to the
 * same place ({@link RocksDbKind}: verified, then swapped in under a journal). A database this
 * process keeps open is backed up through a checkpoint ({@link #of(RocksDB)}); restoring it
 * needs it closed, as restoring over an open database is refused.
 */
public final class RocksDbDatabase extends AbstractDatabase {
  private RocksDbDatabase(Path path, RocksDbSource source) {
    super(path, source, new RocksDbKind());
  }

  /**
   * The closed database in folder {@code dir} (made absolute), read as it is.
   *
   * @param dir the database folder; a relative path resolves against the working directory
   * @return the database, for {@code repo.backup} and {@code repo.restore}; nothing is opened yet
   */
  public static RocksDbDatabase at(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    return new RocksDbDatabase(abs, RocksDbSource.offline(abs));
  }

  /**
   * The live database {@code db}, open in this process, backed up through a checkpoint.
   *
   * @param db the open database; it must stay open while a backup runs, and is never closed here
   * @return the database, for {@code repo.backup}
   */
  public static RocksDbDatabase of(RocksDB db) {
    return new RocksDbDatabase(Path.of(db.getName()).toAbsolutePath().normalize(),
        RocksDbSource.of(db));
  }
}
