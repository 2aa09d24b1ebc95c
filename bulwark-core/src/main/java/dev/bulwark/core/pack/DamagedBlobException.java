package dev.bulwark.core.pack;

import dev.bulwark.core.CorruptionException;
import java.io.IOException;

/**
 * A streamed blob's plaintext turned out not to match its id, length or compression, found
 * while it was being read; an {@link IOException} so that it can leave an {@link
 * java.io.InputStream} (and a parser reading one), carrying the {@link CorruptionException}
 * the reader should report ({@link #corruption()}).
 */
public final class DamagedBlobException extends IOException {
  private static final long serialVersionUID = 1L;

  DamagedBlobException(CorruptionException cause) {
    super(cause.getMessage(), cause);
  }

  /** What to report: the blob is damaged. */
  public CorruptionException corruption() {
    return (CorruptionException) getCause();
  }
}
