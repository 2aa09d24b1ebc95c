package dev.bulwark.spring;

import dev.bulwark.core.api.Database;
import dev.bulwark.rocksdb.RocksDbDatabase;
import java.nio.file.Path;
import org.rocksdb.RocksDB;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * The one place that names bulwark-rocksdb, an optional dependency: the JVM loads this class
 * only for {@code bulwark.database.kind: rocksdb}, after checking the module is there.
 */
final class RocksDbSupport {
  static final String ROCKSDB_CLASS = "org.rocksdb.RocksDB";
  private static final String MODULE_CLASS = "dev.bulwark.rocksdb.RocksDbDatabase";

  private RocksDbSupport() {}

  /** The RocksDB database in folder {@code dir}. */
  static Database database(Path dir) {
    if (!ClassUtils.isPresent(MODULE_CLASS, RocksDbSupport.class.getClassLoader())) {
      throw new BulwarkStartupException("bulwark.database.kind is rocksdb, but bulwark-rocksdb "
          + "is not on the class path", "Add the dependency dev.bulwark:bulwark-rocksdb.");
    }
    return Holder.at(dir);
  }

  /**
   * The database to back up while the application runs: through a checkpoint of the
   * application's own {@code RocksDB} bean open on {@code db}'s folder, or {@code db} itself
   * (read as a closed folder; refused while any process has it open) when there is none.
   */
  static Database live(ListableBeanFactory beans, Database db) {
    return Holder.live(beans, db);
  }

  /** Kept apart so that RocksDbSupport itself loads without bulwark-rocksdb. */
  private static final class Holder {
    static Database at(Path dir) {
      return RocksDbDatabase.at(dir);
    }

    static Database live(ListableBeanFactory beans, Database db) {
      for (RocksDB open : beans.getBeansOfType(RocksDB.class, false, false).values()) {
        if (Path.of(open.getName()).toAbsolutePath().normalize().equals(db.path())) {
          return RocksDbDatabase.of(open);
        }
      }
      return db;
    }
  }
}
