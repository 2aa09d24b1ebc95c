package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.cli.testing.TestFiles;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a user sees when something is wrong: a wrong or missing password, no repository, a
 * damaged repository, a mistyped command line; plus key management and file permissions. Each
 * case runs the real {@code bulwark} in a child JVM.
 */
class BadInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WRONG = "not the password";

  @TempDir Path dir;

  private final Cli cli = fast(Cli.withPassword());

  // ---------------------------------------------------------------- passwords

  @Test
  void aWrongPasswordExits12WithOneLineAndNoStackTrace() throws Exception {
    Path repo = init("repo");
    Path wrongFile = Cli.passwordFile(dir, WRONG);

    Cli.Result viaEnv = env(Map.of("BULWARK_PASSWORD", WRONG))
        .run("snapshots", "--repo", repo.toString());
    Cli.Result viaFlag = env(Map.of())
        .run("check", "--repo", repo.toString(), "--password-file", wrongFile.toString());
    Cli.Result viaFileEnv = env(Map.of("BULWARK_PASSWORD_FILE", wrongFile.toString()))
        .run("restore", "latest", "--repo", repo.toString(), "--target",
            dir.resolve("out").toString());

    for (Cli.Result r : List.of(viaEnv, viaFlag, viaFileEnv)) {
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(12);
      assertOneLine(r.stderr());
      assertThat(r.stderr()).contains("wrong password").contains(repo.toString());
      assertNoStackTrace(r.stderr());
    }
    assertThat(dir.resolve("out")).doesNotExist();
    // The same mechanism with the right password works: the failure was the password.
    env(Map.of()).run("snapshots", "--repo", repo.toString(), "--password-file",
        Cli.passwordFile(dir, Cli.PASSWORD).toString()).assertOk();
  }

  @Test
  void verboseAddsTheStackTraceToAWrongPassword() throws Exception {
    Path repo = init("repo");
    Cli.Result r = env(Map.of("BULWARK_PASSWORD", WRONG))
        .run("snapshots", "--verbose", "--repo", repo.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(12);
    assertThat(r.stderr()).contains("bulwark: wrong password")
        .contains("WrongPasswordException")
        .contains("\tat dev.bulwark.");
  }

  @Test
  void noPasswordAndNoTerminalIsAUsageErrorOnOneLine() throws Exception {
    Path repo = init("repo");
    Cli none = env(Map.of());

    // Exit code 2 (usage): the password is a missing input, as a missing --repo is.
    Cli.Result open = none.run("snapshots", "--repo", repo.toString());
    assertThat(open.exitCode()).as(open.toString()).isEqualTo(2);
    assertOneLine(open.stderr());
    assertThat(open.stderr()).contains("no password given").contains("--password-file")
        .contains("BULWARK_PASSWORD").contains("no terminal");
    assertNoStackTrace(open.stderr());

    Path fresh = dir.resolve("fresh");
    Cli.Result init = none.run("init", "--repo", fresh.toString(), "--kdf-n", "1024");
    assertThat(init.exitCode()).as(init.toString()).isEqualTo(2);
    assertOneLine(init.stderr());
    assertThat(init.stderr()).contains("no password given");
    assertThat(fresh).as("no half-made repository").doesNotExist();
  }

  // ---------------------------------------------------------------- no repository

  @Test
  void noRepositoryAtThePathExits10WithOneLine() throws Exception {
    Path missing = dir.resolve("missing");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Path plainFile = Files.writeString(dir.resolve("plain-file"), "not a repository");
    Path src = Files.writeString(dir.resolve("a.txt"), "a");

    List<Object[]> cases = List.of(
        new Object[] {missing, cli.run("snapshots", "--repo", missing.toString())},
        new Object[] {missing, cli.run("backup", "--repo", missing.toString(), src.toString())},
        new Object[] {empty, cli.run("check", "--repo", empty.toString())},
        new Object[] {plainFile, cli.run("snapshots", "--repo", plainFile.toString())},
        new Object[] {plainFile, cli.run("restore", "latest", "--repo", plainFile.toString(),
            "--target", dir.resolve("out").toString())});
    for (Object[] c : cases) {
      Cli.Result r = (Cli.Result) c[1];
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(10);
      assertOneLine(r.stderr());
      assertThat(r.stderr()).contains("no repository at " + c[0]);
      assertNoStackTrace(r.stderr());
    }
    assertThat(missing).as("reading commands create nothing").doesNotExist();
    assertThat(Files.readString(plainFile)).isEqualTo("not a repository");
  }

  // ---------------------------------------------------------------- damaged repository

  @Test
  @Slow
  void aFlippedByteInAPackFailsReadDataCheckAndItsFileIsNeverRestored() throws Exception {
    Path repo = init("repo");
    Restic restic = Restic.forRepo(repo, dir.resolve("restic-cache"));
    Path src = dir.resolve("src");
    Path damaged = TestFiles.writeRandom(src.resolve("damaged/a.bin"), 1 << 20, 1);
    TestFiles.writeRandom(src.resolve("intact/b.bin"), 300_000, 2);
    Files.writeString(src.resolve("intact/c.txt"), "intact\n");

    // Snapshot 1 holds only a.bin, so the data pack it writes holds only a.bin's blobs; packs
    // are immutable, so that stays true when snapshot 2 (everything) reuses those blobs.
    backup(repo, src.resolve("damaged"));
    Path pack = TestFiles.repoFiles(repo, "data").stream()
        .max(Comparator.comparingLong(BadInputTest::size)).orElseThrow();
    assertThat(size(pack)).as("the data pack holds all of a.bin").isGreaterThan(1 << 20);
    String snapshot = backup(repo, src);
    assertThat(TestFiles.repoFiles(repo, "data")).contains(pack);
    String packId = TestFiles.name(pack);

    // Offset 100 lies in the first blob's ciphertext (64 KiB chunks; IV is bytes 0-15); the
    // header is at the end of the ~1 MiB pack.
    TestFiles.flipByte(pack, 100);

    // The structure check compares pack sizes with the index, as restic's does: it passes.
    Cli.Result structure = cli.run("check", "--repo", repo.toString());
    assertThat(structure.exitCode()).as(structure.toString()).isZero();
    assertThat(structure.stdout()).contains("no errors were found");

    Cli.Result readData = cli.run("check", "--read-data", "--repo", repo.toString());
    assertThat(readData.exitCode()).as(readData.toString()).isNotZero();
    assertThat(readData.stderr()).contains("error: pack " + packId)
        .contains("bulwark: check found");
    assertThat(readData.stdout()).doesNotContain("no errors were found");
    assertNoStackTrace(readData.stderr());

    assertThat(restic.fails("check", "--read-data")).contains(packId);

    String damagedPath = damaged.toAbsolutePath().toString();
    Path out1 = dir.resolve("out1");
    Cli.Result one = cli.run("restore", snapshot, "--repo", repo.toString(), "--target",
        out1.toString(), "--include", damagedPath);
    assertThat(one.exitCode()).as(one.toString()).isNotZero();
    assertOneLine(one.stderr());
    assertThat(one.stderr()).contains(packId);
    assertNoStackTrace(one.stderr());
    assertThat(out1.resolve(damagedPath.substring(1))).doesNotExist();
    assertThat(TestFiles.restoredHashes(out1)).as("no file at all was restored").isEmpty();
    assertThat(TestFiles.tempFiles(out1)).as("no temp file left behind").isEmpty();

    Path out2 = dir.resolve("out2");
    cli.run("restore", snapshot, "--repo", repo.toString(), "--target", out2.toString(),
        "--include", src.resolve("intact").toString()).assertOk();
    assertThat(TestFiles.restoredHashes(out2)).isEqualTo(TestFiles.hashes(src.resolve("intact")));

    // The whole snapshot: fails, and still nothing under the damaged file's name.
    Path out3 = dir.resolve("out3");
    Cli.Result all = cli.run("restore", snapshot, "--repo", repo.toString(), "--target",
        out3.toString());
    assertThat(all.exitCode()).as(all.toString()).isNotZero();
    assertThat(out3.resolve(damagedPath.substring(1))).doesNotExist();
    assertThat(TestFiles.tempFiles(out3)).isEmpty();
  }

  @Test
  void aDamagedIndexFileIsNamedInTheError() throws Exception {
    Path repo = init("repo");
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "a");
    backup(repo, src);
    List<Path> indexes = TestFiles.repoFiles(repo, "index");
    assertThat(indexes).hasSize(1);
    TestFiles.flipByte(indexes.get(0), 40);
    String named = "index/" + TestFiles.name(indexes.get(0)).substring(0, 8);

    List<Cli.Result> results = List.of(
        cli.run("check", "--repo", repo.toString()),
        cli.run("restore", "latest", "--repo", repo.toString(), "--target",
            dir.resolve("out").toString()),
        cli.run("backup", "--repo", repo.toString(), src.toString()));
    for (Cli.Result r : results) {
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
      assertOneLine(r.stderr());
      assertThat(r.stderr()).contains(named).contains("damaged");
      assertNoStackTrace(r.stderr());
    }
    assertThat(TestFiles.repoFiles(repo, "snapshots")).as("no snapshot added").hasSize(1);
    // Listing snapshots does not need the index.
    cli.run("snapshots", "--repo", repo.toString()).assertOk();
  }

  @Test
  void aDamagedSnapshotFileIsNamedInTheErrorAndOtherSnapshotsStillRestore() throws Exception {
    Path repo = init("repo");
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "first");
    String first = backup(repo, src);
    Files.writeString(src.resolve("a.txt"), "second");
    String second = backup(repo, src);
    Path file = repo.resolve("snapshots").resolve(second);
    TestFiles.flipByte(file, 40);
    String named = "snapshots/" + second.substring(0, 8);

    Cli.Result list = cli.run("snapshots", "--repo", repo.toString());
    Cli.Result restoreLatest = cli.run("restore", "latest", "--repo", repo.toString(),
        "--target", dir.resolve("out").toString());
    // Skipped with one warning naming the file (issue 9 item 8): latest is the readable one.
    for (Cli.Result r : List.of(list, restoreLatest)) {
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.stderr().lines().toList()).as(r.stderr()).hasSize(1);
      assertThat(r.stderr()).contains(named).contains("damaged");
      assertNoStackTrace(r.stderr());
    }
    assertThat(list.stdout()).contains(first.substring(0, 8))
        .doesNotContain(second.substring(0, 8));
    assertThat(Files.readString(dir.resolve("out").resolve(src.resolve("a.txt").toString()
        .substring(1)))).isEqualTo("first");
    Cli.Result check = cli.run("check", "--repo", repo.toString());
    assertThat(check.exitCode()).as(check.toString()).isEqualTo(1);
    assertThat(check.stderr()).contains("error: " + named).contains("bulwark: check found 1");
    assertNoStackTrace(check.stderr());

    Path out = dir.resolve("out-first");
    cli.run("restore", first, "--repo", repo.toString(), "--target", out.toString()).assertOk();
    assertThat(Files.readString(out.resolve(src.resolve("a.txt").toString().substring(1))))
        .isEqualTo("first");
  }

  // ---------------------------------------------------------------- command line

  @Test
  void usageErrorsExit2WithOneLineAndAHelpHint() throws Exception {
    String repo = dir.resolve("repo").toString();
    record Case(String hint, String message, String... args) {}
    List<Case> cases = List.of(
        new Case("bulwark snapshots", "Unknown option: '--bogus'",
            "snapshots", "--repo", repo, "--bogus"),
        new Case("bulwark restore", "give exactly one of --target DIR, --db DB, --rocksdb DIR, "
            + "--group NAME or --all-databases",
            "restore", "latest", "--repo", repo),
        new Case("bulwark backup", "nothing to back up: give --sqlite DB, --rocksdb DIR, --file "
            + "or PATH", "backup", "--repo", repo),
        new Case("bulwark", "Unmatched argument at index 0: 'frobnicate'", "frobnicate"),
        new Case("bulwark", "missing command"));
    for (Case c : cases) {
      Cli.Result r = cli.run(c.args());
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
      assertThat(r.stdout()).isEmpty();
      assertThat(r.stderr().lines().toList())
          .containsExactly("bulwark: " + c.message(), "Try `" + c.hint() + " --help`.");
    }
    assertThat(dir.resolve("repo")).doesNotExist();
  }

  @Test
  void badOptionValuesExit2WithOneLine() throws Exception {
    Path src = Files.writeString(dir.resolve("a.txt"), "a");
    Cli.Result size = cli.run("backup", "--repo", dir.resolve("repo").toString(),
        "--pack-size", "banana", src.toString());
    Cli.Result noRepo = cli.run("backup", src.toString());
    for (Cli.Result r : List.of(size, noRepo)) {
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
      assertThat(r.stderr().lines().findFirst()).hasValueSatisfying(
          l -> assertThat(l).startsWith("bulwark: "));
      assertNoStackTrace(r.stderr());
    }
    assertThat(size.stderr()).contains("not a size: banana");
    assertThat(noRepo.stderr()).contains("no repository given").contains("--repo")
        .contains("BULWARK_REPOSITORY");
  }

  @Test
  void badOptionValuesAlsoGiveTheHelpHint() throws Exception {
    Path src = Files.writeString(dir.resolve("a.txt"), "a");
    Cli.Result size = cli.run("backup", "--repo", dir.resolve("repo").toString(),
        "--pack-size", "banana", src.toString());
    Cli.Result noRepo = cli.run("backup", src.toString());
    for (Cli.Result r : List.of(size, noRepo)) {
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
      assertThat(r.stderr().lines().toList()).as(r.toString()).hasSize(2)
          .last().isEqualTo("Try `bulwark backup --help`.");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"init", "backup", "snapshots", "restore", "check", "key", "key add",
      "key list", "key remove", "unlock", "demo"})
  void helpWorksOnEverySubcommandAndShowsAnExample(String command) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.add("--help");
    Cli.Result r = env(Map.of()).run(args.toArray(String[]::new));
    r.assertOk();
    assertThat(r.stdout()).startsWith("Usage: bulwark " + command + " ")
        .contains("-h, --help")
        .containsPattern("(?m)^Examples?:$")
        .contains("  bulwark " + command);
    assertThat(r.stderr()).isEmpty();
  }

  @Test
  void demoAndTopLevelHelpPrintNoWarning() {
    Cli.Result demo = env(Map.of()).run("demo", "--help");
    demo.assertOk();
    assertThat(demo.stderr()).isEmpty();
    assertThat(demo.stdout()).contains("change 1% of the pages");
    Cli.Result top = env(Map.of()).run("--help");
    top.assertOk();
    assertThat(top.stderr()).isEmpty();
  }

  @Test
  void topLevelAndKeyGroupHelp() {
    Cli.Result top = env(Map.of()).run("--help");
    top.assertOk();
    assertThat(top.stdout()).startsWith("Usage: bulwark ").contains("Example:")
        .contains("12 wrong password").contains("10 no repository");
    // top.stderr() holds picocli's warning about demo's description: see
    // demoAndTopLevelHelpPrintNoWarning.
    Cli.Result key = env(Map.of()).run("key", "--help");
    key.assertOk();
    assertThat(key.stdout()).startsWith("Usage: bulwark key ")
        .containsPattern("(?m)^  add ").containsPattern("(?m)^  list ")
        .containsPattern("(?m)^  remove ");
    assertThat(key.stderr()).isEmpty();
  }

  // ---------------------------------------------------------------- keys

  @Test
  @Slow
  void keysAddListAndRemoveAndResticOpensEachKey() throws Exception {
    Path repo = init("repo");
    Restic restic = Restic.forRepo(repo, dir.resolve("restic-cache"));
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "a");
    String snapshot = backup(repo, src);
    String second = "a second password";
    Path secondFile = Cli.passwordFile(dir, second);
    Cli cli2 = env(Map.of("BULWARK_PASSWORD", second));
    String firstKey = TestFiles.name(TestFiles.repoFiles(repo, "keys").get(0));

    // A wrong password before the key exists, so the later success is the new key's doing.
    assertThat(cli2.run("snapshots", "--repo", repo.toString()).exitCode()).isEqualTo(12);

    Cli.Result add = cli.run("key", "add", "--repo", repo.toString(), "--new-password-file",
        secondFile.toString(), "--kdf-n", "1024");
    add.assertOk();
    List<Path> keyFiles = TestFiles.repoFiles(repo, "keys");
    assertThat(keyFiles).hasSize(2);
    String secondKey = keyFiles.stream().map(TestFiles::name).filter(k -> !k.equals(firstKey))
        .findFirst().orElseThrow();
    assertThat(add.stdout()).contains("added key " + secondKey.substring(0, 8));

    Cli.Result snaps = cli2.run("snapshots", "--repo", repo.toString(), "--json");
    snaps.assertOk();
    assertThat(JSON.readTree(snaps.stdout()).get(0).get("id").asText()).isEqualTo(snapshot);
    assertThat(restic.withPassword(second).run("snapshots", "--json")).contains(snapshot);
    assertThat(restic.run("snapshots", "--json")).contains(snapshot);
    assertThat(restic.withPassword(second).run("key", "list"))
        .contains(firstKey.substring(0, 8)).contains(secondKey.substring(0, 8));

    Cli.Result list = cli.run("key", "list", "--repo", repo.toString(), "--json");
    list.assertOk();
    JsonNode keys = JSON.readTree(list.stdout());
    assertThat(keys).hasSize(2);
    Map<String, Boolean> current = new java.util.HashMap<>();
    keys.forEach(k -> current.put(k.get("id").asText(), k.get("current").asBoolean()));
    assertThat(current).containsExactlyInAnyOrderEntriesOf(
        Map.of(firstKey, true, secondKey, false));

    // The key in use cannot be removed.
    Cli.Result inUse = cli.run("key", "remove", "--repo", repo.toString(),
        firstKey.substring(0, 8));
    assertThat(inUse.exitCode()).as(inUse.toString()).isEqualTo(1);
    assertOneLine(inUse.stderr());
    assertThat(inUse.stderr()).contains("refusing to remove the key in use");
    assertThat(TestFiles.repoFiles(repo, "keys")).hasSize(2);

    // Opened with the second password, the first key can go.
    Cli.Result remove = cli2.run("key", "remove", "--repo", repo.toString(),
        firstKey.substring(0, 8));
    remove.assertOk();
    assertThat(remove.stdout()).contains("removed key " + firstKey.substring(0, 8));
    assertThat(TestFiles.repoFiles(repo, "keys")).extracting(TestFiles::name)
        .containsExactly(secondKey);
    assertThat(cli.run("snapshots", "--repo", repo.toString()).exitCode())
        .as("the first password no longer opens it").isEqualTo(12);
    assertThat(restic.fails("snapshots")).contains("wrong password");

    // The last key cannot be removed.
    Cli.Result last = cli2.run("key", "remove", "--repo", repo.toString(), secondKey);
    assertThat(last.exitCode()).as(last.toString()).isEqualTo(1);
    assertOneLine(last.stderr());
    assertThat(last.stderr()).contains("refusing to remove the last key");
    assertNoStackTrace(last.stderr());
    assertThat(TestFiles.repoFiles(repo, "keys")).hasSize(1);
    cli2.run("snapshots", "--repo", repo.toString()).assertOk();
    assertThat(restic.withPassword(second).run("snapshots", "--json")).contains(snapshot);
  }

  // ---------------------------------------------------------------- permissions

  @Test
  void repositoryFilesAre0600AndFolders0700() throws Exception {
    Path repo = init("repo");
    Path src = Files.createDirectories(dir.resolve("src/sub"));
    Files.writeString(src.resolve("a.txt"), "a");
    TestFiles.writeRandom(src.resolve("b.bin"), 200_000, 3);
    backup(repo, dir.resolve("src"));
    cli.run("key", "add", "--repo", repo.toString(), "--new-password-file",
        Cli.passwordFile(dir, "other").toString(), "--kdf-n", "1024").assertOk();

    List<String> wrong = new ArrayList<>();
    int files = 0;
    try (Stream<Path> all = Files.walk(repo)) {
      for (Path p : all.toList()) {
        String mode = PosixFilePermissions.toString(
            Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          if (!mode.equals("rwx------")) {
            wrong.add(mode + " " + p);
          }
        } else {
          files++;
          if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || !mode.equals("rw-------")) {
            wrong.add(mode + " " + p);
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
    // config, 2 keys, a data and a tree pack, an index, a snapshot.
    assertThat(files).isGreaterThanOrEqualTo(7);
  }

  // ---------------------------------------------------------------- helpers

  /** Small inputs, no kill: in this JVM, without a child JVM's second of start-up. */
  private static Cli fast(Cli c) {
    return c.inProcess();
  }

  private static Cli env(Map<String, String> env) {
    return fast(Cli.withEnv(env));
  }

  private Path init(String name) {
    Path repo = dir.resolve(name);
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    return repo;
  }

  /** Backs up {@code paths} and returns the new snapshot's full id. */
  private String backup(Path repo, Path... paths) throws Exception {
    List<String> args = new ArrayList<>(List.of("backup", "--repo", repo.toString(), "--json"));
    for (Path p : paths) {
      args.add(p.toString());
    }
    Cli.Result r = cli.run(args.toArray(String[]::new)).assertOk();
    String id = JSON.readTree(r.stdout()).get("snapshot_id").asText();
    assertThat(id).matches("[0-9a-f]{64}");
    return id;
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void assertOneLine(String stderr) {
    assertThat(stderr.lines().toList()).as("stderr:\n%s", stderr).hasSize(1);
    assertThat(stderr).startsWith("bulwark: ");
  }

  private static void assertNoStackTrace(String stderr) {
    assertThat(stderr).doesNotContain("at dev.").doesNotContain("Exception")
        .doesNotContain("\tat ");
  }
}
