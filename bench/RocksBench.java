import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.rocksdb.BackupEngine;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.Checkpoint;
import org.rocksdb.CompressionType;
import org.rocksdb.Env;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB side of bench/rocksdb.sh, run as a single-file program with rocksdbjni on the
 * class path: make a database, add to it, take a checkpoint, back it up with BackupEngine.
 *
 * <pre>
 *   gen DIR MIB           a new database of MIB MiB of incompressible 4 KiB values (64 MiB tables)
 *   add DIR MIB SEED      MIB MiB more under new keys, flushed into new tables
 *   checkpoint DIR OUT    a RocksDB checkpoint of DIR at OUT (hard links to the tables)
 *   engine DIR BACKUPS    BackupEngine.createNewBackup of DIR into BACKUPS (shared tables)
 * </pre>
 */
public final class RocksBench {
  private static final int VALUE_BYTES = 4096;

  public static void main(String[] args) throws Exception {
    RocksDB.loadLibrary();
    switch (args[0]) {
      case "gen" -> write(Path.of(args[1]), Long.parseLong(args[2]), 1, true);
      case "add" -> write(Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]),
          false);
      case "checkpoint" -> {
        try (Options o = options(); RocksDB db = RocksDB.open(o, args[1]);
            Checkpoint c = Checkpoint.create(db)) {
          c.createCheckpoint(args[2]);
        }
      }
      case "engine" -> {
        Files.createDirectories(Path.of(args[2]));
        try (Options o = options(); RocksDB db = RocksDB.open(o, args[1]);
            BackupEngineOptions bo = new BackupEngineOptions(args[2]);
            BackupEngine be = BackupEngine.open(Env.getDefault(), bo)) {
          be.createNewBackup(db, true);
        }
      }
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  private static Options options() {
    return new Options().setCreateIfMissing(true).setDisableAutoCompactions(true)
        .setWriteBufferSize(64L << 20).setCompressionType(CompressionType.NO_COMPRESSION);
  }

  /** Writes MIB MiB under keys that start after the ones there, then flushes. */
  private static void write(Path dir, long mib, long seed, boolean fresh) throws Exception {
    if (fresh && Files.exists(dir)) {
      throw new IllegalStateException(dir + " exists");
    }
    Files.createDirectories(dir.toAbsolutePath().getParent());
    SplittableRandom random = new SplittableRandom(seed);
    long values = mib * (1 << 20) / VALUE_BYTES;
    String prefix = "k" + seed + "-";
    try (Options o = options(); RocksDB db = RocksDB.open(o, dir.toString());
        WriteOptions wo = new WriteOptions().setDisableWAL(true);
        FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      byte[] v = new byte[VALUE_BYTES];
      for (long i = 0; i < values; i += 256) {
        try (WriteBatch b = new WriteBatch()) {
          for (long j = i; j < Math.min(values, i + 256); j++) {
            random.nextBytes(v);
            b.put(String.format("%s%012d", prefix, j).getBytes(), v);
          }
          db.write(wo, b);
        }
      }
      db.flush(flush);
    }
  }
}
