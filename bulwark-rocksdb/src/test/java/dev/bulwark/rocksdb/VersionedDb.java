package dev.bulwark.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * A test database whose every value derives from its version name and the key's index, so one
 * read tells which version a folder holds and whether it is whole (not a mix, nothing lost).
 */
final class VersionedDb {
  private static final byte[] VERSION = "version".getBytes(StandardCharsets.UTF_8);
  private static final byte[] COUNT = "count".getBytes(StandardCharsets.UTF_8);

  static {
    RocksDB.loadLibrary();
  }

  private VersionedDb() {}

  /**
   * Creates a closed database: {@code keys} keys of {@code valueBytes} random bytes, most in
   * table files (4 MiB write buffer), the last tenth only in the WAL.
   */
  static void create(Path dir, String version, int keys, int valueBytes)
      throws RocksDBException, java.io.IOException {
    Files.createDirectories(dir.getParent());
    try (Options o = new Options().setCreateIfMissing(true).setWriteBufferSize(4 << 20);
        RocksDB db = RocksDB.open(o, dir.toString());
        FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.put(VERSION, version.getBytes(StandardCharsets.UTF_8));
      db.put(COUNT, ByteBuffer.allocate(4).putInt(keys).array());
      for (int i = 0; i < keys; i++) {
        if (i == keys - keys / 10) {
          db.flush(flush);
        }
        db.put(key(i), value(version, i, valueBytes));
      }
    }
  }

  static byte[] key(int i) {
    return String.format("k%08d", i).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] value(String version, int i, int size) {
    byte[] v = new byte[size];
    SplittableRandom r = new SplittableRandom(version.hashCode() * 1_000_003L + i);
    for (int j = 0; j < size; j += 8) {
      long x = r.nextLong();
      for (int k = 0; k < 8 && j + k < size; k++) {
        v[j + k] = (byte) (x >>> (8 * k));
      }
    }
    return v;
  }

  /**
   * Opens {@code dir} read-only, verifies its checksums and every key and value, and returns
   * its version; fails the test if it is not exactly one whole version.
   */
  static String check(Path dir) throws RocksDBException {
    assertThat(dir.resolve("CURRENT")).as("a database at %s", dir).isRegularFile();
    try (Options o = new Options(); RocksDB db = RocksDB.openReadOnly(o, dir.toString())) {
      db.verifyChecksum();
      String version = new String(db.get(VERSION), StandardCharsets.UTF_8);
      int keys = ByteBuffer.wrap(db.get(COUNT)).getInt();
      int seen = 0;
      try (RocksIterator it = db.newIterator()) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          String k = new String(it.key(), StandardCharsets.UTF_8);
          if (k.startsWith("k")) {
            int i = Integer.parseInt(k.substring(1));
            assertThat(it.value()).as("value of %s in %s (version %s)", k, dir, version)
                .isEqualTo(value(version, i, it.value().length));
            seen++;
          }
        }
        it.status();
      }
      assertThat(seen).as("keys in %s (version %s)", dir, version).isEqualTo(keys);
      return version;
    }
  }

  /** Whether {@code dir} looks like a database folder at all. */
  static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve("CURRENT"));
  }
}
