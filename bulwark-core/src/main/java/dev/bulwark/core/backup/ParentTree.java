package dev.bulwark.core.backup;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Id;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.tree.FileName;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes of a parent snapshot, looked up by path. Trees are loaded when first asked for and
 * only a few folders are kept: a backup visits entries parents first and in name order, so it
 * asks about one folder at a time.
 */
final class ParentTree {
  private static final Logger LOG = LoggerFactory.getLogger(ParentTree.class);
  /** Folders kept loaded: the path from the root to the current one, with room to spare. */
  private static final int CACHED_FOLDERS = 64;
  private static final Map<FileName, Node> NONE = Map.of();
  private final Repository repo;
  private final Id root;
  private final Map<List<FileName>, Map<FileName, Node>> folders =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<List<FileName>, Map<FileName, Node>> e) {
          return size() > CACHED_FOLDERS;
        }
      };

  ParentTree(Repository repo, Id root) {
    this.repo = repo;
    this.root = root;
  }

  /**
   * The node at {@code names} (the components of an absolute path) in the parent snapshot;
   * null if it has none there, or if a tree on the way cannot be read (a damaged parent only
   * means the file is read again).
   */
  @Nullable Node find(List<FileName> names) {
    if (names.isEmpty()) {
      return null;
    }
    return folder(names.subList(0, names.size() - 1)).get(names.get(names.size() - 1));
  }

  private Map<FileName, Node> folder(List<FileName> path) {
    Map<FileName, Node> cached = folders.get(path);
    if (cached != null) {
      return cached;
    }
    Id tree;
    if (path.isEmpty()) {
      tree = root;
    } else {
      Node n = folder(path.subList(0, path.size() - 1)).get(path.get(path.size() - 1));
      tree = n != null && n.type() == NodeType.DIR ? n.subtree() : null;
    }
    Map<FileName, Node> nodes = tree == null ? NONE : load(tree);
    folders.put(List.copyOf(path), nodes);
    return nodes;
  }

  private Map<FileName, Node> load(Id tree) {
    try {
      Map<FileName, Node> nodes = new HashMap<>();
      for (Node n : repo.loadTree(tree).nodes()) {
        nodes.put(n.name(), n);
      }
      return nodes;
    } catch (IOException | BulwarkException e) {
      LOG.warn("parent tree {} cannot be read ({}); the files below it are read again",
          tree.shortForm(), e.getMessage());
      return NONE;
    }
  }
}
