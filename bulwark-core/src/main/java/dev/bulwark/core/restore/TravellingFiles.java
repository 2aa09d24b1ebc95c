package dev.bulwark.core.restore;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Id;
import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files a database snapshot carries beside its database (identity keys, configs: the
 * snapshot's other paths), brought back with it so that a service restored from a snapshot
 * starts with its state and its identity. Each file is first restored under a temporary name
 * beside its target, with its recorded (owner-only) mode; an existing file with other content
 * is refused before anything is put in place, unless overwriting was asked for, and then kept
 * under a clear name ({@code NAME.bulwark-old-<UTC time>}, as a replaced database); an
 * existing identical file is left alone.
 */
final class TravellingFiles {
  private static final Logger LOG = LoggerFactory.getLogger(TravellingFiles.class);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** One of the snapshot's files outside its databases, with its node. */
  private record SnapshotFile(String path, Node node) {}

  /** One file restored under a temporary name, to be renamed to {@code target}. */
  record Staged(Path target, Path staged, boolean replaces) {}

  private final Restorer restorer;
  private final Snapshot snapshot;

  TravellingFiles(Restorer restorer, Snapshot snapshot) {
    this.restorer = restorer;
    this.snapshot = snapshot;
  }

  /**
   * Restores every file of the snapshot outside its databases under a temporary name beside
   * its original path.
   *
   * @throws BulwarkException naming the first existing file that differs from the snapshot's
   *     (unless {@code overwrite}), or one that is not a regular file; nothing is left behind
   */
  List<Staged> stage(boolean overwrite) throws IOException, BulwarkException {
    List<Staged> out = new ArrayList<>();
    boolean done = false;
    try {
      for (SnapshotFile f : files()) {
        String p = f.path();
        Path target = Path.of(p);
        boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        if (exists && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
          throw new BulwarkException(target + " is not a regular file (the snapshot has one "
              + "there); move it away and restore again");
        }
        AtomicFiles.createDirectories(target.getParent());
        Path staged = AtomicFiles.tempSibling(target);
        out.add(new Staged(target, staged, exists));
        restorer.restorePath(snapshot, p, staged);
        if (exists && Files.mismatch(staged, target) == -1) {
          Files.delete(staged);
          out.remove(out.size() - 1);
          continue;
        }
        if (exists && !overwrite) {
          throw new BulwarkException(target + " exists and differs from the copy in snapshot "
              + snapshot.id().shortForm() + "; nothing was restored (restore with "
              + "--overwrite-files to replace it, the current file kept beside it, or "
              + "--no-files to restore the database alone)");
        }
      }
      done = true;
      return out;
    } finally {
      if (!done) {
        discard(out);
      }
    }
  }

  /**
   * What {@link #stage} would do, file by file, without writing anything: an existing file is
   * compared with the snapshot's copy blob by blob (its SHA-256 against the blob ids), read
   * but never fetched from the repository.
   */
  List<TravellingFile> plan(Repository repo) throws IOException, BulwarkException {
    List<TravellingFile> out = new ArrayList<>();
    for (SnapshotFile f : files()) {
      Node node = f.node();
      Path target = Path.of(f.path());
      TravellingFile.State state;
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        state = TravellingFile.State.MISSING;
      } else if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
        state = TravellingFile.State.NOT_A_FILE;
      } else {
        state = sameContent(repo, node, target) ? TravellingFile.State.IDENTICAL
            : TravellingFile.State.DIFFERS;
      }
      out.add(new TravellingFile(target, node.size(), state));
    }
    return out;
  }

  private static boolean sameContent(Repository repo, Node node, Path file)
      throws IOException {
    if (Files.size(file) != node.size()) {
      return false;
    }
    try (ExistingContent old = ExistingContent.open(file)) {
      if (old == null) {
        return false;
      }
      long offset = 0;
      for (Id id : node.content()) {
        var loc = repo.index().find(BlobType.DATA, id);
        if (loc.isEmpty()) {
          return false;
        }
        int len = loc.get().blob().plaintextLength();
        if (old.matching(offset, len, id) == null) {
          return false;
        }
        offset += len;
      }
      return offset == node.size();
    }
  }

  /**
   * The snapshot's paths outside its databases (the one of a single-database snapshot, every
   * member of a group: a database is only ever restored verified and swapped, never as a plain
   * file) that are files; anything else is logged and left out.
   */
  private List<SnapshotFile> files() throws IOException, BulwarkException {
    List<String> databases = DatabaseTags.members(snapshot.tags()).stream()
        .map(DatabaseTags::path).toList();
    List<SnapshotFile> out = new ArrayList<>();
    for (String p : snapshot.paths()) {
      if (databases.stream().anyMatch(d -> p.equals(d) || p.startsWith(d + "/"))) {
        continue;
      }
      Node node = restorer.findNode(snapshot, p);
      if (node.type() != NodeType.FILE) {
        LOG.warn("{} in snapshot {} is a {}, not a file: not restored with the database "
            + "(use restore --target)", p, snapshot.id().shortForm(), node.type().jsonName());
        continue;
      }
      out.add(new SnapshotFile(p, node));
    }
    return out;
  }

  /**
   * Renames the staged files into place, keeping each file they replace beside it. Called once
   * the databases are swapped in, so a failure here is reported as a restore half done.
   *
   * @param restored what was swapped in before, for the message of a failure
   * @throws BulwarkException naming the file that could not be put in place, the databases
   *     already restored, and what to do
   */
  static List<Path> putInPlace(List<Staged> staged, Instant now, String restored)
      throws BulwarkException {
    List<Path> placed = new ArrayList<>();
    for (Staged s : staged) {
      try {
        putInPlace(s, now);
      } catch (IOException e) {
        throw new BulwarkException(restored + " was restored, but putting " + s.target()
            + " in place failed (" + e + ")" + (placed.isEmpty() ? ""
                : "; " + String.join(", ", placed.stream().map(Path::toString).toList())
                    + " are in place") + ": fix the cause and restore again (what is in "
            + "place and identical is left alone)", e);
      }
      placed.add(s.target());
    }
    return placed;
  }

  private static void putInPlace(Staged s, Instant now) throws IOException {
    if (s.replaces()) {
      // Named as a replaced database is; never over an earlier kept copy.
      String base = AtomicFiles.siblingBase(s.target(), 48) + ".bulwark-old-"
          + STAMP.format(now);
      Path kept = s.target().resolveSibling(base);
      for (int n = 2; Files.exists(kept, LinkOption.NOFOLLOW_LINKS); n++) {
        kept = s.target().resolveSibling(base + "-" + n);
      }
      Files.move(s.target(), kept);
      LOG.info("{} differed from the snapshot's copy; kept as {}", s.target(), kept);
    }
    AtomicFiles.moveIntoPlace(s.staged(), s.target());
  }

  /** Deletes what {@link #stage} wrote. */
  static void discard(List<Staged> staged) {
    for (Staged s : staged) {
      try {
        Files.deleteIfExists(s.staged());
      } catch (IOException e) {
        LOG.warn("could not delete {}: {}", s.staged(), e.toString());
      }
    }
  }
}
