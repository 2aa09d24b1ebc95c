package dev.bulwark.spring;

import dev.bulwark.core.api.Database;
import dev.bulwark.rocksdb.RocksDbDatabase;
import java.nio.file.Path;
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

  /** Kept apart so that RocksDbSupport itself loads without bulwark-rocksdb. */
  private static final class Holder {
    static Database at(Path dir) {
      return RocksDbDatabase.at(dir);
    }
  }
}
