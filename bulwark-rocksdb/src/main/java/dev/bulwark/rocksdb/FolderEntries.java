package dev.bulwark.rocksdb;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.backup.FileMeta;
import dev.bulwark.core.backup.SourceEntry;
import dev.bulwark.core.backup.SourceView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entries of a database folder, read from one place and recorded under another: a
 * checkpoint at {@code /srv/.db.bulwark-checkpoint-1-x/checkpoint} is recorded as
 * {@code /srv/db}, so a snapshot names the database's own files.
 */
final class FolderEntries {
  private static final Logger LOG = LoggerFactory.getLogger(FolderEntries.class);
  /**
   * RocksDB files are immutable (tables) or append-only (WAL, MANIFEST), so chunk boundaries
   * need no page alignment to dedup: a file's unchanged prefix always cuts the same way.
   */
  private static final int ALIGNMENT = 1;

  private FolderEntries() {}

  /**
   * Visits {@code recordedAs} as a folder with the metadata of {@code metaOf}, then everything
   * below {@code from} (in name order, parents first) under {@code recordedAs}.
   */
  static void visit(Path from, Path recordedAs, Path metaOf, SourceView.EntryVisitor visitor)
      throws IOException, BulwarkException {
    visitor.accept(SourceEntry.dir(recordedAs, FileMeta.of(metaOf)));
    visitChildren(from, recordedAs, visitor);
  }

  private static void visitChildren(Path from, Path recordedAs, SourceView.EntryVisitor visitor)
      throws IOException, BulwarkException {
    List<Path> children;
    try (Stream<Path> s = Files.list(from)) {
      children = s.sorted().toList();
    }
    for (Path child : children) {
      Path recorded = recordedAs.resolve(child.getFileName().toString());
      BasicFileAttributes a = Files.readAttributes(child, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      if (a.isDirectory()) {
        visitor.accept(SourceEntry.dir(recorded, FileMeta.of(child)));
        visitChildren(child, recorded, visitor);
      } else if (a.isRegularFile()) {
        visitor.accept(SourceEntry.file(recorded, FileMeta.of(child),
            () -> Files.newInputStream(child), ALIGNMENT).withReuse(reuseOf(child), a.size()));
      } else {
        LOG.warn("skipping {}: RocksDB keeps only files and folders", child);
      }
    }
  }

  /**
   * Tables and blob files are written once under a fresh number and never changed, so the same
   * name and size is the same file (BackupEngine's rule; the archiver also wants the same mtime,
   * which a database created again under old numbers does not have); a checkpoint's hard links
   * give them a new ctime, so restic's metadata rule would read them all again. MANIFEST,
   * OPTIONS, CURRENT and the WAL change in place and are always read.
   */
  static SourceEntry.Reuse reuseOf(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".sst") || name.endsWith(".blob") ? SourceEntry.Reuse.IF_SIZE_EQUAL
        : SourceEntry.Reuse.NEVER;
  }

  /** Bytes in the regular files below {@code dir}. */
  static long size(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      long total = 0;
      for (Path p : (Iterable<Path>) s::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);
        if (a.isRegularFile()) {
          total += a.size();
        }
      }
      return total;
    }
  }
}
