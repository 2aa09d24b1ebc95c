package dev.bulwark.core.restore;

import dev.bulwark.core.stream.PageSetChecksum;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link PageSetChecksum} of a database file, computed from the blobs as a restore writes
 * them (on its worker threads, in any order: the checksum is an XOR) instead of by reading the
 * file back before a replay. It is known only when every blob held whole pages of one file;
 * otherwise the replay reads the file as before.
 */
final class StagedPageChecksum implements WrittenBlobs {
  private final int pageSize;
  private final AtomicLong value = new AtomicLong();
  private final AtomicReference<Path> file = new AtomicReference<>();
  private volatile boolean unknown;

  StagedPageChecksum(int pageSize) {
    if (pageSize <= 0) {
      throw new IllegalArgumentException("page size " + pageSize);
    }
    this.pageSize = pageSize;
  }

  @Override
  public void written(Path into, long offset, byte[] plain) {
    Path first = file.compareAndExchange(null, into);
    if (first != null && !first.equals(into) || offset % pageSize != 0
        || plain.length % pageSize != 0) {
      unknown = true;
      return;
    }
    long sum = PageSetChecksum.pagesHash(offset / pageSize + 1, plain, 0, pageSize,
        plain.length / pageSize);
    value.accumulateAndGet(sum, (a, b) -> a ^ b);
  }

  /** The checksum of the file written, if every blob held whole pages of that one file. */
  Optional<PageSetChecksum> checksum() {
    return unknown ? Optional.empty() : Optional.of(new PageSetChecksum(value.get()));
  }
}
