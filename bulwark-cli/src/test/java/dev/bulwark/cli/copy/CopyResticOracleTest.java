package dev.bulwark.cli.copy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Manifest;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.cli.testing.SampleTree;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.Sqlite;
import dev.bulwark.s3.testing.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, test 3: {@code bulwark copy} of database snapshots (a SQLite database with its key
 * file, twice) and of a snapshot restic took, to a second local repository and to the local S3
 * server, with the real restic 0.14 as the oracle: {@code check --read-data} passes on both
 * targets, every copied snapshot restores identical to its source, the copies keep the source's
 * tree ids and name it as their original, and restic's own {@code copy} and ours each find what
 * the other copied and copy nothing again.
 */
@Slow
class CopyResticOracleTest {
  @TempDir static Path dir;
  private static S3ProxyServer server;
  private static Cli cli;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start(dir.resolve("s3"));
    Map<String, String> env = new LinkedHashMap<>(server.env());
    env.put("BULWARK_FROM_PASSWORD", Cli.PASSWORD);
    cli = Cli.withPassword(env).inProcess();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  private static Restic restic(String repo) throws Exception {
    return Restic.forRepository(repo, Files.createDirectories(dir.resolve("restic-cache")),
        server.env()).withEnv("RESTIC_FROM_PASSWORD", Cli.PASSWORD);
  }

  @Test
  void copiesToALocalAndAnS3RepositoryRestoreIdenticalAndResticAgrees() throws Exception {
    String source = dir.resolve("source").toString();
    Path app = Files.createDirectories(dir.resolve("srv/app"));
    Path db = app.resolve("app.db");
    Path key = app.resolve("node.key");
    SampleTree.writeRandom(key, 64, 1);
    Sqlite.sql(db, "PRAGMA journal_mode=WAL", "CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB)",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
            + "INSERT INTO t SELECT i, randomblob(700) FROM n");
    cli.run("init", "--repo", source, "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", source, "--sqlite", db.toString(), "--file", key.toString())
        .assertOk();
    Sqlite.sql(db, "UPDATE t SET v = randomblob(700) WHERE k % 17 = 0");
    cli.run("backup", "--repo", source, "--sqlite", db.toString(), "--file", key.toString())
        .assertOk();
    Path files = dir.resolve("files");
    SampleTree.create(files, 3L << 20, 7);
    restic(source).backup(files.toString());
    Map<String, JsonNode> sourceSnapshots = snapshots(restic(source));
    assertThat(sourceSnapshots).hasSize(3);

    String local = dir.resolve("local").toString();
    cli.run("init", "--repo", local, "--kdf-n", "1024", "--copy-chunker-params", "--from-repo",
        source).assertOk();
    String s3 = server.repository("copy-target");
    cli.run("init", "--repo", s3, "--kdf-n", "1024").assertOk();

    Cli.Result toLocal = copy(source, local).assertOk();
    assertThat(toLocal.stdout()).contains("3 snapshots copied, 0 already present");
    assertThat(toLocal.stderr()).doesNotContain("warning");
    Cli.Result toS3 = copy(source, s3).assertOk();
    assertThat(toS3.stdout()).contains("3 snapshots copied, 0 already present");
    assertThat(toS3.stderr()).contains("different chunker parameters");

    Map<String, Map<String, String>> restoredFromSource = new LinkedHashMap<>();
    Restic sourceRestic = restic(source);
    for (String target : new String[] {local, s3}) {
      Restic r = restic(target);
      Restic.Outcome check = r.runMerged("check", "--read-data");
      assertThat(check.exitCode()).as("restic check --read-data %s:%n%s", target,
          check.output()).isZero();
      assertThat(check.complaints()).as("complaints on %s:%n%s", target, check.output())
          .isEmpty();
      Map<String, JsonNode> copies = snapshots(r);
      assertThat(copies).hasSize(3);
      for (JsonNode copy : copies.values()) {
        String original = copy.path("original").asText();
        assertThat(sourceSnapshots).as("original of %s", copy).containsKey(original);
        JsonNode from = sourceSnapshots.get(original);
        assertThat(copy.path("tree").asText()).isEqualTo(from.path("tree").asText());
        assertThat(copy.path("tags")).isEqualTo(from.path("tags"));
        Map<String, String> fromSource = restoredFromSource.computeIfAbsent(original,
            id -> restored(restore(sourceRestic, id, "s-" + id)));
        Path fromCopy = restore(r, copy.path("id").asText(), "c-" + copy.path("id").asText());
        assertThat(restored(fromCopy)).as("snapshot %s restored from %s", original, target)
            .isEqualTo(fromSource);
      }
    }

    // restic's copy finds our copies (by original) and copies nothing more.
    String before = String.join(",", snapshots(restic(local)).keySet());
    restic(local).run("copy", "--from-repo", source);
    assertThat(String.join(",", snapshots(restic(local)).keySet())).isEqualTo(before);
    // ... and ours finds restic's copies.
    String byRestic = dir.resolve("restic-copied").toString();
    restic(byRestic).run("init", "--copy-chunker-params", "--from-repo", source);
    restic(byRestic).run("copy", "--from-repo", source);
    Cli.Result again = copy(source, byRestic).assertOk();
    assertThat(again.stdout()).contains("0 snapshots copied, 3 already present");
  }

  private static Cli.Result copy(String from, String to) {
    return cli.run("copy", "--from-repo", from, "--repo", to);
  }

  private static Path restore(Restic r, String id, String name) {
    Path target = dir.resolve("restores").resolve(name);
    r.run("restore", id, "--target", target.toString());
    return target;
  }

  /** What a restore into {@code target} wrote, without {@code target} itself (made by it). */
  private static Map<String, String> restored(Path target) {
    Map<String, String> m = new LinkedHashMap<>(Manifest.of(target));
    m.remove("");
    assertThat(m).isNotEmpty();
    return m;
  }

  /** {@code snapshots --json} by restic, by id. */
  private static Map<String, JsonNode> snapshots(Restic r) throws Exception {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode n : new ObjectMapper().readTree(r.run("snapshots", "--json"))) {
      out.put(n.path("id").asText(), n);
    }
    return out;
  }
}
