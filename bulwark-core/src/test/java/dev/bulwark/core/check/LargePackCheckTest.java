package dev.bulwark.core.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.index.BlobLocation;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.Backups;
import dev.bulwark.core.testing.TestRepositories;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check --read-data} reads a pack too large to hold in pieces, and a streamed tree in it
 * as a stream, with the same verdicts as for a pack held whole: here every pack is "large" and
 * the file's tree is streamed (thresholds lowered), and a flipped bit in the tree or in a data
 * blob is reported against its pack and blob.
 */
class LargePackCheckTest {
  private static final String TREE_THRESHOLD = "bulwark.largeTreeBytes";
  private static final int CHUNK = 4096;

  @TempDir Path dir;

  private String threshold;

  @BeforeEach
  void streamTreesAbove4Kib() {
    threshold = System.setProperty(TREE_THRESHOLD, "4096");
  }

  @AfterEach
  void restoreTheThreshold() {
    if (threshold == null) {
      System.clearProperty(TREE_THRESHOLD);
    } else {
      System.setProperty(TREE_THRESHOLD, threshold);
    }
  }

  @Test
  void packsReadInPiecesPassAndEachFlippedBitIsReported() throws Exception {
    Path src = TestRepositories.randomFile(dir.resolve("src/pages.db"), CHUNK * 1024, 31);
    Path repoDir = dir.resolve("repo");
    Id dataBlob;
    BlobLocation data;
    BlobLocation tree;
    try (Repository repo = TestRepositories.init(LocalBackend.open(repoDir))) {
      Snapshot snap = Backups.underLock(repo, new Archiver(repo,
          TestRepositories.OPTIONS.withChunkBytes(CHUNK), new Progress()),
          List.of(FileSource.of(src))).snapshot();
      CheckResult ok = new Checker(repo, 2, new Progress()).withLargePackBytes(1).check(true);
      assertThat(ok.errors()).isEmpty();
      assertThat(ok.packsRead()).isEqualTo(ok.packs()).isGreaterThan(1);

      Id[] fileTree = new Id[1];
      Id[] firstChunk = new Id[1];
      dev.bulwark.core.repo.TreeWalker.of(repo, dev.bulwark.core.repo.TreeWalker.ErrorPolicy.STOP)
          .walk(snap.tree(), (parent, path, node) -> {
            if (path.equals(src.toString())) {
              fileTree[0] = parent;
              firstChunk[0] = node.content().get(0);
            }
            return true;
          });
      dataBlob = firstChunk[0];
      data = repo.index().find(BlobType.DATA, dataBlob).orElseThrow();
      tree = repo.index().find(BlobType.TREE, fileTree[0]).orElseThrow();
      assertThat(tree.blob().plaintextLength()).isGreaterThan(4096);
    }
    flipMiddleByte(repoDir, tree);
    flipMiddleByte(repoDir, data);
    try (Repository repo = TestRepositories.open(LocalBackend.open(repoDir))) {
      CheckResult bad = new Checker(repo, 2, new Progress()).withLargePackBytes(1).check(true);
      String errors = String.join("\n", bad.errors());
      assertThat(errors).contains("pack " + tree.pack() + ": content does not match its id")
          .contains("pack " + data.pack() + ": content does not match its id")
          .contains("blob " + tree.blob().id().shortForm())
          .contains("blob " + dataBlob.shortForm());
    }
  }

  private static void flipMiddleByte(Path repoDir, BlobLocation loc) throws Exception {
    String name = loc.pack().toString();
    Path pack = repoDir.resolve("data").resolve(name.substring(0, 2)).resolve(name);
    pack.toFile().setWritable(true);
    try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
      long at = loc.blob().offset() + loc.blob().length() / 2;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x01);
    }
  }
}
