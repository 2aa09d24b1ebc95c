package dev.bulwark.cli.pitr;

import static dev.bulwark.core.testing.Sqlite.rows;
import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.pitr.HandMadeStream;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.testing.TestRepositories;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark restore latest --db DB} on a streamed SQLite database (a hand-made stream of
 * real SQL): to the newest shipped transaction, to a time or a txid, into another file, as a
 * dry run; and the refusals, each one line.
 */
class PointInTimeRestoreCliTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();
  private Path db;
  private HandMadeStream stream;

  /** Rows 1..100 at T0, then 200 at T0+10s (txid 1), 300 at +20s (2..3), 150 at +30s (4). */
  @BeforeEach
  void streamedDatabase() throws Exception {
    db = dir.resolve("srv/app.db");
    Files.createDirectories(db.getParent());
    sql(db, "pragma journal_mode=wal", "create table t(x, pad)", insert(100));
    try (Repository repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")))) {
      stream = HandMadeStream.start(repo, db, dir.resolve("states"), "app", 42, 4096, T0);
      sql(db, insert(100));
      stream.ship(1, T0.plusSeconds(10), T0.plusSeconds(10));
      sql(db, insert(100));
      stream.ship(2, T0.plusSeconds(19), T0.plusSeconds(20));
      sql(db, "delete from t where rowid > 150");
      stream.ship(1, T0.plusSeconds(30), T0.plusSeconds(30));
    }
  }

  @Test
  void latestRestoresTheNewestShippedTransactionInPlace() throws Exception {
    Files.copy(stream.stateAt(1), db, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Cli.Result r = restore().assertOk();
    assertThat(r.stdout()).contains("+ 3 segments, to txid 4 of generation 000000000000002a")
        .contains("previous database kept at");
    assertThat(rows(db, "t")).isEqualTo(150);
  }

  @Test
  void timeAndTxidRestoreIntoAnotherFileLeavingTheDatabaseAlone() throws Exception {
    byte[] live = Files.readAllBytes(db);
    Path at25 = dir.resolve("at25.db");
    restore("--time", "2026-12-01T10:00:25Z", "--output", at25.toString()).assertOk();
    assertThat(rows(at25, "t")).isEqualTo(300);
    Path offset = dir.resolve("offset.db");
    restore("--time", "2026-12-01T11:00:15+01:00", "-o", offset.toString()).assertOk();
    assertThat(rows(offset, "t")).isEqualTo(200);
    Path txid = dir.resolve("txid.db");
    Cli.Result r = restore("--txid", "000000000000002a/3", "--output", txid.toString())
        .assertOk();
    assertThat(r.stdout()).contains("to " + txid).contains("to txid 3");
    assertThat(rows(txid, "t")).isEqualTo(300);
    assertThat(Files.readAllBytes(db)).isEqualTo(live);
  }

  @Test
  void dryRunPrintsThePlanAndWritesNothing() throws Exception {
    byte[] live = Files.readAllBytes(db);
    List<String> before = listing();
    Path out = dir.resolve("out.db");
    Cli.Result r = restore("--txid", "3", "--output", out.toString(), "--dry-run").assertOk();
    assertThat(r.stdout()).contains("nothing is written")
        .contains("generation: 000000000000002a, snapshot at txid 0")
        .contains("segments:   2 (txid 1..3)")
        .containsPattern("estimate: .* about [0-9.]+ s at an assumed 100.0 MiB/s")
        .contains("reaches:    txid 3 of generation 000000000000002a, committed "
            + T0.plusSeconds(20));
    assertThat(out).doesNotExist();
    assertThat(listing()).isEqualTo(before);
    assertThat(Files.readAllBytes(db)).isEqualTo(live);
  }

  @Test
  void aDamagedSegmentFailsInOneLineNamingItAndWritesNothing() throws Exception {
    byte[] live = Files.readAllBytes(db);
    Path seg = dir.resolve("repo/bulwark/streams")
        .resolve(new SegmentRef("app", 42, 2, 3, 0).path());
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.seek(20);
      int b = f.read();
      f.seek(20);
      f.write(b ^ 4);
    }
    Cli.Result r = restore();
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr().strip().lines()).hasSize(1);
    assertThat(r.stderr()).contains("0000000000000002-0000000000000003.seg");
    assertThat(Files.readAllBytes(db)).isEqualTo(live);
    assertThat(listing()).noneMatch(n -> n.contains("bulwark-staging"));
  }

  @Test
  void aPointAfterTheNewestShippedFailsNamingTheNewest() {
    Cli.Result r = restore("--time", "2026-12-01T10:05:00Z");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("newest restorable point of app is txid 4")
        .contains(T0.plusSeconds(30).toString());
    Cli.Result early = restore("--time", "2026-12-01T09:00:00Z");
    assertThat(early.exitCode()).isEqualTo(1);
    assertThat(early.stderr()).contains("earliest restorable point is snapshot");
  }

  @Test
  void aDatabaseWithNoStreamRestoresItsSnapshotsAsBefore() throws Exception {
    Path plain = dir.resolve("srv/plain.db");
    sql(plain, "create table t(x, pad)", insert(10));
    String repo = dir.resolve("repo").toString();
    cli.run("backup", "--repo", repo, "--sqlite", plain.toString()).assertOk();
    sql(plain, insert(5));
    Path out = dir.resolve("plain-out.db");
    Cli.Result r = cli.run("restore", "latest", "--repo", repo, "--db", plain.toString(),
        "--time", "2999-01-01T00:00:00Z", "--output", out.toString()).assertOk();
    assertThat(r.stdout()).doesNotContain("segments");
    assertThat(rows(out, "t")).isEqualTo(10);
    assertThat(rows(plain, "t")).isEqualTo(15);
    Cli.Result dry = cli.run("restore", "latest", "--repo", repo, "--db", plain.toString(),
        "--dry-run").assertOk();
    assertThat(dry.stdout()).contains("stream:     none");
    Cli.Result early = cli.run("restore", "latest", "--repo", repo, "--db", plain.toString(),
        "--time", "2020-01-01T00:00:00Z");
    assertThat(early.exitCode()).isEqualTo(1);
    assertThat(early.stderr()).contains("no snapshot of " + plain + " from host")
        .contains("at or before 2020-01-01T00:00:00Z");
    Cli.Result txid = cli.run("restore", "latest", "--repo", repo, "--db", plain.toString(),
        "--txid", "3");
    assertThat(txid.exitCode()).isEqualTo(1);
    assertThat(txid.stderr()).contains("no stream of " + plain);
  }

  @Test
  void badPointsAreUsageErrorsInOneLine() {
    assertUsage(restore("--time", "yesterday"), "--time yesterday is not an ISO-8601 time");
    assertUsage(restore("--time", "2026-12-01T10:00:25Z", "--txid", "3"),
        "give --time or --txid, not both");
    assertUsage(restore("--txid", "three"), "--txid three is not a transaction position");
    assertUsage(restore("--output", dir.resolve("missing/out.db").toString()),
        "does not exist");
    assertUsage(cli.run("restore", "latest", "--repo", dir.resolve("repo").toString(),
        "--target", dir.resolve("t").toString(), "--time", "2026-12-01T10:00:25Z"),
        "apply to --db and --rocksdb restores");
  }

  private void assertUsage(Cli.Result r, String message) {
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
    assertThat(r.stderr()).contains(message);
    if (!message.startsWith("apply")) {
      assertThat(r.stderr().strip().lines()).as(r.stderr()).hasSize(1);
    }
  }

  private Cli.Result restore(String... more) {
    return cli.run(Stream.concat(Stream.of("restore", "latest", "--repo",
        dir.resolve("repo").toString(), "--db", db.toString()), Stream.of(more))
        .toArray(String[]::new));
  }

  private List<String> listing() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.startsWith(dir.resolve("repo/locks")))
          .map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  private static String insert(int n) {
    return "with recursive c(x) as (select 1 union all select x + 1 from c limit " + n + ") "
        + "insert into t select x, randomblob(500) from c";
  }
}
