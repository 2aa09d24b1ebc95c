package dev.bulwark.core.backend;

import dev.bulwark.core.FileType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Backend} whose saves and loads draw their bytes from token buckets, so that a
 * process stays within its upload and download limits (restic's {@code --limit-upload} and
 * {@code --limit-download}) however many threads transfer at once. Made by {@link
 * RateLimits#apply}.
 *
 * <p>A save waits for its bytes before it is handed on (slice by slice, so a 16 MiB pack does
 * not take the bucket in one grab and smaller transfers of other threads get in between); a
 * load waits for the bytes it received afterwards. A retry of a save by the caller waits
 * again. Listing, stat and delete are not limited: they move a few bytes. Waiting is
 * interruptible ({@link java.io.InterruptedIOException}). Thread-safe.
 */
final class ThrottledBackend implements Backend {
  private final Backend inner;
  private final @Nullable TokenBucket upload;
  private final @Nullable TokenBucket download;

  ThrottledBackend(Backend inner, @Nullable TokenBucket upload, @Nullable TokenBucket download) {
    this.inner = inner;
    this.upload = upload;
    this.download = download;
  }

  @Override
  public String location() {
    return inner.location();
  }

  @Override
  public boolean exists() throws IOException {
    return inner.exists();
  }

  @Override
  public void create() throws IOException {
    inner.create();
  }

  @Override
  public void save(Handle handle, List<ByteBuffer> parts) throws IOException {
    if (upload != null) {
      long bytes = 0;
      for (ByteBuffer b : parts) {
        bytes += b.remaining();
      }
      upload.take(bytes);
    }
    inner.save(handle, parts);
  }

  @Override
  public byte[] load(Handle handle, long offset, int length) throws IOException {
    byte[] data = inner.load(handle, offset, length);
    if (download != null) {
      download.take(data.length);
    }
    return data;
  }

  @Override
  public Optional<Long> stat(Handle handle) throws IOException {
    return inner.stat(handle);
  }

  @Override
  public void list(FileType type, Consumer<FileInfo> consumer) throws IOException {
    inner.list(type, consumer);
  }

  @Override
  public void listFolder(FileType type, String folder, Consumer<FileInfo> consumer)
      throws IOException {
    inner.listFolder(type, folder, consumer);
  }

  @Override
  public void listTree(FileType type, Consumer<FileInfo> consumer) throws IOException {
    inner.listTree(type, consumer);
  }

  @Override
  public void delete(Handle handle) throws IOException {
    inner.delete(handle);
  }

  @Override
  public int deleteTempFiles(java.time.Duration lockFreeMinAge) throws IOException {
    return inner.deleteTempFiles(lockFreeMinAge);
  }

  @Override
  public int connections() {
    return inner.connections();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
