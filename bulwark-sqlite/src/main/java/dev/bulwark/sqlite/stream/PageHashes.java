package dev.bulwark.sqlite.stream;

import dev.bulwark.core.fs.AtomicFiles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@link dev.bulwark.core.stream.PageSetChecksum#pageHash page hash} of every page of the
 * database state a replicator has shipped, 8 bytes a page in a file of its own: to chain a
 * segment's checksum the replicator needs the hash of each page's previous version, and reading
 * it from the live database would mean opening the database file (which drops SQLite's locks,
 * see docs/design.md). 2 MiB per GiB of database, on disk, not in the heap.
 *
 * <p>Updates are not atomic; the replicator checks the file against its recorded checksum when
 * it resumes and starts a new generation if they disagree. Not thread-safe.
 */
public final class PageHashes implements Closeable {
  private final FileChannel ch;
  private final ByteBuffer one = ByteBuffer.allocate(Long.BYTES);

  private PageHashes(FileChannel ch) {
    this.ch = ch;
  }

  /** A new, empty file at {@code file} (0600), replacing any previous one. */
  public static PageHashes create(Path file) throws IOException {
    return new PageHashes(FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ,
        StandardOpenOption.WRITE), AtomicFiles.fileAttributes()));
  }

  /** The existing file at {@code file}. */
  public static PageHashes open(Path file) throws IOException {
    return new PageHashes(FileChannel.open(file, StandardOpenOption.READ,
        StandardOpenOption.WRITE));
  }

  /** The hash of page {@code page} (1-based); 0 for a page never set. */
  public long get(long page) throws IOException {
    one.clear();
    long pos = (page - 1) * Long.BYTES;
    while (one.hasRemaining()) {
      if (ch.read(one, pos + one.position()) < 0) {
        return 0;
      }
    }
    return one.getLong(0);
  }

  /** Records the hash of page {@code page}. */
  public void set(long page, long hash) throws IOException {
    one.clear();
    one.putLong(0, hash);
    long pos = (page - 1) * Long.BYTES;
    while (one.hasRemaining()) {
      ch.write(one, pos + one.position());
    }
  }

  /** The XOR of the hashes of pages 1..{@code pages}: the state checksum they add up to. */
  public long xor(long pages) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    long acc = 0;
    long pos = 0;
    long end = pages * Long.BYTES;
    while (pos < end) {
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), end - pos));
      int n = ch.read(buf, pos);
      if (n < 0) {
        break; // pages never set count as 0
      }
      for (int i = 0; i + Long.BYTES <= n; i += Long.BYTES) {
        acc ^= buf.getLong(i);
      }
      pos += n - n % Long.BYTES;
    }
    return acc;
  }

  /** Makes what was set durable. */
  public void force() throws IOException {
    ch.force(false);
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
