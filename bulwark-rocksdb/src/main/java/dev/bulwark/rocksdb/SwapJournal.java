package dev.bulwark.rocksdb;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.fs.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@link DirectorySwap} is about to do, written and made durable before it renames
 * anything, so that a later run can finish or undo a swap that was interrupted.
 *
 * <p>It lives beside the target as {@code .<target>.bulwark-swap}, UTF-8 lines:
 *
 * <table>
 *   <caption>Swap journal</caption>
 *   <tr><th>line</th><th>meaning</th></tr>
 *   <tr><td>{@code bulwark-swap 1}</td><td>format and version</td></tr>
 *   <tr><td>{@code staging=<name>}</td><td>the verified copy, a sibling of the target</td></tr>
 *   <tr><td>{@code previous=<name>}</td><td>where the database at the target is moved;
 *       empty if there was none</td></tr>
 *   <tr><td>{@code end}</td><td>the journal is complete; without it no rename happened</td></tr>
 * </table>
 *
 * <p>The journal is created exclusively ({@code O_EXCL}) and holds a lock for as long as its
 * swap runs: a second process (or thread) finding it locked knows the swap is alive, not
 * interrupted. An instance holds that lock until {@link #close()}.
 */
final class SwapJournal implements AutoCloseable {
  private static final String HEADER = "bulwark-swap 1";
  private static final String STAGING = "staging=";
  private static final String PREVIOUS = "previous=";
  private static final String END = "end";
  private static final int MAX_BYTES = 64 * 1024;
  /** A journal replaced between our look and our lock is looked at again, a few times. */
  private static final int LOCK_ATTEMPTS = 5;

  private final Path path;
  private final FileChannel channel;
  private final String staging;
  private final String previous;
  private final boolean complete;

  private SwapJournal(Path path, FileChannel channel, String staging, String previous,
      boolean complete) {
    this.path = path;
    this.channel = channel;
    this.staging = staging;
    this.previous = previous;
    this.complete = complete;
  }

  /** Where the journal of a swap into {@code target} lives. */
  static Path pathFor(Path target) {
    return target.resolveSibling("." + AtomicFiles.siblingBase(target, 48) + ".bulwark-swap");
  }

  /**
   * Writes a complete journal durably and locks it.
   *
   * @param previous name the target is moved to, empty if nothing is at the target
   * @throws BulwarkException if a journal exists: another swap into the target is running
   */
  static SwapJournal create(Path target, String staging, String previous)
      throws IOException, BulwarkException {
    Path path = pathFor(target);
    FileChannel ch;
    try {
      ch = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          AtomicFiles.fileAttributes());
    } catch (FileAlreadyExistsException e) {
      throw new BulwarkException("another restore into " + target + " is in progress (" + path
          + " exists); wait for it to finish", e);
    }
    boolean done = false;
    try {
      if (ch.tryLock() == null) {
        throw new IllegalStateException("a file just created exclusively is locked: " + path);
      }
      String text = HEADER + "\n" + STAGING + staging + "\n" + PREVIOUS + previous + "\n" + END
          + "\n";
      ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
      AtomicFiles.fsyncDirectory(path.getParent());
      done = true;
      return new SwapJournal(path, ch, staging, previous, true);
    } finally {
      if (!done) {
        ch.close();
        Files.deleteIfExists(path);
      }
    }
  }

  /**
   * The journal of an earlier swap into {@code target}, locked, if there is one.
   *
   * @throws BulwarkException if its swap is still running (the journal is locked)
   */
  static Optional<SwapJournal> lockExisting(Path target) throws IOException, BulwarkException {
    Path path = pathFor(target);
    for (int attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
      Object keyBefore = fileKey(path);
      if (keyBefore == null) {
        return Optional.empty();
      }
      FileChannel ch;
      try {
        ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      } catch (NoSuchFileException e) {
        continue;
      }
      boolean keep = false;
      try {
        FileLock lock;
        try {
          lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null; // held by a swap in this JVM
        }
        if (lock == null) {
          throw new BulwarkException("another restore is swapping a database into " + target
              + " right now; wait for it to finish");
        }
        // The journal we locked may have been deleted (and even recreated) meanwhile.
        if (!Objects.equals(keyBefore, fileKey(path))) {
          continue;
        }
        SwapJournal j = read(path, ch);
        keep = true;
        return Optional.of(j);
      } finally {
        if (!keep) {
          ch.close();
        }
      }
    }
    throw new IOException("the swap journal " + path + " keeps changing; is another restore"
        + " into " + target + " running?");
  }

  private static Object fileKey(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static SwapJournal read(Path path, FileChannel ch) throws IOException {
    long size = ch.size();
    if (size > MAX_BYTES) {
      throw new IOException("swap journal " + path + " is " + size + " bytes; expected a few"
          + " lines. Remove it by hand if it is not Bulwark's");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) size);
    while (buf.hasRemaining() && ch.read(buf, buf.position()) >= 0) {
      // read until full or end of file
    }
    String[] lines = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8)
        .split("\n", -1);
    boolean complete = lines.length == 5 && lines[0].equals(HEADER)
        && lines[1].startsWith(STAGING) && lines[2].startsWith(PREVIOUS)
        && lines[3].equals(END) && lines[4].isEmpty()
        && isPlainName(lines[1].substring(STAGING.length()))
        && (lines[2].length() == PREVIOUS.length()
            || isPlainName(lines[2].substring(PREVIOUS.length())));
    if (!complete) {
      return new SwapJournal(path, ch, "", "", false);
    }
    return new SwapJournal(path, ch, lines[1].substring(STAGING.length()),
        lines[2].substring(PREVIOUS.length()), true);
  }

  /** A name of a sibling: never a path, so a damaged journal cannot point elsewhere. */
  static boolean isPlainName(String name) {
    return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
        && name.indexOf('\n') < 0 && name.indexOf('\r') < 0 && name.indexOf('\0') < 0;
  }

  /** False if the writer died while writing it: then it never renamed anything. */
  boolean isComplete() {
    return complete;
  }

  /** The staging folder, beside the target. */
  Path staging() {
    return path.resolveSibling(staging);
  }

  /** Where the previous database goes, if there was one. */
  Optional<Path> previous() {
    return previous.isEmpty() ? Optional.empty() : Optional.of(path.resolveSibling(previous));
  }

  Path path() {
    return path;
  }

  /** Removes the journal durably, then releases it: the swap is over. */
  void delete() throws IOException {
    Files.deleteIfExists(path);
    AtomicFiles.fsyncDirectory(path.getParent());
    close();
  }

  /** Releases the lock (the journal stays, for a later recovery). Idempotent. */
  @Override
  public void close() throws IOException {
    channel.close();
  }
}
