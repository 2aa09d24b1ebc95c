package dev.bulwark.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.Slow;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * (a) Snapshots taken while writers keep changing the database are consistent. Writers move
 * money between 1,000 accounts; each transfer is one WriteBatch across three column families:
 * the two balances ({@code accounts}), the two accounts' running totals in and out
 * ({@code ledger}), and the writer's own transfer count and total moved ({@code default}).
 * Every restored snapshot must satisfy, exactly: the balances sum to the starting total; each
 * balance equals its start plus what came in minus what went out; and money in, money out
 * and the writers' totals agree. A torn batch, a lost write or a column family taken at
 * another instant breaks one of them.
 */
@Slow
class ConsistencyUnderLoadTest {
  private static final int ACCOUNTS = 1_000;
  private static final long START = 1_000;
  private static final int SNAPSHOTS = 20;
  private static final int WRITERS = 2;
  private static final long SEED = Long.getLong("bulwark.test.seed", System.nanoTime());
  private static final List<byte[]> FAMILIES = List.of(RocksDB.DEFAULT_COLUMN_FAMILY,
      bytes("accounts"), bytes("ledger"));

  @TempDir Path dir;

  @Test
  void snapshotsTakenUnderConcurrentWritesRestoreWithInvariantsIntact() throws Exception {
    Path dbPath = dir.resolve("bank");
    List<Snapshot> snapshots = new ArrayList<>();
    AtomicLong transfers = new AtomicLong();
    long t0 = System.nanoTime();
    try (ColumnFamilyOptions cfo = new ColumnFamilyOptions().setWriteBufferSize(256 << 10)
            .setLevel0FileNumCompactionTrigger(2);
        DBOptions o = new DBOptions().setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true);
        Repository repo = TestRepos.init(dir.resolve("repo"))) {
      List<ColumnFamilyHandle> h = new ArrayList<>();
      try (RocksDB db = RocksDB.open(o, dbPath.toString(), descriptors(cfo), h)) {
        try {
          openAccounts(db, h);
          AtomicBoolean stop = new AtomicBoolean();
          ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
          try {
            ReentrantLock[] locks = new ReentrantLock[ACCOUNTS];
            for (int i = 0; i < ACCOUNTS; i++) {
              locks[i] = new ReentrantLock();
            }
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
              int id = w;
              writers.add(pool.submit(() -> {
                transfer(db, h, id, locks, stop, transfers);
                return null;
              }));
            }
            for (int s = 0; s < SNAPSHOTS; s++) {
              snapshots.add(TestRepos.backup(repo, RocksDbSource.of(db)).snapshot());
            }
            stop.set(true);
            for (Future<?> f : writers) {
              f.get(1, TimeUnit.MINUTES);
            }
          } finally {
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
          }
        } finally {
          h.forEach(ColumnFamilyHandle::close);
        }
      }
      System.out.printf("%d transfers by %d writers during %d snapshots in %.1f s (seed %d)%n",
          transfers.get(), WRITERS, SNAPSHOTS, (System.nanoTime() - t0) / 1e9, SEED);
      assertThat(TestFolders.names(dir)).as("every checkpoint was removed")
          .containsExactly("bank", "repo");

      long previousSequence = -1;
      long previousTransfers = -1;
      for (int s = 0; s < SNAPSHOTS; s++) {
        Snapshot snap = snapshots.get(s);
        long tagged = Long.parseLong(DatabaseTags.fromTags(snap.tags()).orElseThrow()
            .properties().get("sequence"));
        Path target = dir.resolve("restored/" + s + "/bank");
        TestRepos.restorer(repo).restore(SnapshotRef.id(snap.id().toString()), target);
        Audit audit = audit(target, cfo);
        assertThat(audit.sequence()).as("snapshot %d: sequence in the tags", s).isEqualTo(tagged);
        assertThat(tagged).as("snapshot %d was taken while writes went on", s)
            .isGreaterThan(previousSequence);
        assertThat(audit.transfers()).isGreaterThanOrEqualTo(previousTransfers);
        previousSequence = tagged;
        previousTransfers = audit.transfers();
        System.out.printf("snapshot %2d: sequence %d, %d transfers, %d moved%n", s, tagged,
            audit.transfers(), audit.moved());
      }
      assertThat(previousTransfers).as("the last snapshot saw transfers").isPositive();
    }
  }

  private static List<ColumnFamilyDescriptor> descriptors(ColumnFamilyOptions cfo) {
    return FAMILIES.stream().map(n -> new ColumnFamilyDescriptor(n, cfo)).toList();
  }

  private static void openAccounts(RocksDB db, List<ColumnFamilyHandle> h) throws Exception {
    try (WriteBatch b = new WriteBatch(); WriteOptions wo = new WriteOptions()) {
      for (int a = 0; a < ACCOUNTS; a++) {
        b.put(h.get(1), account(a), longs(START));
        b.put(h.get(2), account(a), longs(0, 0));
      }
      db.write(wo, b);
    }
  }

  /** One writer: transfers until stopped, each as one atomic batch. */
  private static void transfer(RocksDB db, List<ColumnFamilyHandle> h, int id,
      ReentrantLock[] locks, AtomicBoolean stop, AtomicLong transfers) throws Exception {
    SplittableRandom random = new SplittableRandom(SEED + id);
    long count = 0;
    long moved = 0;
    byte[] countKey = bytes("count-" + id);
    byte[] movedKey = bytes("moved-" + id);
    try (WriteOptions wo = new WriteOptions()) {
      while (!stop.get()) {
        int from = random.nextInt(ACCOUNTS);
        int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
        ReentrantLock first = locks[Math.min(from, to)];
        ReentrantLock second = locks[Math.max(from, to)];
        first.lock();
        second.lock();
        try {
          long fromBalance = ByteBuffer.wrap(db.get(h.get(1), account(from))).getLong();
          long toBalance = ByteBuffer.wrap(db.get(h.get(1), account(to))).getLong();
          long amount = Math.min(fromBalance, 1 + random.nextInt(100));
          ByteBuffer fromLedger = ByteBuffer.wrap(db.get(h.get(2), account(from)));
          ByteBuffer toLedger = ByteBuffer.wrap(db.get(h.get(2), account(to)));
          count++;
          moved += amount;
          try (WriteBatch b = new WriteBatch()) {
            b.put(h.get(1), account(from), longs(fromBalance - amount));
            b.put(h.get(1), account(to), longs(toBalance + amount));
            b.put(h.get(2), account(from), longs(fromLedger.getLong(0),
                fromLedger.getLong(8) + amount));
            b.put(h.get(2), account(to), longs(toLedger.getLong(0) + amount,
                toLedger.getLong(8)));
            b.put(h.get(0), countKey, longs(count));
            b.put(h.get(0), movedKey, longs(moved));
            db.write(wo, b);
          }
        } finally {
          second.unlock();
          first.unlock();
        }
        transfers.incrementAndGet();
      }
    }
  }

  private record Audit(long sequence, long transfers, long moved) {}

  /** Opens a restored copy, verifies its checksums and checks every invariant exactly. */
  private static Audit audit(Path db, ColumnFamilyOptions cfo) throws Exception {
    List<ColumnFamilyHandle> h = new ArrayList<>();
    try (DBOptions o = new DBOptions();
        RocksDB rdb = RocksDB.openReadOnly(o, db.toString(), descriptors(cfo), h)) {
      try {
        rdb.verifyChecksum();
        long total = 0;
        long in = 0;
        long out = 0;
        for (int a = 0; a < ACCOUNTS; a++) {
          long balance = ByteBuffer.wrap(rdb.get(h.get(1), account(a))).getLong();
          ByteBuffer ledger = ByteBuffer.wrap(rdb.get(h.get(2), account(a)));
          assertThat(balance).as("%s: account %d = start + in - out", db, a)
              .isEqualTo(START + ledger.getLong(0) - ledger.getLong(8));
          total += balance;
          in += ledger.getLong(0);
          out += ledger.getLong(8);
        }
        assertThat(total).as("%s: money is conserved", db).isEqualTo(ACCOUNTS * START);
        long count = 0;
        long moved = 0;
        try (RocksIterator it = rdb.newIterator(h.get(0))) {
          for (it.seekToFirst(); it.isValid(); it.next()) {
            String k = new String(it.key(), StandardCharsets.UTF_8);
            long v = ByteBuffer.wrap(it.value()).getLong();
            if (k.startsWith("count-")) {
              count += v;
            } else if (k.startsWith("moved-")) {
              moved += v;
            }
          }
          it.status();
        }
        assertThat(in).as("%s: money in = money out = writers' total", db).isEqualTo(out)
            .isEqualTo(moved);
        return new Audit(rdb.getLatestSequenceNumber(), count, moved);
      } finally {
        h.forEach(ColumnFamilyHandle::close);
      }
    }
  }

  private static byte[] account(int a) {
    return bytes(String.format("acct-%04d", a));
  }

  private static byte[] longs(long... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
