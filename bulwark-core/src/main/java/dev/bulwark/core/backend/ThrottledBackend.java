package dev.bulwark.core.backend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
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
final class ThrottledBackend extends ForwardingBackend {
  private final @Nullable TokenBucket upload;
  private final @Nullable TokenBucket download;

  ThrottledBackend(Backend inner, @Nullable TokenBucket upload, @Nullable TokenBucket download) {
    super(inner);
    this.upload = upload;
    this.download = download;
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
}
