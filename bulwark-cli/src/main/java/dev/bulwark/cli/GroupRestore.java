package dev.bulwark.cli;

import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.cli.source.DatabaseSources;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseKind;
import dev.bulwark.core.restore.GroupRestorer;
import dev.bulwark.core.restore.Restorer;
import dev.bulwark.core.restore.TravellingFile;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code bulwark restore --group NAME} and {@code --all-databases}: every database of one
 * snapshot to its own path, all verified before any is swapped in, and their key files.
 */
final class GroupRestore {
  private GroupRestore() {}

  /** Every kind of database this build restores. */
  static List<DatabaseKind> kinds() {
    return Arrays.stream(DatabaseType.values()).map(DatabaseSources::restoreKind).toList();
  }

  /** Prints the result of a restore. */
  static void print(PrintWriter out, GroupRestorer.Result res) {
    Snapshot s = res.snapshot();
    out.println("restored " + DatabaseTags.group(s.tags()).map(g -> "group " + g)
        .orElse("the databases") + " from snapshot " + s.id().shortForm() + " (taken "
        + s.time() + "), each verified before any was swapped in:");
    for (GroupRestorer.Member m : res.members()) {
      out.println("  " + m.database().kind() + " database " + m.database().path()
          + (m.previous() == null ? "" : "; previous database kept at " + m.previous()));
    }
    for (Path f : res.files()) {
      out.println("restored " + f + " (backed up with the databases)");
    }
  }

  /** {@code --dry-run}: the snapshot, its databases as they are now, its files. */
  static void printPlan(PrintWriter out, Restorer trees, GroupRestorer restorer, Snapshot s,
      boolean noFiles, boolean overwriteFiles) throws IOException, BulwarkException {
    out.println("dry run: nothing is written");
    out.println("snapshot:   " + s.id().shortForm() + " taken " + s.time()
        + DatabaseTags.group(s.tags()).map(g -> ", group " + g).orElse(""));
    List<DatabaseTags> members = DatabaseTags.members(s.tags());
    if (members.isEmpty()) {
      out.println("databases:  none (use --target DIR for a snapshot of files)");
    }
    for (DatabaseTags m : members) {
      Node node = trees.findNode(s, m.path());
      boolean exists = Files.exists(Path.of(m.path()), LinkOption.NOFOLLOW_LINKS);
      out.println("database:   " + m.kind() + " " + m.path()
          + (node.type() == NodeType.FILE ? ", " + Messages.bytes(node.size()) : "")
          + (exists ? "; the one there now would be kept beside it" : "; nothing there now"));
    }
    RestorePlanPrinter.printFiles(out, restorer.travellingFiles(s), noFiles, overwriteFiles);
    out.flush();
  }
}
