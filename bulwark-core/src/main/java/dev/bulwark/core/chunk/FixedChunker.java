package dev.bulwark.core.chunk;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts a stream into chunks of exactly {@code chunkSize} bytes (the last one may be shorter).
 * With a chunk size that is a multiple of a database's page size, a page rewritten in place
 * changes exactly one chunk.
 */
public final class FixedChunker {
  /** Smallest chunk size accepted: smaller chunks bloat the index for no gain. */
  public static final int MIN_CHUNK_BYTES = 4 * 1024;
  /** Largest chunk size accepted: restic reads whole blobs into memory. */
  public static final int MAX_CHUNK_BYTES = 8 * 1024 * 1024;

  private final InputStream in;
  private final int chunkSize;
  private boolean done;

  /** A chunker over {@code in}; it does not close the stream. */
  public FixedChunker(InputStream in, int chunkSize) {
    if (chunkSize < MIN_CHUNK_BYTES || chunkSize > MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException("chunk size must be between " + MIN_CHUNK_BYTES + " and "
          + MAX_CHUNK_BYTES + " bytes, got " + chunkSize);
    }
    this.in = in;
    this.chunkSize = chunkSize;
  }

  /** The next chunk, or {@code null} at the end. Never returns an empty chunk. */
  public byte[] next() throws IOException {
    if (done) {
      return null;
    }
    byte[] buf = new byte[chunkSize];
    int n = in.readNBytes(buf, 0, chunkSize);
    if (n < chunkSize) {
      done = true;
      if (n == 0) {
        return null;
      }
      return Arrays.copyOf(buf, n);
    }
    return buf;
  }
}
