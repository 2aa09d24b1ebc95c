package dev.bulwark.cli.group;

import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * {@code bulwark backup --sqlite A --rocksdb B --file K}: one group snapshot, whose members
 * {@code snapshots} and {@code info} show, as text and as JSON.
 */
class GroupBackupCliTest {
  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();

  /** A SQLite database, a closed RocksDB folder and a key file under {@code dir/svc}. */
  static Path[] service(Path dir) throws Exception {
    RocksDB.loadLibrary();
    Path db = dir.resolve("svc/app.db");
    Files.createDirectories(db.getParent());
    sql(db, "pragma journal_mode=wal", "create table t(x)",
        "with recursive c(x) as (select 1 union all select x + 1 from c limit 500) "
            + "insert into t select x from c");
    Path chain = dir.resolve("svc/chain");
    try (Options o = new Options().setCreateIfMissing(true);
        RocksDB r = RocksDB.open(o, chain.toString())) {
      for (int i = 0; i < 200; i++) {
        r.put(("k" + i).getBytes(), ("v" + i).getBytes());
      }
    }
    Path key = Files.writeString(dir.resolve("svc/node.key"), "identity");
    return new Path[] {db, chain, key};
  }

  @Test
  void severalDatabasesMakeOneSnapshotWithEachMembersTags() throws Exception {
    Path[] svc = service(dir);
    String repo = dir.resolve("repo").toString();
    cli.run("init", "--repo", repo, "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo, "--group", "node", "--sqlite", svc[0].toString(),
        "--rocksdb", svc[1].toString(), "--file", svc[2].toString()).assertOk();

    JsonNode list = new ObjectMapper().readTree(
        cli.run("snapshots", "--repo", repo, "--json").assertOk().stdout());
    assertThat(list).hasSize(1);
    JsonNode snap = list.get(0);
    assertThat(snap.path("group").asText()).isEqualTo("node");
    assertThat(snap.path("members")).hasSize(2);
    assertThat(snap.path("members").get(0).path("kind").asText()).isEqualTo("sqlite");
    assertThat(snap.path("members").get(0).path("path").asText()).isEqualTo(svc[0].toString());
    assertThat(snap.path("members").get(0).path("page-size").asText()).isEqualTo("4096");
    assertThat(snap.path("members").get(1).path("kind").asText()).isEqualTo("rocksdb");
    assertThat(snap.path("members").get(1).path("path").asText()).isEqualTo(svc[1].toString());
    assertThat(snap.path("tags").toString()).contains("bulwark:1.kind=sqlite")
        .contains("bulwark:2.kind=rocksdb").contains("bulwark:group=node")
        .doesNotContain("\"bulwark:kind=");
    assertThat(snap.path("paths").toString()).contains(svc[0].toString())
        .contains(svc[1].toString()).contains(svc[2].toString());

    String table = cli.run("snapshots", "--repo", repo).assertOk().stdout();
    assertThat(table).contains("member 1: sqlite " + svc[0] + " (page-size=4096")
        .contains("member 2: rocksdb " + svc[1]).doesNotContain("bulwark:1.");

    String info = cli.run("info", "latest", "--repo", repo).assertOk().stdout();
    assertThat(info).contains("group: node").contains("1. kind: sqlite")
        .contains("path: " + svc[0]).contains("page-size: 4096").contains("2. kind: rocksdb")
        .contains("path: " + svc[1]).contains("node.key");
    JsonNode infoJson = new ObjectMapper().readTree(
        cli.run("info", "latest", "--repo", repo, "--json").assertOk().stdout());
    assertThat(infoJson.path("members").get(1).path("path").asText())
        .isEqualTo(svc[1].toString());
    assertThat(infoJson.has("database")).isFalse();
  }

  @Test
  void twoDatabasesWithoutANameAreAnUnnamedGroupAndOneDatabaseIsUnchanged() throws Exception {
    Path[] svc = service(dir);
    Path other = dir.resolve("svc/other.db");
    sql(other, "create table u(y)");
    String repo = dir.resolve("repo").toString();
    cli.run("init", "--repo", repo, "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo, "--sqlite", svc[0].toString(), "--sqlite",
        other.toString()).assertOk();
    cli.run("backup", "--repo", repo, "--sqlite", svc[0].toString()).assertOk();
    JsonNode list = new ObjectMapper().readTree(
        cli.run("snapshots", "--repo", repo, "--json").assertOk().stdout());
    assertThat(list.get(0).has("group")).isFalse();
    assertThat(list.get(0).path("members").get(1).path("path").asText())
        .isEqualTo(other.toString());
    // One database, no group: exactly the single-database tags, no extra listing fields.
    assertThat(list.get(1).has("members")).isFalse();
    assertThat(list.get(1).path("tags").toString()).contains("bulwark:kind=sqlite")
        .doesNotContain("bulwark:1.");
  }
}
