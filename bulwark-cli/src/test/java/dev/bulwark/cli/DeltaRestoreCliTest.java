package dev.bulwark.cli;

import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * Restoring a day-old snapshot of a real SQLite database onto the current one fetches only the
 * chunks that changed, and gives the same bytes as a restore to an empty place.
 */
class DeltaRestoreCliTest {
  private static final Pattern FETCHED =
      Pattern.compile("fetched ([0-9.]+) (B|KiB|MiB) from the repository, reused ([0-9.]+) MiB");
  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();

  private static double kib(Matcher m) {
    double v = Double.parseDouble(m.group(1));
    return m.group(2).equals("B") ? v / 1024 : m.group(2).equals("KiB") ? v : v * 1024;
  }

  private static final Pattern BYTES = Pattern.compile(
      "fetched ([0-9.]+) (B|KiB|MiB) from the repository, reused ([0-9.]+) (B|KiB|MiB)");

  private static double bytes(String number, String unit) {
    double v = Double.parseDouble(number);
    return unit.equals("B") ? v : unit.equals("KiB") ? v * 1024 : v * 1024 * 1024;
  }

  /** Writes 2,000 keys of 1 KiB from {@code first} and flushes them into one new SST. */
  private static void sst(Path rdb, int first) throws Exception {
    try (Options o = new Options().setCreateIfMissing(true).setDisableAutoCompactions(true);
        RocksDB db = RocksDB.open(o, rdb.toString());
        FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
      byte[] v = new byte[1024];
      Random rnd = new Random(first);
      for (int i = first; i < first + 2000; i++) {
        rnd.nextBytes(v);
        db.put(("k" + i).getBytes(), v);
      }
      db.flush(f);
    }
  }

  private static long sstBytes(Path rdb) throws Exception {
    try (var files = Files.list(rdb)) {
      long sum = 0;
      for (Path p : files.filter(p -> p.toString().endsWith(".sst")).toList()) {
        sum += Files.size(p);
      }
      return sum;
    }
  }

  @Test
  void aRocksDbFolderFetchesOnlyWhatChangedSinceTheSnapshot() throws Exception {
    RocksDB.loadLibrary();
    Path repo = dir.resolve("repo");
    Path rdb = dir.resolve("chain");
    for (int b = 0; b < 3; b++) {
      sst(rdb, b * 2000);
    }
    long unchanged = sstBytes(rdb);
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), "--rocksdb", rdb.toString()).assertOk();
    String older = cli.run("snapshots", "--repo", repo.toString(), "--json").assertOk()
        .stdout().replaceAll("(?s).*\"id\":\"([0-9a-f]{64})\".*", "$1");
    sst(rdb, 6000);
    cli.run("backup", "--repo", repo.toString(), "--rocksdb", rdb.toString()).assertOk();

    Cli.Result res = cli.run("restore", older, "--repo", repo.toString(), "--rocksdb",
        rdb.toString()).assertOk();
    Matcher m = BYTES.matcher(res.stdout());
    assertThat(m.find()).as(res.stdout()).isTrue();
    // Every SST of the snapshot was there already; only the small files changed.
    assertThat(bytes(m.group(3), m.group(4))).isGreaterThan(unchanged * 0.99);
    assertThat(bytes(m.group(1), m.group(2))).isLessThan(unchanged / 10.0);
    assertThat(sstBytes(rdb)).isEqualTo(unchanged);
    try (Options o = new Options(); RocksDB db = RocksDB.openReadOnly(o, rdb.toString())) {
      assertThat(db.get("k5999".getBytes())).isNotNull();
      assertThat(db.get("k6000".getBytes())).isNull();
    }

    // --output naming an existing RocksDB folder is that database's place, not a folder to
    // write a file into: restored over it, reusing its tables.
    Cli.Result again = cli.run("restore", older, "--repo", repo.toString(), "--rocksdb",
        rdb.toString(), "--output", rdb.toString()).assertOk();
    Matcher m2 = BYTES.matcher(again.stdout());
    assertThat(m2.find()).as(again.stdout()).isTrue();
    assertThat(bytes(m2.group(3), m2.group(4))).isGreaterThan(unchanged * 0.99);
  }

  @Test
  void restoringYesterdaysSnapshotFetchesOnlyTheChangedChunks() throws Exception {
    Path repo = dir.resolve("repo");
    Path db = dir.resolve("app.db");
    sql(db, "create table t(id integer primary key, v text)",
        "with recursive c(x) as (select 1 union all select x + 1 from c limit 20000) "
            + "insert into t select x, printf('%0200d', x) from c");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), "--sqlite", db.toString()).assertOk();
    String yesterday = cli.run("snapshots", "--repo", repo.toString(), "--json").assertOk()
        .stdout().replaceAll("(?s).*\"id\":\"([0-9a-f]{64})\".*", "$1");
    // A day of work: 1% of the rows change.
    sql(db, "update t set v = printf('%0200d', -id) where id between 9000 and 9200");
    cli.run("backup", "--repo", repo.toString(), "--sqlite", db.toString()).assertOk();
    long size = Files.size(db);

    Cli.Result delta = cli.run("restore", yesterday, "--repo", repo.toString(), "--db",
        db.toString()).assertOk();
    Matcher m = FETCHED.matcher(delta.stdout());
    assertThat(m.find()).as(delta.stdout()).isTrue();
    assertThat(kib(m) * 1024).isLessThan(size / 20.0);
    assertThat(Double.parseDouble(m.group(3)) * 1024 * 1024).isGreaterThan(size * 0.8);

    Path fresh = dir.resolve("fresh.db");
    Cli.Result full = cli.run("restore", yesterday, "--repo", repo.toString(), "--db",
        db.toString(), "--output", fresh.toString()).assertOk();
    assertThat(full.stdout()).contains("reused 0 B");
    assertThat(Files.readAllBytes(db)).isEqualTo(Files.readAllBytes(fresh));
    assertThat(sqlCount(db)).isEqualTo(0);
    // --output onto a file that is there: it is the snapshot already, so nothing is fetched.
    Cli.Result again = cli.run("restore", yesterday, "--repo", repo.toString(), "--db",
        db.toString(), "--output", fresh.toString()).assertOk();
    assertThat(again.stdout()).contains("fetched 0 B from the repository");
    assertThat(Files.readAllBytes(fresh)).isEqualTo(Files.readAllBytes(db));

    // --no-delta onto the same database fetches it all.
    Cli.Result all = cli.run("restore", yesterday, "--repo", repo.toString(), "--db",
        db.toString(), "--no-delta").assertOk();
    assertThat(all.stdout()).contains("reused 0 B");
    assertThat(Files.readAllBytes(db)).isEqualTo(Files.readAllBytes(fresh));
  }

  /** Rows still holding the day's change: none after the restore. */
  private static long sqlCount(Path db) throws Exception {
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        var s = c.createStatement();
        var r = s.executeQuery("select count(*) from t where v like '-%'")) {
      return r.getLong(1);
    }
  }
}
