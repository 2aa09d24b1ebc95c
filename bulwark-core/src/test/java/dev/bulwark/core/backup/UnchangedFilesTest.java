package dev.bulwark.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.check.CheckResult;
import dev.bulwark.core.check.Checker;
import dev.bulwark.core.index.IndexFile;
import dev.bulwark.core.index.PackBlobs;
import dev.bulwark.core.pack.PackedBlob;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.Restorer;
import dev.bulwark.core.testing.Backups;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.core.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, test 2 for plain files: a backup reuses the content list of files unchanged since
 * its parent by restic's rule (size, mtime, ctime, inode) without reading them, and reads
 * everything else: changed files, a file rewritten with its mtime set back (its ctime moved),
 * files too close to the parent's start to be trusted, files dated in the future, and files
 * whose blobs are no longer in the index.
 */
class UnchangedFilesTest {
  private static final int FILES = 30;
  private static final int FILE_BYTES = 20_000;

  @TempDir Path dir;
  private Path src;
  private Path repoDir;

  @BeforeEach
  void files() throws Exception {
    src = dir.resolve("src");
    repoDir = dir.resolve("repo");
    for (int i = 0; i < FILES; i++) {
      TestRepositories.randomFile(src.resolve(String.format("f%02d.bin", i)), FILE_BYTES, i);
    }
    TestRepositories.randomFile(src.resolve("future.bin"), FILE_BYTES, 100);
    Files.setLastModifiedTime(src.resolve("future.bin"),
        FileTime.from(Instant.now().plusSeconds(3600)));
    // Timestamps taken within the racy margin of a backup's start prove nothing to the next.
    Thread.sleep(UnchangedFiles.RACY_MARGIN.toMillis() + 300);
  }

  @Test
  void unchangedFilesAreReusedChangedOnesReadAndEveryVersionRestores() throws Exception {
    try (Repository repo = TestRepositories.init(LocalBackend.open(repoDir))) {
      // Written just before the first backup began: the next one cannot trust its timestamps.
      TestRepositories.randomFile(src.resolve("racy.bin"), FILE_BYTES, 101);
      BackupResult first = backup(repo, TestRepositories.OPTIONS);
      assertThat(first.filesUnchanged()).isZero();
      assertThat(first.bytesRead()).isEqualTo((FILES + 2L) * FILE_BYTES);
      Map<String, String> firstHashes = hashes(src);

      Files.write(src.resolve("f00.bin"), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
      rewriteKeepingMtime(src.resolve("f01.bin"));
      Files.delete(src.resolve("f02.bin"));
      TestRepositories.randomFile(src.resolve("new.bin"), 5_000, 102);
      // So that the second snapshot can be a trustworthy parent of these changes too.
      Thread.sleep(UnchangedFiles.RACY_MARGIN.toMillis() + 300);

      BackupResult second = backup(repo, TestRepositories.OPTIONS);
      int reused = FILES - 3;
      assertThat(second.snapshot().parent()).isEqualTo(first.snapshot().id());
      assertThat(second.filesUnchanged()).as("f03..f29").isEqualTo(reused);
      assertThat(second.bytesUnchanged()).isEqualTo((long) reused * FILE_BYTES);
      assertThat(second.files()).isEqualTo(FILES + 2L);
      assertThat(second.bytesRead()).as("f00 (grown), f01 (mtime reset), new, future, racy")
          .isEqualTo((FILE_BYTES + 3L) + FILE_BYTES + 5_000 + FILE_BYTES + FILE_BYTES);
      Map<String, String> secondHashes = hashes(src);

      BackupResult forced = backup(repo, TestRepositories.OPTIONS.withForce(true));
      assertThat(forced.filesUnchanged()).isZero();
      assertThat(forced.bytesRead()).isEqualTo(FileSource.of(src).open().estimatedBytes());
      assertThat(forced.snapshot().parent()).as("the parent is still recorded")
          .isEqualTo(second.snapshot().id());

      // Named on purpose, the first snapshot is the parent whatever is newer.
      BackupResult named = backup(repo,
          TestRepositories.OPTIONS.withParent(first.snapshot().id().shortForm()));
      assertThat(named.snapshot().parent()).isEqualTo(first.snapshot().id());
      assertThat(named.filesUnchanged()).isEqualTo(reused);

      // Another host's snapshot of the same paths is never picked, only named.
      BackupResult elsewhere = backup(repo, TestRepositories.OPTIONS.withHostname("elsewhere"));
      assertThat(elsewhere.snapshot().parent()).isNull();
      assertThat(elsewhere.filesUnchanged()).isZero();
      BackupResult elsewhereNamed = backup(repo, TestRepositories.OPTIONS
          .withHostname("elsewhere").withParent(second.snapshot().id().toString()));
      assertThat(elsewhereNamed.snapshot().parent()).isEqualTo(second.snapshot().id());
      assertThat(elsewhereNamed.filesUnchanged()).as("all but future.bin")
          .isEqualTo(FILES + 1L);

      assertRestores(repo, first.snapshot(), firstHashes);
      for (BackupResult r : List.of(second, forced, named, elsewhere, elsewhereNamed)) {
        assertRestores(repo, r.snapshot(), secondHashes);
      }
      assertChecks(repo);
    }
  }

  @Test
  void aParentWhoseDataWasPrunedIsReadAgainNotReferenced() throws Exception {
    try (Repository repo = TestRepositories.init(LocalBackend.open(repoDir))) {
      BackupResult first = backup(repo, TestRepositories.OPTIONS);
      dropDataPacks(repo);

      BackupResult second = backup(repo, TestRepositories.OPTIONS);
      assertThat(second.snapshot().parent()).isEqualTo(first.snapshot().id());
      assertThat(second.filesUnchanged()).as("no content list names a missing blob").isZero();
      assertThat(second.bytesRead()).isEqualTo((FILES + 1L) * FILE_BYTES);
      // The first snapshot lost its data; the second must not have.
      repo.removeSnapshot(first.snapshot().id());
      assertRestores(repo, second.snapshot(), hashes(src));
      assertChecks(repo);
    }
  }

  /** Like a prune that removed every data pack: only the packs of trees stay indexed. */
  private static void dropDataPacks(Repository repo) throws Exception {
    List<PackBlobs> treePacks = new ArrayList<>();
    List<Id> dataPacks = new ArrayList<>();
    List<Id> indexes = repo.list(FileType.INDEX);
    for (Id index : indexes) {
      for (PackBlobs p : repo.loadIndexFile(index).packs()) {
        if (p.blobs().stream().allMatch(b -> b.type() == BlobType.TREE)) {
          treePacks.add(p);
        } else {
          assertThat(p.blobs()).extracting(PackedBlob::type).containsOnly(BlobType.DATA);
          dataPacks.add(p.pack());
        }
      }
    }
    assertThat(treePacks).as("the parent's trees stay readable").isNotEmpty();
    assertThat(dataPacks).isNotEmpty();
    repo.saveUnpacked(FileType.INDEX, new IndexFile(List.of(), treePacks).toJson());
    for (Id index : indexes) {
      repo.removeIndex(index);
    }
    for (Id pack : dataPacks) {
      repo.removePack(pack);
    }
  }

  /** Same size, new content, the old mtime put back: only the ctime shows the change. */
  private static void rewriteKeepingMtime(Path file) throws IOException {
    FileTime mtime = Files.getLastModifiedTime(file);
    byte[] b = Files.readAllBytes(file);
    b[0] ^= 1;
    Files.write(file, b);
    Files.setLastModifiedTime(file, mtime);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(mtime);
  }

  private BackupResult backup(Repository repo, BackupOptions options) throws Exception {
    return Backups.underLock(repo, new Archiver(repo, options, new Progress()),
        List.of(FileSource.of(src)));
  }

  private void assertRestores(Repository repo, Snapshot s, Map<String, String> expected)
      throws Exception {
    Path target = dir.resolve("restore-" + s.id().shortForm());
    new Restorer(repo, 2, new Progress()).restore(s, target, List.of());
    assertThat(hashes(target.resolve(src.toString().substring(1))))
        .as("snapshot %s", s.id().shortForm()).isEqualTo(expected);
  }

  private void assertChecks(Repository repo) throws Exception {
    repo.loadIndex();
    CheckResult c = new Checker(repo, 2, new Progress()).check(true);
    assertThat(c.errors()).isEmpty();
    String out = Tools.run(dir, Map.of("RESTIC_PASSWORD",
        new String(TestRepositories.PASSWORD, StandardCharsets.UTF_8)),
        Tools.require("restic").toString(), "-r", repoDir.toString(), "--no-cache", "check",
        "--read-data");
    assertThat(out).contains("no errors were found");
  }

  private static Map<String, String> hashes(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p)) {
          out.put(root.relativize(p).toString(), HexFormat.of().formatHex(
              MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        }
      }
    }
    return out;
  }
}
