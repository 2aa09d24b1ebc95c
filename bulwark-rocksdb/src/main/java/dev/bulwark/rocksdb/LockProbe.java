package dev.bulwark.rocksdb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * Tells whether a RocksDB database folder is open, by asking RocksDB itself to take its
 * {@code LOCK}.
 *
 * <p>The probe opens the folder read-write with {@code error_if_exists}: RocksDB takes the lock
 * first and then refuses to go on because the database exists, so the open always fails, and
 * how it fails says who holds the lock. It writes nothing to the folder (RocksDB's own log goes
 * to SLF4J). This sees a database open in this process too: RocksDB keeps its own table of
 * the locks its process holds.
 *
 * <p>Why not {@code FileChannel.tryLock} on {@code LOCK}: RocksDB locks with {@code fcntl},
 * whose locks belong to a process, not to a file descriptor. In the process that has the
 * database open, {@code tryLock} succeeds, and releasing it (or closing the channel) silently
 * drops RocksDB's own lock, so another process could then open the database beside it.
 */
final class LockProbe {
  private static final String OTHER_PROCESS = "Resource temporarily unavailable";
  private static final String THIS_PROCESS = "lock hold by current process";

  private LockProbe() {}

  /**
   * Why {@code dir} cannot be used now (e.g. "is open in another process"), or empty when no
   * process holds its lock. A folder without a {@code LOCK} file is not locked.
   */
  static Optional<String> whyInUse(Path dir) {
    if (!Files.isRegularFile(dir.resolve("LOCK"))) {
      return Optional.empty();
    }
    try (Slf4jLogger logger = new Slf4jLogger();
        Options options = new Options().setCreateIfMissing(false).setErrorIfExists(true)
            .setLogger(logger);
        RocksDB unexpected = RocksDB.open(options, dir.toString())) {
      // error_if_exists makes an open of an existing database fail: this one had none.
      return Optional.empty();
    } catch (RocksDBException e) {
      Status s = e.getStatus();
      String message = String.valueOf(e.getMessage());
      if (s != null && s.getCode() == Status.Code.InvalidArgument) {
        return Optional.empty(); // the lock was taken and released
      }
      if (message.contains(OTHER_PROCESS)) {
        return Optional.of("is open in another process (its LOCK file is locked)");
      }
      if (message.contains(THIS_PROCESS)) {
        return Optional.of("is open in this process");
      }
      return Optional.of("cannot be checked for use by another process: " + message);
    }
  }
}
