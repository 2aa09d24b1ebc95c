package dev.bulwark.core.repo;

/**
 * Where a tree blob becomes too large to hold in the heap: above it, it is written (sealed
 * through a temporary file) and read (authenticated, then decrypted and parsed as a stream)
 * without ever being one array. A file's tree blob holds its content list, about 67 bytes of
 * JSON per chunk, so a 10 GiB database at 16 KiB chunks has a 44 MiB tree; below the
 * threshold (a few MiB) the in-memory path is faster and ordinary trees stay on it.
 *
 * <p>The system property {@value #THRESHOLD_PROPERTY} (bytes of plaintext) moves the
 * threshold, so tests can send small trees down the streamed path; it is read on each use.
 */
final class LargeBlobs {
  /** System property overriding {@link #DEFAULT_THRESHOLD_BYTES}. */
  static final String THRESHOLD_PROPERTY = "bulwark.largeTreeBytes";
  /** Trees with more plaintext bytes than this are streamed. */
  static final int DEFAULT_THRESHOLD_BYTES = 4 * 1024 * 1024;

  private LargeBlobs() {}

  /** True if a tree blob of {@code plaintextBytes} is written and read as a stream. */
  static boolean isLarge(long plaintextBytes) {
    return plaintextBytes > Integer.getInteger(THRESHOLD_PROPERTY, DEFAULT_THRESHOLD_BYTES);
  }
}
