package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.TestFiles;
import dev.bulwark.core.Id;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.index.PackBlobs;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.TestRepositories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's checkpoint rules through the real commands: {@code --checkpoint-every} and
 * {@code BULWARK_CHECKPOINT_EVERY} are respected and validated, a {@code --yield-file} that
 * exists before the start stops a job after exactly one checkpoint with exit code 75, and the
 * job run again resumes there and ends as if it had run once.
 */
class CheckpointYieldTest {
  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();

  /**
   * Repositories, sentinels and targets live apart from the sources: a snapshot records the
   * folders above what it backs up, and a new entry in one would change its tree.
   */
  private Path init(String name) throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repos")).resolve(name);
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    return repo;
  }

  /** A folder of one incompressible file of {@code mib} MiB, read once so its atime settles. */
  private Path source(String name, int mib) throws Exception {
    Path src = Files.createDirectories(dir.resolve("data").resolve(name));
    TestFiles.writeRandom(src.resolve("db.bin"), (long) mib << 20, mib * 31L);
    TestFiles.hashes(src);
    return src;
  }

  private static List<List<PackBlobs>> indexFiles(Path repo) throws Exception {
    try (Repository r = Repository.open(LocalBackend.open(repo), TestRepositories.PASSWORD)) {
      List<List<PackBlobs>> out = new ArrayList<>();
      for (Id id : r.indexFiles().ids()) {
        out.add(r.loadIndexFile(id).packs());
      }
      return out;
    }
  }

  /** The id of the tree of folder {@code path} in the repository's only snapshot. */
  private static Id treeOf(Path repo, Path path) throws Exception {
    try (Repository r = Repository.open(LocalBackend.open(repo), TestRepositories.PASSWORD)) {
      Id t = r.snapshots().get(0).tree();
      for (Path part : path) {
        Id next = null;
        for (var n : dev.bulwark.core.tree.Tree.parse(
            r.loadBlob(dev.bulwark.core.BlobType.TREE, t)).nodes()) {
          if (n.name().is(part.toString())) {
            next = n.subtree();
          }
        }
        assertThat(next).as("%s in the snapshot", part).isNotNull();
        t = next;
      }
      return t;
    }
  }

  private static List<Snapshot> snapshots(Path repo) throws Exception {
    try (Repository r = Repository.open(LocalBackend.open(repo), TestRepositories.PASSWORD)) {
      return r.snapshots();
    }
  }

  @Test
  void aBackupWritesAnIndexCheckpointEverySevenPacks() throws Exception {
    Path repo = init("repo");
    Path src = source("src", 24);
    cli.run("backup", "--repo", repo.toString(), "--pack-size", "1M", "--checkpoint-every", "7",
        src.toString()).assertOk();
    int packs = TestFiles.repoFiles(repo, "data").size();
    List<Integer> sizes = indexFiles(repo).stream().map(List::size).sorted().toList();
    assertThat(packs).isGreaterThanOrEqualTo(22);
    // Every checkpoint names exactly 7 packs; the index at the end names the rest.
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < packs / 7; i++) {
      expected.add(7);
    }
    if (packs % 7 != 0) {
      expected.add(packs % 7);
    }
    assertThat(sizes).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void theEnvironmentSetsTheIntervalWhenNoFlagDoes() throws Exception {
    Path repo = init("repo");
    Path src = source("src", 12);
    Cli env = Cli.withPassword(Map.of("BULWARK_CHECKPOINT_EVERY", "5")).inProcess();
    env.run("backup", "--repo", repo.toString(), "--pack-size", "1M", src.toString())
        .assertOk();
    int packs = TestFiles.repoFiles(repo, "data").size();
    assertThat(indexFiles(repo).stream().filter(f -> f.size() == 5).count())
        .isEqualTo(packs / 5);
  }

  @Test
  void aYieldRequestedBeforeStartStopsABackupAfterOneCheckpointAndTheNextRunEndsTheSame()
      throws Exception {
    Path src = source("src", 16);
    Path once = init("once");
    cli.run("backup", "--repo", once.toString(), "--pack-size", "1M", src.toString())
        .assertOk();
    Path repo = init("split");
    Path sentinel = Files.writeString(Files.createDirectories(dir.resolve("signals"))
        .resolve("yield-now"), "the operator's");

    Cli.Result yielded = cli.run("backup", "--repo", repo.toString(), "--pack-size", "1M",
        "--checkpoint-every", "3", "--yield-file", sentinel.toString(), src.toString());

    assertThat(yielded.exitCode()).as(yielded.toString()).isEqualTo(75);
    assertThat(yielded.stderr().strip().lines().toList()).containsExactly(
        "bulwark: backup yielded at a checkpoint (yield file " + sentinel
            + " exists); run it again to resume");
    assertThat(sentinel).hasContent("the operator's");
    assertThat(snapshots(repo)).isEmpty();
    List<List<PackBlobs>> checkpoints = indexFiles(repo);
    assertThat(checkpoints).hasSize(1);
    assertThat(checkpoints.get(0)).hasSize(3);

    Files.delete(sentinel);
    cli.run("backup", "--repo", repo.toString(), "--pack-size", "1M", "--checkpoint-every",
        "3", "--yield-file", sentinel.toString(), src.toString()).assertOk();
    assertThat(snapshots(repo)).hasSize(1);
    // The same tree for what was backed up (its ancestors are recorded as they are at each
    // backup, and the test's temp folder changes as repositories are made in it).
    assertThat(treeOf(repo, src)).isEqualTo(treeOf(once, src));
    cli.run("check", "--read-data", "--repo", repo.toString()).assertOk();
    // The three packs of the checkpoint were reused, not uploaded again.
    Set<Id> indexed = new HashSet<>();
    indexFiles(repo).forEach(f -> f.forEach(p -> indexed.add(p.pack())));
    for (PackBlobs p : checkpoints.get(0)) {
      assertThat(indexed).contains(p.pack());
    }
  }

  @Test
  void aYieldedCheckResumesAfterItsCheckpointAndItsRecordAlwaysParses() throws Exception {
    Path repo = init("repo");
    Path src = source("src", 20);
    cli.run("backup", "--repo", repo.toString(), "--pack-size", "1M", src.toString())
        .assertOk();
    int packs = TestFiles.repoFiles(repo, "data").size();
    Path state = dir.resolve("state");
    Cli withState = Cli.withPassword(Map.of("BULWARK_STATE_DIR", state.toString()))
        .inProcess();
    Path sentinel = Files.writeString(dir.resolve("yield"), "");

    Cli.Result yielded = withState.run("check", "--read-data", "--repo", repo.toString(),
        "--checkpoint-every", "4", "--yield-file", sentinel.toString());
    assertThat(yielded.exitCode()).as(yielded.toString()).isEqualTo(75);
    assertThat(yielded.stderr()).contains("check --read-data yielded at a checkpoint (yield "
        + "file " + sentinel + " exists)");
    List<Path> records;
    try (var s = Files.list(state)) {
      records = s.toList();
    }
    assertThat(records).hasSize(1);
    assertThat(Files.getPosixFilePermissions(records.get(0)))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(state))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));

    // A reader polling the record while the resumed check rewrites it at every pack.
    Files.delete(sentinel);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger parsed = new AtomicInteger();
    AtomicReference<String> broken = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      var json = new com.fasterxml.jackson.databind.ObjectMapper();
      while (!stop.get()) {
        try {
          byte[] b = Files.readAllBytes(records.get(0));
          if (!json.readTree(b).path("cursor").asText().matches("[0-9a-f]{64}")) {
            broken.set(new String(b, java.nio.charset.StandardCharsets.UTF_8));
          }
          parsed.incrementAndGet();
        } catch (java.nio.file.NoSuchFileException gone) {
          // removed when the check completed
        } catch (java.io.IOException e) {
          broken.set(e.toString());
        }
      }
    });
    reader.start();
    Cli.Result resumed;
    try {
      resumed = withState.run("check", "--read-data", "--repo", repo.toString(),
          "--checkpoint-every", "1").assertOk();
    } finally {
      stop.set(true);
      reader.join();
    }
    assertThat(broken.get()).isNull();
    assertThat(parsed.get()).isPositive();
    assertThat(resumed.stdout()).contains("hint: resumed: 4 packs verified by an earlier check "
        + "--read-data").contains(packs + " packs read").contains("no errors were found");
    assertThat(records.get(0)).doesNotExist();
  }

  @Test
  void aCheckAfterTheIndexChangedReadsThePacksOfTheNewIndexFiles() throws Exception {
    Path repo = init("repo");
    cli.run("backup", "--repo", repo.toString(), "--pack-size", "1M",
        source("a", 8).toString()).assertOk();
    Path state = dir.resolve("state");
    Cli withState = Cli.withPassword(Map.of("BULWARK_STATE_DIR", state.toString()))
        .inProcess();
    Path sentinel = Files.writeString(dir.resolve("yield"), "");
    withState.run("check", "--read-data", "--repo", repo.toString(), "--checkpoint-every",
        "1000", "--yield-file", sentinel.toString()).assertOk();
    // A check that completes leaves no record; one that yields at its last pack does.
    int packs = TestFiles.repoFiles(repo, "data").size();
    assertThat(withState.run("check", "--read-data", "--repo", repo.toString(),
        "--checkpoint-every", String.valueOf(packs), "--yield-file", sentinel.toString())
        .exitCode()).isEqualTo(75);
    cli.run("backup", "--repo", repo.toString(), "--pack-size", "1M",
        source("b", 8).toString()).assertOk();
    Files.delete(sentinel);
    Cli.Result again = withState.run("check", "--read-data", "--repo", repo.toString())
        .assertOk();
    int all = TestFiles.repoFiles(repo, "data").size();
    assertThat(all).isGreaterThan(packs);
    // Only the packs verified in this repository state are skipped; the new ones are read.
    assertThat(again.stdout()).contains("hint: resumed: " + packs + " packs verified")
        .contains(all + " packs read");
  }

  @Test
  void aYieldedRestoreKeepsWhatItVerifiedAndRestoresAChangedFileAgain() throws Exception {
    Path repo = init("repo");
    Path src = Files.createDirectories(dir.resolve("files"));
    for (int i = 0; i < 20; i++) {
      TestFiles.writeRandom(src.resolve(String.format("f%02d.bin", i)), 40_000 + i, i);
    }
    cli.run("backup", "--repo", repo.toString(), src.toString()).assertOk();
    Path target = dir.resolve("target");
    Path sentinel = Files.writeString(dir.resolve("yield"), "");

    Cli.Result yielded = cli.run("restore", "latest", "--repo", repo.toString(), "--target",
        target.toString(), "--checkpoint-every", "7", "--yield-file", sentinel.toString());

    assertThat(yielded.exitCode()).as(yielded.toString()).isEqualTo(75);
    assertThat(yielded.stderr()).contains("yielded at a checkpoint");
    Map<String, String> partial = TestFiles.restoredHashes(target);
    assertThat(partial).hasSize(7);
    Path record = dir.resolve(".target.bulwark-restore");
    assertThat(record).exists();
    assertThat(Files.getPosixFilePermissions(record))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    // A restored file changed behind the restore's back, its mtime put back: ctime tells.
    Path changed = target.resolve(src.toString().substring(1)).resolve("f03.bin");
    FileTime mtime = Files.getLastModifiedTime(changed);
    byte[] b = Files.readAllBytes(changed);
    b[100] ^= 1;
    Files.write(changed, b);
    Files.setLastModifiedTime(changed, mtime);
    Path kept = target.resolve(src.toString().substring(1)).resolve("f00.bin");
    Object keptInode = Files.getAttribute(kept, "unix:ino");

    Files.delete(sentinel);
    cli.run("restore", "latest", "--repo", repo.toString(), "--target", target.toString(),
        "--checkpoint-every", "7", "--yield-file", sentinel.toString()).assertOk();
    assertThat(TestFiles.restoredHashes(target.resolve(dir.toString().substring(1))))
        .hasSize(20);
    for (int i = 0; i < 20; i++) {
      String name = String.format("f%02d.bin", i);
      assertThat(TestFiles.sha256(target.resolve(src.toString().substring(1)).resolve(name)))
          .as(name).isEqualTo(TestFiles.sha256(src.resolve(name)));
    }
    assertThat(Files.getAttribute(kept, "unix:ino")).as("kept, not written again")
        .isEqualTo(keptInode);
    assertThat(record).doesNotExist();
  }

  @Test
  void aYieldedPruneLeavesARepositoryThatChecksAndTheNextPruneFinishes() throws Exception {
    Path repo = init("repo");
    Path src = source("src", 12);
    cli.run("backup", "--repo", repo.toString(), "--pack-size", "1M", src.toString())
        .assertOk();
    TestFiles.rewriteChunks(src.resolve("db.bin"), 65536, 4, 0, 77);
    cli.run("backup", "--repo", repo.toString(), "--pack-size", "1M", src.toString())
        .assertOk();
    String first = snapshots(repo).stream().min(java.util.Comparator.comparing(Snapshot::time))
        .orElseThrow().id().toString();
    cli.run("forget", first, "--repo", repo.toString()).assertOk();
    Set<String> before = new HashSet<>();
    TestFiles.repoFiles(repo, "data").forEach(p -> before.add(TestFiles.name(p)));
    Path sentinel = Files.writeString(dir.resolve("yield"), "");

    Cli.Result yielded = cli.run("prune", "--repo", repo.toString(), "--max-unused", "0",
        "--pack-size", "1M", "--checkpoint-every", "2", "--yield-file", sentinel.toString());

    assertThat(yielded.exitCode()).as(yielded.toString()).isEqualTo(75);
    assertThat(yielded.stderr()).contains("prune yielded at a checkpoint");
    Set<String> after = new HashSet<>();
    TestFiles.repoFiles(repo, "data").forEach(p -> after.add(TestFiles.name(p)));
    assertThat(after).as("nothing deleted").containsAll(before);
    cli.run("check", "--read-data", "--repo", repo.toString()).assertOk();
    Files.delete(sentinel);
    cli.run("prune", "--repo", repo.toString(), "--max-unused", "0", "--pack-size", "1M")
        .assertOk();
    cli.run("check", "--read-data", "--repo", repo.toString()).assertOk();
    Path target = dir.resolve("restored");
    cli.run("restore", "latest", "--repo", repo.toString(), "--target", target.toString())
        .assertOk();
    assertThat(TestFiles.restoredHashes(target)).containsValue(
        TestFiles.sha256(src.resolve("db.bin")));
  }

  @Test
  void aYieldedDatabaseRestoreLeavesTheDatabaseAsItWasAndTheNextRunRestoresIt()
      throws Exception {
    Path repo = init("repo");
    Path db = Files.createDirectories(dir.resolve("node")).resolve("app.db");
    dev.bulwark.core.testing.Sqlite.sql(db, "pragma journal_mode=wal", "create table t(x)",
        "with recursive c(x) as (select 1 union all select x + 1 from c limit 1500) "
            + "insert into t select randomblob(4000) from c");
    cli.run("backup", "--repo", repo.toString(), "--pack-size", "1M", "--sqlite",
        db.toString()).assertOk();
    dev.bulwark.core.testing.Sqlite.sql(db, "delete from t where rowid > 10");
    Path sentinel = Files.writeString(dir.resolve("yield"), "");

    Cli.Result yielded = cli.run("restore", "latest", "--repo", repo.toString(), "--db",
        db.toString(), "--checkpoint-every", "2", "--yield-file", sentinel.toString());

    assertThat(yielded.exitCode()).as(yielded.toString()).isEqualTo(75);
    assertThat(yielded.stderr()).contains("yielded at a checkpoint (yield file");
    assertThat(dev.bulwark.core.testing.Sqlite.rows(db, "t")).isEqualTo(10);
    try (var s = Files.list(db.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains("bulwark-staging") || n.contains("bulwark-old"));
    }
    Files.delete(sentinel);
    cli.run("restore", "latest", "--repo", repo.toString(), "--db", db.toString(),
        "--checkpoint-every", "2", "--yield-file", sentinel.toString()).assertOk();
    assertThat(dev.bulwark.core.testing.Sqlite.rows(db, "t")).isEqualTo(1500);
  }

  @Test
  void anIntervalOfZeroNegativeOrNotANumberIsAUsageErrorNamingItsSource() throws Exception {
    Path repo = init("repo");
    Path src = source("src", 1);
    for (String bad : List.of("0", "-3", "ten", "2147483648", "99999999999999999999")) {
      for (String command : List.of("backup", "check", "prune")) {
        List<String> args = new ArrayList<>(List.of(command, "--repo", repo.toString(),
            "--checkpoint-every", bad));
        if (command.equals("backup")) {
          args.add(src.toString());
        }
        Cli.Result r = cli.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(command + " " + bad).isEqualTo(2);
        assertThat(r.stderr().strip().lines().toList()).as(command + " " + bad).hasSize(1);
        assertThat(r.stderr()).contains("--checkpoint-every");
      }
      Cli.Result r = Cli.withPassword(Map.of("BULWARK_CHECKPOINT_EVERY", bad)).inProcess()
          .run("backup", "--repo", repo.toString(), src.toString());
      assertThat(r.exitCode()).as("env " + bad).isEqualTo(2);
      assertThat(r.stderr().strip().lines().toList()).hasSize(1);
      assertThat(r.stderr()).contains("BULWARK_CHECKPOINT_EVERY");
    }
    Cli.Result r = cli.run("restore", "latest", "--repo", repo.toString(), "--target",
        dir.resolve("t").toString(), "--checkpoint-every", "0");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(snapshots(repo)).isEmpty();
  }

  @Test
  void theLargestIntervalIsAcceptedAndDoesNotOverflow() throws Exception {
    Path repo = init("repo");
    Path src = source("src", 6);
    cli.run("backup", "--repo", repo.toString(), "--pack-size", "1M", "--checkpoint-every",
        String.valueOf(Integer.MAX_VALUE), src.toString()).assertOk();
    // No checkpoint before the end: one index file for everything.
    assertThat(indexFiles(repo)).hasSize(1);
    cli.run("check", "--read-data", "--repo", repo.toString(), "--checkpoint-every",
        String.valueOf(Integer.MAX_VALUE)).assertOk();
  }
}
