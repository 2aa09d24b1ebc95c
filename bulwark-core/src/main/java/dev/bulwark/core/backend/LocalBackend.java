package dev.bulwark.core.backend;

import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.fs.AtomicFiles;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A repository in a local folder, laid out as restic lays it out: packs under {@code
 * data/xx/}, every other kind in its own folder.
 */
public final class LocalBackend implements Backend {
  private final Path root;

  private LocalBackend(Path root) {
    this.root = root;
  }

  /** A backend over {@code root}; nothing is read or created until asked. */
  public static LocalBackend open(Path root) {
    return new LocalBackend(root.toAbsolutePath().normalize());
  }

  /** The repository folder. */
  public Path root() {
    return root;
  }

  /** Where the file named by {@code h} lives. */
  public Path path(Handle h) {
    return switch (h.type()) {
      case CONFIG -> root.resolve("config");
      case PACK -> root.resolve("data").resolve(h.name().substring(0, 2)).resolve(h.name());
      default -> root.resolve(h.type().folder()).resolve(h.name());
    };
  }

  @Override
  public String location() {
    return root.toString();
  }

  @Override
  public boolean exists() {
    return Files.isRegularFile(root.resolve("config"));
  }

  @Override
  public void create() throws IOException {
    AtomicFiles.createDirectories(root);
    for (FileType t : FileType.values()) {
      // Stream folders appear with their first segment: a repository stays as restic makes it.
      if (t != FileType.CONFIG && !t.hasPathNames()) {
        AtomicFiles.createDirectories(root.resolve(t.folder()));
      }
    }
    // Pre-create data/00..ff as restic does, so no pack write has to create a folder.
    for (int i = 0; i < 256; i++) {
      AtomicFiles.createDirectories(root.resolve("data").resolve(String.format("%02x", i)));
    }
  }

  @Override
  public void save(Handle h, List<ByteBuffer> parts) throws IOException {
    Path target = path(h);
    if (h.type() == FileType.PACK || h.type().hasPathNames()) {
      AtomicFiles.createDirectories(target.getParent());
    }
    AtomicFiles.write(target, parts);
  }

  @Override
  public byte[] load(Handle h, long offset, int length) throws IOException {
    Path p = path(h);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      long size = ch.size();
      long n = length < 0 ? size - offset : length;
      if (offset < 0 || n < 0 || offset + n > size) {
        throw new EOFException(h + " has " + size + " bytes, wanted " + n + " at " + offset);
      }
      if (n > Integer.MAX_VALUE - 16) {
        throw new IOException(h + " is too large to load at once (" + n + " bytes)");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) n);
      while (buf.hasRemaining()) {
        int r = ch.read(buf, offset + buf.position());
        if (r < 0) {
          throw new EOFException(h + " ended early");
        }
      }
      return buf.array();
    }
  }

  @Override
  public Optional<Long> stat(Handle h) throws IOException {
    try {
      return Optional.of(Files.size(path(h)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void list(FileType type, Consumer<FileInfo> consumer) throws IOException {
    if (type == FileType.CONFIG) {
      throw new IllegalArgumentException("the config is not listed");
    }
    Path dir = root.resolve(type.folder());
    if (!Files.isDirectory(dir)) {
      return;
    }
    if (type == FileType.PACK) {
      try (DirectoryStream<Path> subdirs = Files.newDirectoryStream(dir)) {
        for (Path sub : subdirs) {
          if (Files.isDirectory(sub)) {
            listFolder(sub, consumer);
          }
        }
      }
    } else {
      listFolder(dir, consumer);
    }
  }

  @Override
  public void listFolder(FileType type, String folder, Consumer<FileInfo> consumer)
      throws IOException {
    Handle.requireFolder(type, folder);
    Path dir = root.resolve(type.folder()).resolve(folder);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (Handle.isValidName(type, folder + "/" + name) && Files.isRegularFile(f)) {
          try {
            consumer.accept(new FileInfo(name, Files.size(f)));
          } catch (NoSuchFileException e) {
            // Removed between listing and stat: not there any more.
          }
        }
      }
    }
  }

  @Override
  public void listTree(FileType type, Consumer<FileInfo> consumer) throws IOException {
    if (!type.hasPathNames()) {
      throw new IllegalArgumentException("cannot list " + type + " as a tree");
    }
    Path dir = root.resolve(type.folder());
    if (!Files.isDirectory(dir)) {
      return;
    }
    regularFiles(dir, depth(type), (f, attrs) -> {
      String name = dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
      if (Handle.isValidName(type, name)) {
        consumer.accept(new FileInfo(name, attrs.size()));
      }
    });
  }

  /**
   * Hands every regular file under {@code dir}, down to {@code depth}, to {@code visitor}. Not
   * {@link Files#walk}: it throws when a file goes between reading a folder and reading the
   * file's attributes, which a replicator renaming its temporary file, or a compaction removing
   * segments, does at any moment; such a file is skipped, as it is not there now.
   */
  private static void regularFiles(Path dir, int depth,
      BiConsumer<Path, BasicFileAttributes> visitor) throws IOException {
    Files.walkFileTree(dir, Set.of(), depth, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          visitor.accept(f, attrs);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }
    });
  }

  private static void listFolder(Path dir, Consumer<FileInfo> consumer) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (Id.isValid(name)) {
          try {
            consumer.accept(new FileInfo(name, Files.size(f)));
          } catch (NoSuchFileException e) {
            // Removed by a concurrent prune between listing and stat: not there any more.
          }
        }
      }
    }
  }

  @Override
  public void delete(Handle h) throws IOException {
    Path p = path(h);
    if (Files.deleteIfExists(p)) {
      AtomicFiles.fsyncDirectory(p.getParent());
    }
  }

  @Override
  public int deleteTempFiles(Duration lockFreeMinAge) throws IOException {
    int removed = 0;
    Instant cutoff = Instant.now().minus(lockFreeMinAge);
    for (FileType t : FileType.values()) {
      if (t == FileType.CONFIG) {
        continue;
      }
      // Stream segments are shipped without a repository lock, as lock and key files are.
      boolean lockFree = t == FileType.LOCK || t == FileType.KEY || t.hasPathNames();
      Path dir = root.resolve(t.folder());
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<Path> stale = new ArrayList<>();
      regularFiles(dir, depth(t), (f, attrs) -> {
        boolean old = attrs.lastModifiedTime().toInstant().isBefore(cutoff);
        if (f.getFileName().toString().contains("-tmp-") && (old || !lockFree)) {
          stale.add(f);
        }
      });
      for (Path f : stale) {
        if (Files.deleteIfExists(f)) {
          AtomicFiles.fsyncDirectory(f.getParent());
          removed++;
        }
      }
    }
    return removed;
  }

  private static int depth(FileType t) {
    return t == FileType.PACK ? 2 : t.hasPathNames() ? 4 : 1;
  }

  @Override
  public int connections() {
    return 2;
  }

  @Override
  public void close() {}
}
