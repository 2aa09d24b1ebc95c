package dev.bulwark.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import dev.bulwark.core.tree.Tree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one tree walk behind check, prune, restore and info, on a real backed-up tree. */
class TreeWalkerTest {
  @TempDir Path dir;
  private Repository repo;
  private Snapshot snapshot;
  private Path src;

  @BeforeEach
  void backUpATree() throws Exception {
    src = dir.resolve("src");
    Files.createDirectories(src.resolve("a/deep"));
    Files.createDirectories(src.resolve("b"));
    Files.writeString(src.resolve("a/one.txt"), "one");
    Files.writeString(src.resolve("a/deep/two.txt"), "two");
    Files.writeString(src.resolve("b/three.txt"), "three");
    Files.writeString(src.resolve("top.txt"), "top");
    repo = Repository.init(LocalBackend.open(dir.resolve("repo")), "pw".getBytes(),
        RepositoryTest.FAST);
    try (Lock lock = repo.lock(false)) {
      snapshot = new Archiver(repo, BackupOptions.defaults(), new Progress())
          .backup(lock, List.of(FileSource.of(src))).snapshot();
    }
  }

  @org.junit.jupiter.api.AfterEach
  void close() throws Exception {
    repo.close();
  }

  @Test
  void visitsEveryNodeDepthFirstWithItsPathAndLeavesEachFolderAfterItsContent()
      throws Exception {
    List<String> events = new ArrayList<>();
    TreeWalker.of(repo, TreeWalker.ErrorPolicy.STOP).walk(snapshot.tree(),
        new TreeWalker.Visitor() {
          @Override
          public boolean visit(Id parent, String path, Node n) {
            events.add("visit " + path);
            return true;
          }

          @Override
          public void leave(String path, Node n) {
            events.add("leave " + path);
          }
        });
    String s = src.toString();
    assertThat(events).containsSubsequence("visit " + s, "visit " + s + "/a",
        "visit " + s + "/a/deep", "visit " + s + "/a/deep/two.txt", "leave " + s + "/a/deep",
        "visit " + s + "/a/one.txt", "leave " + s + "/a", "visit " + s + "/b",
        "visit " + s + "/b/three.txt", "leave " + s + "/b", "visit " + s + "/top.txt",
        "leave " + s);
    assertThat(events.stream().filter(e -> e.startsWith("visit " + s + "/"))).hasSize(7);
  }

  @Test
  void aFolderNotEnteredIsNeitherLoadedNorLeft() throws Exception {
    List<String> visited = new ArrayList<>();
    List<String> left = new ArrayList<>();
    TreeWalker.of(repo, TreeWalker.ErrorPolicy.STOP).walk(snapshot.tree(),
        new TreeWalker.Visitor() {
          @Override
          public boolean visit(Id parent, String path, Node n) {
            visited.add(path);
            return !path.endsWith("/a");
          }

          @Override
          public void leave(String path, Node n) {
            left.add(path);
          }
        });
    assertThat(visited).anyMatch(p -> p.endsWith("/b/three.txt"))
        .noneMatch(p -> p.contains("/a/"));
    assertThat(left).noneMatch(p -> p.endsWith("/a"));
  }

  @Test
  void treesAVisitorSawBeforeAreSkipped() throws Exception {
    Set<Id> seen = new HashSet<>();
    int[] files = {0};
    TreeWalker.Visitor countOnce = new TreeWalker.Visitor() {
      @Override
      public boolean enterTree(Id tree, String path) {
        return seen.add(tree);
      }

      @Override
      public boolean visit(Id parent, String path, Node n) {
        if (n.type() == NodeType.FILE) {
          files[0]++;
        }
        return true;
      }
    };
    TreeWalker walker = TreeWalker.of(repo, TreeWalker.ErrorPolicy.STOP);
    walker.walk(snapshot.tree(), countOnce);
    walker.walk(snapshot.tree(), countOnce);
    assertThat(files[0]).as("the second walk of the same snapshot visits nothing").isEqualTo(4);
  }

  @Test
  void anUnreadableTreeStopsTheWalkOrIsReportedAndSkippedByPolicy() throws Exception {
    Id damaged = subtree("b");
    TreeWalker.TreeLoader failing = id -> {
      if (id.equals(damaged)) {
        throw new CorruptionException("tree " + id.shortForm() + " is damaged");
      }
      return Tree.parse(repo.loadBlob(BlobType.TREE, id));
    };
    List<String> visited = new ArrayList<>();
    TreeWalker.Visitor record = (parent, path, n) -> visited.add(path);
    assertThatThrownBy(() -> new TreeWalker(failing, TreeWalker.ErrorPolicy.STOP)
        .walk(snapshot.tree(), record)).isInstanceOf(CorruptionException.class)
        .hasMessageContaining(damaged.shortForm());

    visited.clear();
    List<String> reported = new ArrayList<>();
    new TreeWalker(failing, (tree, path, e) -> reported.add(path + ": " + e.getMessage()))
        .walk(snapshot.tree(), record);
    assertThat(reported).singleElement().asString().endsWith("/b: tree "
        + damaged.shortForm() + " is damaged");
    assertThat(visited).anyMatch(p -> p.endsWith("/top.txt"))
        .anyMatch(p -> p.endsWith("/a/deep/two.txt")).noneMatch(p -> p.contains("/b/"));
  }

  /** The id of the tree of folder {@code name} directly under the backed-up folder. */
  private Id subtree(String name) throws Exception {
    Id[] found = {null};
    TreeWalker.of(repo, TreeWalker.ErrorPolicy.STOP).walk(snapshot.tree(), (parent, path, n) -> {
      if (path.equals(src + "/" + name)) {
        found[0] = n.subtree();
      }
      return true;
    });
    assertThat(found[0]).isNotNull();
    return found[0];
  }
}
