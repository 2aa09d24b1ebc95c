package dev.bulwark.cli;

import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Manifest;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.cli.testing.SampleTree;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.s3.testing.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CLI against a real S3 server (s3proxy): init, backup of files and of a SQLite
 * database, snapshots, check --read-data, restore, forget --prune; the same run on a local
 * repository gives the same results.
 */
@Slow
class S3CliTest {
  private static final long SEED = 20261122L;
  @TempDir static Path dir;
  private static S3ProxyServer server;
  private static Cli cli;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start(dir.resolve("s3"));
    cli = Cli.withPassword(server.env()).inProcess();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  /** What one run of the scenario observed, in a form comparable across repositories. */
  record Outcome(int snapshotsBefore, List<List<String>> pathsAfterForget, long restoredRows,
      Map<String, String> restoredTree, String integrity) {}

  @Test
  void sameResultsOnS3AsOnALocalFolder() throws Exception {
    Path src = dir.resolve("src");
    SampleTree.create(src, 8L << 20, SEED);
    Path db = dir.resolve("db/app.db");
    Files.createDirectories(db.getParent());
    sql(db, "pragma journal_mode=wal", "create table t(x)",
        "with recursive c(x) as (select 1 union all select x + 1 from c limit 5000) "
            + "insert into t select x from c");
    Map<String, String> first = Manifest.of(src);

    Outcome onS3 = scenario(server.repository("e2e"), src, db, first, "s3");
    // The objects really are on the server, in restic's layout.
    Path objects = dir.resolve("s3/blobs").resolve(server.bucket()).resolve("e2e");
    assertThat(objects.resolve("config")).exists();
    try (Stream<Path> s = Files.list(objects.resolve("data"))) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).allMatch(
          n -> n.matches("[0-9a-f]{2}")).isNotEmpty();
    }

    Outcome local = scenario(dir.resolve("local-repo").toString(), src, db, first, "local");
    assertThat(onS3).isEqualTo(local);
    assertThat(onS3.snapshotsBefore()).isEqualTo(3);
    assertThat(onS3.pathsAfterForget()).as("forget --keep-last 1 dropped the first tree backup")
        .containsExactlyInAnyOrder(List.of(src.toString()), List.of(db.toString()));
    assertThat(onS3.restoredRows()).isEqualTo(5000);
    assertThat(onS3.integrity()).isEqualTo("ok");
  }

  private static Outcome scenario(String repo, Path src, Path db, Map<String, String> first,
      String tag) throws Exception {
    cli.run("init", "--repo", repo, "--kdf-n", "1024").assertOk();
    // Each run works on its own copy of the tree and of the database (the restore replaces
    // the database in place); paths are mapped back to the originals for comparing.
    Path work = dir.resolve("work-" + tag);
    copyTree(src, work);
    cli.run("backup", "--repo", repo, work.toString()).assertOk();
    Path ownDb = Files.createDirectories(dir.resolve("db-" + tag)).resolve("app.db");
    Files.copy(db, ownDb);
    cli.run("backup", "--repo", repo, "--sqlite", ownDb.toString()).assertOk();
    // A second backup of the changed tree; forget --keep-last 1 later drops the first.
    SampleTree.modify(work, SEED + 1);
    Map<String, String> modified = Manifest.of(work);
    assertThat(stripped(modified)).isNotEqualTo(stripped(first));
    cli.run("backup", "--repo", repo, work.toString()).assertOk();

    int before = Restic.parseSnapshots(cli.run("snapshots", "--repo", repo, "--json")
        .assertOk().stdout()).size();
    Cli.Result check = cli.run("check", "--repo", repo, "--read-data").assertOk();
    assertThat(check.stdout()).contains("no errors were found");

    Path target = dir.resolve("restore-" + tag);
    cli.run("restore", "latest", "--repo", repo, "--target", target.toString()).assertOk();
    Manifest.assertMatches(modified, Manifest.restored(target, work), "restore from " + tag);

    sql(ownDb, "insert into t values (5001)");
    assertThat(rows(ownDb)).isEqualTo(5001);
    cli.run("restore", "latest", "--repo", repo, "--db", ownDb.toString()).assertOk();

    cli.run("forget", "--repo", repo, "--keep-last", "1", "--prune").assertOk();
    var after = Restic.parseSnapshots(cli.run("snapshots", "--repo", repo, "--json")
        .assertOk().stdout());
    Cli.Result recheck = cli.run("check", "--repo", repo, "--read-data").assertOk();
    assertThat(recheck.stdout()).contains("no errors were found");
    // Paths of the survivors, with the work copy's name made independent of the run.
    List<List<String>> paths = after.values().stream().map(s -> s.paths().stream()
        .map(p -> p.equals(work.toString()) ? src.toString()
            : p.equals(ownDb.toString()) ? db.toString() : p).toList()).toList();
    return new Outcome(before, paths, rows(ownDb),
        stripped(Manifest.of(Manifest.restored(target, work))), integrity(ownDb));
  }

  /** A manifest without modification times, which differ between the runs' copies. */
  private static Map<String, String> stripped(Map<String, String> manifest) {
    Map<String, String> out = new java.util.TreeMap<>();
    manifest.forEach((k, v) -> out.put(k, v.replaceAll(" mtime=\\S+", "")));
    return out;
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q, java.nio.file.LinkOption.NOFOLLOW_LINKS,
              java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static long rows(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select count(*) from t")) {
      return r.getLong(1);
    }
  }

  private static String integrity(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("pragma integrity_check")) {
      return r.getString(1);
    }
  }
}
