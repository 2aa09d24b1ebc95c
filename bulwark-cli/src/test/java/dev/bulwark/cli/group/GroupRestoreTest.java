package dev.bulwark.cli.group;

import static dev.bulwark.core.testing.Sqlite.rows;
import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.index.BlobLocation;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.Restorer;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import dev.bulwark.core.tree.Tree;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;

/**
 * {@code restore --group} brings back every database of a group snapshot and its key files in
 * one command, each database verified, and swaps nothing in unless all of them verified.
 */
class GroupRestoreTest {
  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();

  /** The service of {@link GroupBackupCliTest#service} plus a second key file. */
  static Path[] service(Path dir) throws Exception {
    Path[] svc = GroupBackupCliTest.service(dir);
    Path peer = Files.writeString(dir.resolve("svc/peer.key"), "peer identity");
    return new Path[] {svc[0], svc[1], svc[2], peer};
  }

  static void backUp(Cli cli, Path repo, Path[] svc) {
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), "--group", "node", "--sqlite",
        svc[0].toString(), "--rocksdb", svc[1].toString(), "--file", svc[2].toString(),
        "--file", svc[3].toString()).assertOk();
  }

  @Test
  void oneRestoreBringsBackEveryDatabaseAndKeyFileOfTheGroup() throws Exception {
    Path[] svc = service(dir);
    Path repo = dir.resolve("repo");
    Files.setPosixFilePermissions(svc[2], PosixFilePermissions.fromString("rw-------"));
    backUp(cli, repo, svc);
    Map<String, byte[]> chain = contents(svc[1]);
    for (Path p : svc) {
      dev.bulwark.core.fs.FileTrees.deleteRecursively(p);
    }

    Cli.Result r = cli.run("restore", "latest", "--repo", repo.toString(), "--group", "node")
        .assertOk();

    assertThat(r.stdout()).contains("restored group node from snapshot")
        .contains("sqlite database " + svc[0]).contains("rocksdb database " + svc[1])
        .contains("restored " + svc[2]).contains("restored " + svc[3]);
    assertThat(rows(svc[0], "t")).isEqualTo(500);
    assertThat(contents(svc[1])).containsOnlyKeys(chain.keySet().toArray(String[]::new));
    try (RocksDB db = RocksDB.openReadOnly(svc[1].toString())) {
      assertThat(new String(db.get("k199".getBytes()))).isEqualTo("v199");
    }
    assertThat(Files.readString(svc[2])).isEqualTo("identity");
    assertThat(Files.readString(svc[3])).isEqualTo("peer identity");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(svc[2])))
        .isEqualTo("rw-------");
  }

  @Test
  void aDamagedMemberStopsTheWholeGroupBeforeAnySwap() throws Exception {
    Path[] svc = service(dir);
    Path repo = dir.resolve("repo");
    backUp(cli, repo, svc);
    // The databases move on after the snapshot: a restore must not touch them unless it can
    // bring back every member.
    sql(svc[0], "insert into t values (501)");
    Files.writeString(svc[2], "new identity");
    Files.delete(svc[3]);
    byte[] sqliteNow = Files.readAllBytes(svc[0]);
    Map<String, byte[]> chainNow = contents(svc[1]);
    flipAByteOfTheRocksDbMember(repo, svc);

    // --no-delta: the RocksDB folder did not change, so a delta restore would rightly reuse
    // its bytes and never read the damaged blob.
    Cli.Result r = cli.run("restore", "latest", "--repo", repo.toString(), "--group", "node",
        "--overwrite-files", "--no-delta");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.stderr()).contains(svc[1].getFileName().toString());
    assertThat(Files.readAllBytes(svc[0])).isEqualTo(sqliteNow);
    assertThat(rows(svc[0], "t")).isEqualTo(501);
    Map<String, byte[]> chainAfter = contents(svc[1]);
    assertThat(chainAfter.keySet()).isEqualTo(chainNow.keySet());
    chainNow.forEach((k, v) -> assertThat(chainAfter.get(k)).as(k).isEqualTo(v));
    assertThat(Files.readString(svc[2])).isEqualTo("new identity");
    assertThat(svc[3]).doesNotExist();
    try (Stream<Path> left = Files.list(svc[0].getParent())) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("no staging copy or kept database left").noneMatch(n -> n.contains("bulwark"));
    }
  }

  @Test
  void dryRunListsTheMembersAndWhatWouldHappenToEachKeyFile() throws Exception {
    Path[] svc = service(dir);
    Path repo = dir.resolve("repo");
    backUp(cli, repo, svc);
    Files.writeString(svc[2], "new identity");
    Files.delete(svc[3]);
    byte[] sqliteNow = Files.readAllBytes(svc[0]);

    Cli.Result r = cli.run("restore", "latest", "--repo", repo.toString(), "--group", "node",
        "--dry-run").assertOk();

    assertThat(r.stdout()).contains("dry run").contains("group node")
        .contains("database:   sqlite " + svc[0]).contains("database:   rocksdb " + svc[1])
        .contains("file:       " + svc[2] + ", 8 B: differs: the restore would stop")
        .contains("file:       " + svc[3] + ", 13 B: nothing there now: would be written");
    assertThat(Files.readAllBytes(svc[0])).isEqualTo(sqliteNow);
    assertThat(svc[3]).doesNotExist();
  }

  @Test
  void allDatabasesRestoresTheSnapshotAnIdNamesAndLatestNeedsAGroup() throws Exception {
    Path[] svc = service(dir);
    Path repo = dir.resolve("repo");
    backUp(cli, repo, svc);
    String id = cli.run("snapshots", "--repo", repo.toString(), "--json").assertOk().stdout()
        .replaceAll("(?s).*\"short_id\"\\s*:\\s*\"([0-9a-f]+)\".*", "$1");
    sql(svc[0], "delete from t");

    cli.run("restore", id, "--repo", repo.toString(), "--all-databases", "--no-files")
        .assertOk();
    assertThat(rows(svc[0], "t")).isEqualTo(500);

    Cli.Result latest = cli.run("restore", "latest", "--repo", repo.toString(),
        "--all-databases");
    assertThat(latest.exitCode()).isEqualTo(2);
    assertThat(latest.stderr()).contains("--group NAME");
    Cli.Result other = cli.run("restore", "latest", "--repo", repo.toString(), "--group",
        "other");
    assertThat(other.exitCode()).isEqualTo(1);
    assertThat(other.stderr()).contains("no snapshot of group other");
    Cli.Result output = cli.run("restore", "latest", "--repo", repo.toString(), "--group",
        "node", "--output", dir.resolve("x").toString());
    assertThat(output.exitCode()).isEqualTo(2);
  }

  /** Flips one byte inside a data blob that only the RocksDB member's files hold. */
  private static void flipAByteOfTheRocksDbMember(Path repo, Path[] svc) throws Exception {
    try (Repository r = Repository.open(LocalBackend.open(repo), TestRepositories.PASSWORD)) {
      Snapshot snap = r.snapshots().get(0);
      Restorer trees = new Restorer(r, 1, new Progress());
      Set<Id> others = new HashSet<>();
      for (int i : new int[] {0, 2, 3}) {
        others.addAll(trees.findNode(snap, svc[i].toString()).content());
      }
      Node folder = trees.findNode(snap, svc[1].toString());
      Tree tree = Tree.parse(r.loadBlob(r.index().find(BlobType.TREE, folder.subtree())
          .orElseThrow(), "tree"));
      Node biggest = tree.nodes().stream().filter(n -> n.type() == NodeType.FILE)
          .filter(n -> !n.content().isEmpty() && !others.containsAll(n.content()))
          .max(Comparator.comparingLong(Node::size)).orElseThrow();
      Id blob = biggest.content().stream().filter(id -> !others.contains(id)).findFirst()
          .orElseThrow();
      BlobLocation loc = r.index().find(BlobType.DATA, blob).orElseThrow();
      String pack = loc.pack().toString();
      Path file = repo.resolve("data").resolve(pack.substring(0, 2)).resolve(pack);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
          StandardOpenOption.WRITE)) {
        long at = loc.blob().offset() + loc.blob().length() / 2;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
        ch.read(b, at);
        b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
        ch.write(b, at);
      }
    }
  }

  private static Map<String, byte[]> contents(Path folder) throws Exception {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(folder)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(folder.relativize(p).toString(), Files.readAllBytes(p));
        }
      }
    }
    return out;
  }

  static List<Path> files(Path folder) throws Exception {
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }
}
