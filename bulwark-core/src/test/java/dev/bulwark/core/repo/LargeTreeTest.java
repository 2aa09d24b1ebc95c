package dev.bulwark.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.check.CheckResult;
import dev.bulwark.core.check.Checker;
import dev.bulwark.core.index.BlobLocation;
import dev.bulwark.core.restore.Restorer;
import dev.bulwark.core.testing.Backups;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.core.testing.Tools;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import dev.bulwark.core.tree.Tree;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tree blob above the streaming threshold (lowered here to 4 KiB, so a file of 1,024 chunks
 * has one) is written through a temporary file and read back as a stream, and what it writes
 * is an ordinary restic tree blob: the in-memory reader opens it, the real restic checks every
 * byte and restores the file identical, and a flipped bit in it is refused before parsing.
 */
class LargeTreeTest {
  private static final int CHUNK = 4096;
  private static final int CHUNKS = 1024;

  @TempDir Path dir;

  private String threshold;

  @BeforeEach
  void streamEveryTreeAbove4Kib() {
    threshold = System.setProperty(LargeBlobs.THRESHOLD_PROPERTY, "4096");
  }

  @AfterEach
  void restoreTheThreshold() {
    if (threshold == null) {
      System.clearProperty(LargeBlobs.THRESHOLD_PROPERTY);
    } else {
      System.setProperty(LargeBlobs.THRESHOLD_PROPERTY, threshold);
    }
  }

  @Test
  void aStreamedTreeIsAResticTreeThatBothReadersAndResticRead() throws Exception {
    Path src = TestRepositories.randomFile(dir.resolve("src/pages.db"), CHUNK * CHUNKS, 13);
    Path repoDir = dir.resolve("repo");
    Id fileTree;
    try (Repository repo = TestRepositories.init(LocalBackend.open(repoDir))) {
      var snap = Backups.underLock(repo, new Archiver(repo,
          TestRepositories.OPTIONS.withChunkBytes(CHUNK), new Progress()),
          List.of(FileSource.of(src))).snapshot();
      fileTree = parentTreeOf(repo, snap.tree(), src);
      BlobLocation loc = repo.index().find(BlobType.TREE, fileTree).orElseThrow();
      // Streamed: over the threshold, and compressed as a stream (zstd frame, exact length).
      assertThat(loc.blob().plaintextLength()).isGreaterThan(CHUNKS * 64);
      assertThat(loc.blob().isCompressed()).isTrue();

      Tree streamed = repo.loadTree(fileTree);
      byte[] inMemory = repo.loadBlob(BlobType.TREE, fileTree);
      assertThat(Id.hash(inMemory)).isEqualTo(fileTree);
      assertThat(Tree.parse(inMemory)).isEqualTo(streamed);
      assertThat(streamed.toJson()).isEqualTo(inMemory);
      Node file = streamed.nodes().get(0);
      assertThat(file.content()).isEqualTo(chunkIds(Files.readAllBytes(src)));

      CheckResult check = new Checker(repo, 2, new Progress()).check(true);
      assertThat(check.errors()).isEmpty();
      Path out = dir.resolve("out");
      new Restorer(repo, 2, new Progress()).restore(snap, out, List.of());
      assertThat(Files.mismatch(out.resolve(src.toString().substring(1)), src)).isEqualTo(-1);
    }

    Path restic = Tools.require("restic");
    Map<String, String> env = Map.of("RESTIC_PASSWORD",
        new String(TestRepositories.PASSWORD, StandardCharsets.UTF_8));
    String check = Tools.run(dir, env, restic.toString(), "-r", repoDir.toString(),
        "--no-cache", "check", "--read-data");
    assertThat(check).contains("no errors were found");
    Path resticOut = dir.resolve("restic-out");
    Tools.run(dir, env, restic.toString(), "-r", repoDir.toString(), "--no-cache", "restore",
        "latest", "--target", resticOut.toString());
    assertThat(Files.mismatch(resticOut.resolve(src.toString().substring(1)), src))
        .isEqualTo(-1);
  }

  @Test
  void aFlippedBitInAStreamedTreeIsRefusedBeforeItIsParsed() throws Exception {
    Path src = TestRepositories.randomFile(dir.resolve("src/pages.db"), CHUNK * CHUNKS, 14);
    Path repoDir = dir.resolve("repo");
    Id fileTree;
    BlobLocation loc;
    try (Repository repo = TestRepositories.init(LocalBackend.open(repoDir))) {
      var snap = Backups.underLock(repo, new Archiver(repo,
          TestRepositories.OPTIONS.withChunkBytes(CHUNK), new Progress()),
          List.of(FileSource.of(src))).snapshot();
      fileTree = parentTreeOf(repo, snap.tree(), src);
      loc = repo.index().find(BlobType.TREE, fileTree).orElseThrow();
    }
    String name = loc.pack().toString();
    Path pack = repoDir.resolve("data").resolve(name.substring(0, 2)).resolve(name);
    pack.toFile().setWritable(true);
    try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
      long at = loc.blob().offset() + loc.blob().length() / 2;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x10);
    }
    try (Repository repo = TestRepositories.open(LocalBackend.open(repoDir))) {
      assertThatThrownBy(() -> repo.loadTree(fileTree))
          .isInstanceOf(CorruptionException.class)
          .hasMessageContaining(loc.pack().toString())
          .hasMessageContaining("verification failed");
      CheckResult check = new Checker(repo, 2, new Progress()).check(true);
      assertThat(String.join("\n", check.errors())).contains(fileTree.shortForm());
    }
  }

  @Test
  void aStreamedTreeWhoseContentIsNotItsIdIsRefusedAtTheEndOfTheStream() throws Exception {
    // Authentic (sealed with the key) but stored under the wrong id: only the hash can tell.
    byte[] json = new Tree(List.of(Node.builder("pages.db", NodeType.FILE)
        .content(chunkIds(new byte[CHUNK * 300])).size(CHUNK * 300L).build())).toJson();
    Id wrong = Id.hash(new byte[] {1});
    try (Repository repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")))) {
      BlobSaver saver = new BlobSaver(repo, 1 << 20, 3);
      saver.save(BlobType.TREE, wrong, json, 0, json.length);
      saver.flush();
      assertThat(repo.index().find(BlobType.TREE, wrong).orElseThrow().blob()
          .plaintextLength()).isGreaterThan(4096);
      assertThatThrownBy(() -> repo.loadTree(wrong))
          .isInstanceOf(CorruptionException.class)
          .hasMessageContaining("blob " + wrong.shortForm() + " does not match its id");
    }
  }

  /** The id of the tree that lists {@code file} in the snapshot with root {@code root}. */
  private static Id parentTreeOf(Repository repo, Id root, Path file) throws Exception {
    Id[] parent = new Id[1];
    TreeWalker.of(repo, TreeWalker.ErrorPolicy.STOP).walk(root, (tree, path, node) -> {
      if (node.type() == NodeType.FILE && path.equals(file.toString())) {
        parent[0] = tree;
      }
      return true;
    });
    assertThat(parent[0]).as("tree listing %s", file).isNotNull();
    return parent[0];
  }

  private static List<Id> chunkIds(byte[] data) {
    List<Id> ids = new ArrayList<>();
    for (int off = 0; off < data.length; off += CHUNK) {
      ids.add(Id.hash(Arrays.copyOfRange(data, off, Math.min(data.length, off + CHUNK))));
    }
    return ids;
  }
}
