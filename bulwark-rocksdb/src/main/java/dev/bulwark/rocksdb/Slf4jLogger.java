package dev.bulwark.rocksdb;

import org.rocksdb.InfoLogLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the messages of a RocksDB instance Bulwark opens to SLF4J. Setting a logger also stops
 * RocksDB from creating (and rotating) a {@code LOG} file in the database folder, which would
 * change the very folder being backed up or verified.
 */
final class Slf4jLogger extends org.rocksdb.Logger {
  private static final Logger LOG = LoggerFactory.getLogger(Slf4jLogger.class);

  Slf4jLogger() {
    super(InfoLogLevel.WARN_LEVEL);
  }

  @Override
  protected void log(InfoLogLevel level, String message) {
    if (level == InfoLogLevel.ERROR_LEVEL || level == InfoLogLevel.FATAL_LEVEL) {
      LOG.warn("rocksdb: {}", message);
    } else {
      LOG.debug("rocksdb: {}", message);
    }
  }
}
