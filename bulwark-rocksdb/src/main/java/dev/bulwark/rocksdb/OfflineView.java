package dev.bulwark.rocksdb;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.SourceException;
import dev.bulwark.core.backup.SourceView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.rocksdb.RocksDBException;

/**
 * A closed database folder, read as it is.
 *
 * <p>Nothing stops a process from opening the database while it is read (holding its
 * {@code LOCK} from Java would be unsafe, see {@link LockProbe}). Instead the view refuses a
 * locked database up front and, once every file has been read, checks that no file in the
 * folder was added, removed or changed meanwhile; if one was, the backup fails rather than
 * store a mix.
 */
final class OfflineView implements SourceView {
  private final Path dir;
  private final List<String> tags;
  private final long bytes;
  private final Map<String, String> before;

  private OfflineView(Path dir, List<String> tags, long bytes, Map<String, String> before) {
    this.dir = dir;
    this.tags = tags;
    this.bytes = bytes;
    this.before = before;
  }

  /** Checks that {@code dir} is a closed, readable RocksDB database and opens a view of it. */
  static OfflineView open(Path dir) throws SourceException {
    if (!Files.exists(dir)) {
      throw new SourceException("RocksDB database folder does not exist: " + dir);
    }
    if (!Files.isDirectory(dir)) {
      throw new SourceException(dir + " is not a folder; a RocksDB database is a folder");
    }
    if (!Files.isRegularFile(dir.resolve("CURRENT"))) {
      throw new SourceException(dir + " is not a RocksDB database (it has no CURRENT file)");
    }
    Optional<String> inUse = LockProbe.whyInUse(dir);
    if (inUse.isPresent()) {
      throw new SourceException("cannot back up " + dir + " as a closed database: it "
          + inUse.get() + "; stop that process, or back it up from inside it with"
          + " RocksDbSource.of(db)");
    }
    try {
      Map<String, String> before = fingerprint(dir);
      ReadOnlyDatabase.Facts facts;
      try (ReadOnlyDatabase ro = ReadOnlyDatabase.open(dir)) {
        facts = ro.facts();
      }
      return new OfflineView(dir, RocksDbSource.tags(dir, facts, "offline"),
          FolderEntries.size(dir), before);
    } catch (RocksDBException e) {
      throw new SourceException(dir + " is not a readable RocksDB database: " + e.getMessage(),
          e);
    } catch (IOException e) {
      throw new SourceException("cannot read " + dir + ": " + e, e);
    }
  }

  @Override
  public List<String> paths() {
    return List.of(dir.toString());
  }

  /**
   * Visits the folder, then fails with a {@link SourceException} if anything in it changed
   * while it was read (the visitor has consumed every file by then).
   */
  @Override
  public void visit(EntryVisitor visitor) throws IOException, BulwarkException {
    FolderEntries.visit(dir, dir, dir, visitor);
    if (!fingerprint(dir).equals(before)) {
      throw new SourceException(dir + " changed while it was being backed up (did a process"
          + " open it?); back it up again once it is closed, or from inside that process with"
          + " RocksDbSource.of(db)");
    }
  }

  /** Relative path to size, modification time and file key of everything below {@code dir}. */
  private static Map<String, String> fingerprint(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);
        m.put(dir.relativize(p).toString(), a.size() + " " + a.lastModifiedTime().toInstant()
            + " " + a.fileKey());
      }
    }
    return m;
  }

  @Override
  public long estimatedBytes() {
    return bytes;
  }

  @Override
  public List<String> tags() {
    return tags;
  }

  /** Nothing is pinned. */
  @Override
  public void close() {}
}
