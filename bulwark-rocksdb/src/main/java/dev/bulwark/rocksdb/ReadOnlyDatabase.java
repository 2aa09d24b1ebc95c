package dev.bulwark.rocksdb;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.rocksdb.AbstractNativeReference;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.ConfigOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.OptionsUtil;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A closed database folder opened read-only with all its column families: a checkpoint, an
 * offline database, or a restored copy. Opening it writes nothing to the folder.
 *
 * <p>Column families get the comparator and merge operator named in the folder's
 * {@code OPTIONS} file when RocksDB can load them (built-in ones), else defaults. Database-wide
 * options from that file are ignored on purpose: its {@code wal_dir} or {@code db_paths} point
 * at the original database, not at this copy. A database that needs a custom (Java) comparator
 * cannot be opened here; RocksDB then reports the mismatch.
 *
 * <p>Not thread-safe; close it (it holds native memory).
 */
final class ReadOnlyDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReadOnlyDatabase.class);

  /** Facts recorded in a snapshot's tags. */
  record Facts(long sequence, int columnFamilies) {}

  /** Tables held open at once; more are opened and closed as reads need them. */
  private static final int MAX_OPEN_TABLES = 64;

  private final Deque<AbstractNativeReference> resources;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles;

  private ReadOnlyDatabase(Deque<AbstractNativeReference> resources, RocksDB db,
      List<ColumnFamilyHandle> handles) {
    this.resources = resources;
    this.db = db;
    this.handles = handles;
  }

  /** Opens {@code dir} read-only. */
  static ReadOnlyDatabase open(Path dir) throws RocksDBException {
    RocksDB.loadLibrary();
    Deque<AbstractNativeReference> resources = new ArrayDeque<>();
    boolean opened = false;
    try {
      Slf4jLogger logger = push(resources, new Slf4jLogger());
      List<byte[]> names;
      try (Options options = new Options().setLogger(logger)) {
        names = RocksDB.listColumnFamilies(options, dir.toString());
      }
      List<ColumnFamilyDescriptor> stored = storedColumnFamilies(dir, resources);
      List<ColumnFamilyDescriptor> wanted = new ArrayList<>();
      for (byte[] name : names) {
        wanted.add(new ColumnFamilyDescriptor(name, optionsFor(name, stored, resources)));
      }
      // Tables open as they are read, not all at open (RocksDB's default, -1): a backup wants
      // only the sequence number and the column families, and opening 165 tables of 64 MiB
      // read their index blocks, 50-80 MiB of memory beside the heap and a part of the fixed
      // cost; a verification reads them in key order anyway.
      DBOptions dbOptions = push(resources, new DBOptions().setLogger(logger)
          .setMaxOpenFiles(MAX_OPEN_TABLES));
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db = RocksDB.openReadOnly(dbOptions, dir.toString(), wanted, handles);
      // Handles before the database on close, options after: pushed last, closed first.
      push(resources, db);
      handles.forEach(h -> push(resources, h));
      opened = true;
      return new ReadOnlyDatabase(resources, db, List.copyOf(handles));
    } finally {
      if (!opened) {
        closeAll(resources);
      }
    }
  }

  /** Column families with the options their OPTIONS file names; empty if it cannot load. */
  private static List<ColumnFamilyDescriptor> storedColumnFamilies(Path dir,
      Deque<AbstractNativeReference> resources) {
    List<ColumnFamilyDescriptor> stored = new ArrayList<>();
    try (ConfigOptions config = new ConfigOptions().setIgnoreUnknownOptions(true);
        DBOptions ignored = new DBOptions()) {
      OptionsUtil.loadLatestOptions(config, dir.toString(), ignored, stored);
    } catch (RocksDBException e) {
      // No OPTIONS file, or one naming a plug-in this process lacks: defaults will do, and
      // RocksDB says so clearly if they do not match the data.
      LOG.debug("using default column family options for {}: {}", dir, e.getMessage());
      stored.forEach(d -> d.getOptions().close());
      stored.clear();
    }
    stored.forEach(d -> push(resources, d.getOptions()));
    return stored;
  }

  private static ColumnFamilyOptions optionsFor(byte[] name, List<ColumnFamilyDescriptor> stored,
      Deque<AbstractNativeReference> resources) {
    for (ColumnFamilyDescriptor d : stored) {
      if (Arrays.equals(d.getName(), name)) {
        return d.getOptions();
      }
    }
    return push(resources, new ColumnFamilyOptions());
  }

  private static <T extends AbstractNativeReference> T push(
      Deque<AbstractNativeReference> resources, T r) {
    resources.push(r);
    return r;
  }

  /** The facts a snapshot records: latest sequence number and column family count. */
  Facts facts() {
    return new Facts(db.getLatestSequenceNumber(), handles.size());
  }

  /**
   * Verifies every block checksum of every table file, then reads every key of every column
   * family.
   *
   * @return the number of keys read
   * @throws RocksDBException naming the damaged file or the read that failed
   */
  long verify() throws RocksDBException {
    db.verifyChecksum();
    long keys = 0;
    try (ReadOptions read = new ReadOptions().setVerifyChecksums(true).setFillCache(false)) {
      for (ColumnFamilyHandle h : handles) {
        try (RocksIterator it = db.newIterator(h, read)) {
          for (it.seekToFirst(); it.isValid(); it.next()) {
            keys++;
          }
          it.status();
        }
      }
    }
    return keys;
  }

  @Override
  public void close() {
    closeAll(resources);
  }

  private static void closeAll(Deque<AbstractNativeReference> resources) {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }
}
