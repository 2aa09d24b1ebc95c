package dev.bulwark.core.backup;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.SourceException;
import dev.bulwark.core.tree.NativeNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain files and folders, read as they are: the source for key files and configs that travel
 * with a database, and for anything that is not changing while it is read. Symlinks are stored
 * as links; sockets, pipes and devices are skipped.
 */
public final class FileSource implements Source {
  private static final Logger LOG = LoggerFactory.getLogger(FileSource.class);
  private final List<Path> paths;
  private final boolean ownerOnly;

  private FileSource(List<Path> paths, boolean ownerOnly) {
    this.paths = paths;
    this.ownerOnly = ownerOnly;
  }

  /**
   * The same files recorded as readable by their owner only (group and other bits cleared), so
   * secrets such as identity keys always come back private, whatever their mode was.
   *
   * @return a source over the same files, recorded owner-only
   */
  public FileSource ownerOnly() {
    return new FileSource(paths, true);
  }

  /**
   * A source over the given files and folders (made absolute and normalized).
   *
   * @param paths files and folders to back up; folders are walked
   * @return the source
   */
  public static FileSource of(Path... paths) {
    return of(Arrays.asList(paths));
  }

  /**
   * A source over the given files and folders (made absolute and normalized).
   *
   * @param paths files and folders to back up; folders are walked
   * @return the source
   */
  public static FileSource of(List<Path> paths) {
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("nothing to back up");
    }
    List<Path> abs = new ArrayList<>();
    for (Path p : paths) {
      abs.add(p.toAbsolutePath().normalize());
    }
    return new FileSource(List.copyOf(abs), false);
  }

  @Override
  public SourceView open() throws SourceException {
    long total = 0;
    for (Path p : paths) {
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new SourceException("does not exist: " + p);
      }
      total += sizeOf(p);
    }
    long estimated = total;
    return new SourceView() {
      @Override
      public List<String> paths() {
        return paths.stream().map(Path::toString).toList();
      }

      @Override
      public void visit(EntryVisitor visitor) throws IOException, BulwarkException {
        EntryVisitor v = ownerOnly ? new EntryVisitor() {
          @Override
          public void accept(SourceEntry e) throws IOException, BulwarkException {
            visitor.accept(e.kind() == SourceEntry.Kind.SYMLINK ? e : new SourceEntry(e.path(),
                e.kind(), e.meta().withPermissions(e.meta().permissions() & 0700), e.content(),
                e.linkTarget(), e.alignment(), e.reuse(), e.size()));
          }

          @Override
          public void unreadable(Path path, IOException cause)
              throws IOException, BulwarkException {
            visitor.unreadable(path, cause);
          }
        } : visitor;
        for (Path p : paths) {
          walk(p, v);
        }
      }

      @Override
      public long estimatedBytes() {
        return estimated;
      }

      @Override
      public void close() {}
    };
  }

  private static long sizeOf(Path p) {
    try (var s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return -1;
    }
  }

  private static void walk(Path p, SourceView.EntryVisitor visitor)
      throws IOException, BulwarkException {
    BasicFileAttributes a;
    FileMeta meta;
    Path target;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      meta = FileMeta.of(p);
      target = a.isSymbolicLink() ? readLink(p, a.size()) : null;
    } catch (FileSystemException e) {
      // A path longer than PATH_MAX, no permission, gone since listed: the rest is still backed
      // up, and the backup ends incomplete, as restic's does.
      visitor.unreadable(p, e);
      return;
    }
    if (a.isSymbolicLink()) {
      visitor.accept(new SourceEntry(p, SourceEntry.Kind.SYMLINK, meta, null, target, 1));
    } else if (a.isDirectory()) {
      visitor.accept(SourceEntry.dir(p, meta));
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
        ds.forEach(children::add);
      } catch (FileSystemException | DirectoryIteratorException e) {
        visitor.unreadable(p, e instanceof DirectoryIteratorException d ? d.getCause()
            : (IOException) e);
        return;
      }
      children.sort(null);
      for (Path c : children) {
        walk(c, visitor);
      }
    } else if (a.isRegularFile()) {
      visitor.accept(SourceEntry.file(p, meta, () -> openFile(p), 1)
          .withReuse(SourceEntry.Reuse.IF_METADATA_EQUAL, a.size()));
    } else {
      LOG.warn("skipping {}: not a file, folder or symlink", p);
    }
  }

  /**
   * A symlink's target, refused (as unreadable) if what the JDK gives back is not the whole
   * target: a stored substitute would restore another link. lstat's size of a symlink is the
   * length of its target.
   */
  private static Path readLink(Path p, long targetLength) throws IOException {
    Path target = Files.readSymbolicLink(p);
    if (NativeNames.bytesOf(target).length != targetLength) {
      throw new FileSystemException(p.toString(), null, "symlink target read as " + target
          + " is not " + targetLength + " bytes long");
    }
    return target;
  }

  private static InputStream openFile(Path p) throws IOException {
    return Files.newInputStream(p);
  }
}
