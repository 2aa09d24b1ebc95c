package dev.bulwark.core.stream;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.index.BlobLocation;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A stored file's bytes, read at any offset through its content blobs, whatever their sizes
 * (the last blob read is kept for the next read). Blob sizes come from the index, so nothing is
 * loaded until bytes are read. Not thread-safe.
 */
final class ContentReader {
  private final Repository repo;
  private final List<Id> content;
  private final long[] offsets;
  private int cachedIndex = -1;
  private byte[] cached;

  /**
   * A reader of the file whose content list is {@code content}.
   *
   * @throws CorruptionException if a blob of it is not in the index
   */
  ContentReader(Repository repo, List<Id> content) throws CorruptionException {
    this.repo = repo;
    this.content = content;
    this.offsets = new long[content.size() + 1];
    for (int i = 0; i < content.size(); i++) {
      Id id = content.get(i);
      BlobLocation loc = repo.index().find(BlobType.DATA, id).orElseThrow(
          () -> new CorruptionException("data blob " + id.shortForm() + " of the database"
              + " file is not in the index"));
      offsets[i + 1] = offsets[i] + loc.blob().plaintextLength();
    }
  }

  /** The file's size: the sum of its blobs' plaintext lengths. */
  long size() {
    return offsets[content.size()];
  }

  /** True if every blob but the last is {@code chunkBytes} long and the last no longer. */
  boolean isChunkedBy(int chunkBytes) {
    for (int i = 0; i < content.size(); i++) {
      long len = offsets[i + 1] - offsets[i];
      if (len == 0 || len > chunkBytes || (i < content.size() - 1 && len != chunkBytes)) {
        return false;
      }
    }
    return true;
  }

  /** Reads {@code n} bytes from {@code pos} into the start of {@code out}. */
  void read(long pos, byte[] out, int n) throws IOException, BulwarkException {
    int done = 0;
    while (done < n) {
      long at = pos + done;
      int i = Arrays.binarySearch(offsets, at);
      i = i >= 0 ? i : -i - 2;
      while (offsets[i + 1] <= at) {
        i++;
      }
      if (i != cachedIndex) {
        cached = repo.loadBlob(BlobType.DATA, content.get(i));
        cachedIndex = i;
      }
      int off = (int) (at - offsets[i]);
      int len = Math.min(n - done, cached.length - off);
      System.arraycopy(cached, off, out, done, len);
      done += len;
    }
  }
}
