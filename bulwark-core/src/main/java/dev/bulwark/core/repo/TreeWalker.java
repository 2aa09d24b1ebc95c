package dev.bulwark.core.repo;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Id;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import dev.bulwark.core.tree.Tree;
import java.io.IOException;

/**
 * Walks a snapshot's trees depth first, in the order the trees list their nodes, and hands
 * each node to a {@link Visitor} (restic's {@code walker.Walk} and {@code FindUsedBlobs}). The
 * one walk behind check (which reports a bad tree and goes on), prune (which collects the
 * blobs in use and stops at the first bad tree) and restore (which writes what it visits).
 *
 * <p>What happens when a tree cannot be loaded, or a folder names no tree, is the {@link
 * ErrorPolicy}'s call: rethrow to stop the walk, or record and skip that tree. Not
 * thread-safe; a walker may be reused for several walks.
 */
public final class TreeWalker {
  /** Loads the tree blob with an id. */
  @FunctionalInterface
  public interface TreeLoader {
    /**
     * The tree with id {@code id}.
     *
     * @throws BulwarkException if it is missing or damaged
     */
    Tree load(Id id) throws IOException, BulwarkException;
  }

  /** What a walk does with the trees and nodes it meets. */
  public interface Visitor {
    /**
     * Whether to load and walk the tree {@code tree} found at {@code path} ({@code ""} for the
     * snapshot's root); false skips it, e.g. because an earlier walk saw it.
     */
    default boolean enterTree(Id tree, String path) throws IOException, BulwarkException {
      return true;
    }

    /**
     * Called for each node of a walked tree, in order; for a folder node, the return value
     * says whether to walk its subtree (ignored for other nodes).
     *
     * @param parent the id of the tree that lists the node
     * @param path the node's absolute path in the snapshot, e.g. {@code /srv/app/app.db}
     */
    boolean visit(Id parent, String path, Node node) throws IOException, BulwarkException;

    /** Called after the subtree of a folder node was walked (not when it was skipped). */
    default void leave(String path, Node dir) throws IOException, BulwarkException {}
  }

  /** What a walk does when a tree cannot be walked. */
  @FunctionalInterface
  public interface ErrorPolicy {
    /** Stops the walk by rethrowing the error. */
    ErrorPolicy STOP = (tree, path, error) -> {
      if (error instanceof IOException io) {
        throw io;
      }
      throw (BulwarkException) error;
    };

    /**
     * Called when the tree {@code tree} (null if a folder names none) at {@code path} cannot be
     * walked, because it is missing or damaged ({@link BulwarkException}) or cannot be read
     * ({@link IOException}); returns to skip that tree and go on, or throws to stop the walk.
     */
    void treeUnreadable(Id tree, String path, Exception error)
        throws IOException, BulwarkException;
  }

  private final TreeLoader loader;
  private final ErrorPolicy policy;

  /** A walker loading trees with {@code loader}. */
  public TreeWalker(TreeLoader loader, ErrorPolicy policy) {
    this.loader = loader;
    this.policy = policy;
  }

  /** A walker loading trees through {@code repo}'s in-memory index. */
  public static TreeWalker of(Repository repo, ErrorPolicy policy) {
    return new TreeWalker(repo::loadTree, policy);
  }

  /** Walks everything below the tree {@code root} (a snapshot's root tree). */
  public void walk(Id root, Visitor visitor) throws IOException, BulwarkException {
    walk(root, "", visitor);
  }

  /**
   * Walks everything below the tree {@code tree}, naming nodes as under {@code path} (an
   * absolute path without a trailing slash, or {@code ""} for the root).
   */
  public void walk(Id tree, String path, Visitor visitor) throws IOException, BulwarkException {
    if (!visitor.enterTree(tree, path)) {
      return;
    }
    Tree t;
    try {
      t = loader.load(tree);
    } catch (IOException | BulwarkException e) {
      policy.treeUnreadable(tree, path, e);
      return;
    }
    for (Node n : t.nodes()) {
      String child = path + "/" + n.name();
      boolean descend = visitor.visit(tree, child, n);
      if (n.type() != NodeType.DIR || !descend) {
        continue;
      }
      if (n.subtree() == null || n.subtree().isNull()) {
        policy.treeUnreadable(null, child, new dev.bulwark.core.CorruptionException("tree "
            + tree.shortForm() + ": dir " + n.name() + " has no subtree"));
        continue;
      }
      walk(n.subtree(), child, visitor);
      visitor.leave(child, n);
    }
  }
}
