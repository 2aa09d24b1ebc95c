package dev.bulwark.spring;

import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;

/**
 * Makes every bean of the application that opens the database depend on the {@link
 * RestoreGate}: each {@code javax.sql.DataSource}, and each {@code org.rocksdb.RocksDB} when
 * RocksDB is on the class path. Spring then creates the gate (restore, start-up check) before
 * any of them, whatever order the application declares its beans in.
 */
final class OpenAfterRestoreGate extends AbstractDependsOnBeanFactoryPostProcessor {
  /** The gate's bean name. */
  static final String GATE = "bulwarkRestoreGate";

  OpenAfterRestoreGate(Class<?> opensTheDatabase) {
    super(opensTheDatabase, GATE);
  }
}
