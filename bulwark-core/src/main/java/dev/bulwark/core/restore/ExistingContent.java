package dev.bulwark.core.restore;

import dev.bulwark.core.Id;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A file already at a restore's target whose content may be reused (a delta restore, as
 * pgBackRest's {@code --delta} or RocksDB BackupEngine's incremental restore): a byte range is
 * reused only when its SHA-256 equals the id of the blob the snapshot has there, since a data
 * blob's id is the SHA-256 of its plaintext. A shorter, sparse, damaged or changed file thus
 * costs only fetches, never a wrong byte: the range is read once, hashed and handed on from the
 * same buffer, so a write to the file between hash and use cannot slip in. Safe to call from
 * several threads at once.
 */
final class ExistingContent implements AutoCloseable {
  private final FileChannel ch;
  private final long size;

  private ExistingContent(FileChannel ch, long size) {
    this.ch = ch;
    this.size = size;
  }

  /**
   * The regular file at {@code path} opened for reading, or null when there is none (missing,
   * a folder, a symbolic link: a link is not followed, its target is not the restore's).
   */
  static @Nullable ExistingContent open(@Nullable Path path) throws IOException {
    if (path == null || !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
    return new ExistingContent(ch, ch.size());
  }

  /**
   * The {@code length} bytes at {@code offset} if their SHA-256 is {@code id}, else null (also
   * when the file ends before them, or they cannot be read: a bad sector just means a fetch).
   */
  byte @Nullable [] matching(long offset, int length, Id id) {
    if (offset + length > size) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.allocate(length);
    try {
      while (buf.hasRemaining()) {
        if (ch.read(buf, offset + buf.position()) < 0) {
          return null;
        }
      }
    } catch (IOException e) {
      return null;
    }
    byte[] b = buf.array();
    return MessageDigest.isEqual(Id.sha256().digest(b), id.bytes()) ? b : null;
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }

  /** Counts {@link RestoredBytes} over a restorer's restores, from any thread. */
  static final class Counter {
    private final AtomicLong reused = new AtomicLong();
    private final AtomicLong fetched = new AtomicLong();

    void reused(long n) {
      reused.addAndGet(n);
    }

    void fetched(long n) {
      fetched.addAndGet(n);
    }

    RestoredBytes stats() {
      return new RestoredBytes(reused.get(), fetched.get());
    }
  }
}
