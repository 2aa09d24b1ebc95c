package dev.bulwark.sqlite;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;

/**
 * Loads SQLite's native library ahead of its first use. The driver extracts it from its jar
 * and compares it with the copy already extracted on every start of the JVM (tens of
 * milliseconds); a restore starts it at once, on a thread of its own, so that this overlaps
 * the repository's key derivation and the download instead of delaying the verification.
 */
final class SqliteLibrary {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteLibrary.class);
  private static volatile boolean started;

  private SqliteLibrary() {}

  /** Starts loading the library once per JVM; the first connection then finds it loaded. */
  static void loadInBackground() {
    if (started) {
      return;
    }
    started = true;
    Thread t = new Thread(SqliteLibrary::load, "bulwark-sqlite-load");
    t.setDaemon(true);
    t.start();
  }

  private static void load() {
    try {
      // Synchronized inside the driver: a connection opened meanwhile waits for this load.
      SQLiteJDBCLoader.initialize();
    } catch (Exception | LinkageError e) {
      // The first connection loads it again and reports the failure where it matters.
      LOG.debug("loading SQLite's native library ahead of use failed: {}", e.toString());
    }
  }
}
