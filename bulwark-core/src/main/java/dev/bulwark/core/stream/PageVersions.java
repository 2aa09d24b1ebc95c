package dev.bulwark.core.stream;

import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.fs.Leftovers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first pass of a fold: the final version of every page the folded segments change, and
 * per segment the part of its state checksum change that does not need the base file. Not
 * thread-safe while segments are applied; {@link #read} may be called from several threads
 * once they are all applied.
 *
 * <p>A page's version is its bytes, zeros (a page the database grew by and no segment wrote
 * since) or absent (cut off by a shrink). Each segment's sum collects the hashes of the versions
 * it writes and of the versions they replace when an earlier folded segment wrote those; the
 * hash of a page's base version is not known here, so the segment that first changes a base
 * page is recorded ({@link #firstChangedIn}) and the second pass XORs the base hash in. Because
 * {@link PageSetChecksum} is an XOR, segment {@code i} reached its {@code after} exactly when
 * {@code before ^ sum} equals it once the base hashes are in.
 *
 * <p>Memory: page bytes up to a budget, then further pages go to a private temporary file
 * (owner read and write only, deleted by {@link #close}). A page written again is overwritten
 * where it is, so the file never holds more than one version of a page. The page table costs
 * about a hundred bytes per changed page, whatever the segments' number and size.
 */
final class PageVersions implements AutoCloseable {
  private static final byte BYTES = 0;
  private static final byte ZERO = 1;
  private static final byte ABSENT = 2;

  private final int pageSize;
  private final long basePages;
  private final long budget;
  private static final Logger LOG = LoggerFactory.getLogger(PageVersions.class);
  private static final String SPILL_PREFIX = ".bulwark-fold-";
  private final Path spillDir;
  private final Map<Long, Slot> slots = new HashMap<>();
  private final long[] sums;
  private final byte[] zeroPage;
  private long pages;
  private long memoryBytes;
  private Path spillFile;
  private FileChannel spill;
  private long spillEnd;

  /**
   * Versions over a base file of {@code basePages} pages.
   *
   * @param segments how many segments will be applied
   * @param budget bytes of pages kept in memory before further pages go to the spill file
   * @param spillDir the folder of the spill file
   */
  PageVersions(int pageSize, long basePages, int segments, long budget, Path spillDir) {
    this.pageSize = pageSize;
    this.basePages = basePages;
    this.pages = basePages;
    this.budget = budget;
    this.spillDir = spillDir;
    this.sums = new long[segments];
    this.zeroPage = new byte[pageSize];
  }

  /**
   * Removes the spill files in {@code dir} of folds whose process is gone (killed, so nothing
   * deleted them): they hold database pages in the clear. Best effort: what cannot be removed
   * is logged and left.
   */
  static void sweep(Path dir) {
    try {
      for (Path p : Leftovers.abandoned(dir, SPILL_PREFIX)) {
        Files.deleteIfExists(p);
        LOG.info("removed {}, left by a fold that did not finish", p);
      }
    } catch (IOException e) {
      LOG.warn("could not remove old fold spill files in {}: {}", dir, e.toString());
    }
  }

  /** The database's size in pages after the segments applied so far. */
  long pages() {
    return pages;
  }

  /** Segment {@code i}'s checksum change so far, without the hashes of base versions. */
  long sum(int i) {
    return sums[i];
  }

  /** Bytes of pages held in memory. */
  long memoryBytes() {
    return memoryBytes;
  }

  /** The spill file while it exists, else null. */
  Path spillFile() {
    return spillFile;
  }

  /** Segment {@code i} gives the database {@code newPages} pages. */
  void resize(int i, long newPages) {
    for (long p = newPages + 1; p <= pages; p++) {
      Slot s = touch(i, p);
      if (s.kind != ABSENT) {
        sums[i] ^= s.hash;
      }
      s.kind = ABSENT;
      freeMemory(s);
    }
    for (long p = pages + 1; p <= newPages; p++) {
      // Pages past the current end are either past the base too or were cut off earlier.
      Slot s = touch(i, p);
      s.hash = PageSetChecksum.pageHash(p, zeroPage);
      s.kind = ZERO;
      freeMemory(s);
      sums[i] ^= s.hash;
    }
    pages = newPages;
  }

  /** Segment {@code i} writes page {@code number}. */
  void write(int i, long number, byte[] page) throws IOException, CorruptionException {
    if (number < 1 || number > pages || page.length != pageSize) {
      throw new CorruptionException("a segment writes page " + number + " of " + page.length
          + " bytes, but the database has " + pages + " pages of " + pageSize + " bytes");
    }
    Slot s = touch(i, number);
    if (s.kind != ABSENT) {
      sums[i] ^= s.hash;
    }
    s.hash = PageSetChecksum.pageHash(number, page);
    sums[i] ^= s.hash;
    s.kind = BYTES;
    if (s.bytes != null) {
      System.arraycopy(page, 0, s.bytes, 0, pageSize);
    } else if (s.offset < 0 && memoryBytes + pageSize <= budget) {
      s.bytes = page.clone();
      memoryBytes += pageSize;
    } else {
      if (s.offset < 0) {
        s.offset = spillEnd;
        spillEnd += pageSize;
      }
      writeSpill(s.offset, page);
    }
  }

  /** The slot of page {@code p}, made on first touch, recording a base page's first change. */
  private Slot touch(int i, long p) {
    Slot s = slots.get(p);
    if (s == null) {
      s = new Slot();
      // A base page's version is the base's, whose hash the second pass XORs into segment i:
      // here it counts as 0. A page past the base had no version before a grow.
      s.first = p <= basePages ? i : -1;
      s.kind = p <= basePages ? BYTES : ABSENT;
      slots.put(p, s);
    }
    return s;
  }

  private void freeMemory(Slot s) {
    if (s.bytes != null) {
      memoryBytes -= pageSize;
      s.bytes = null;
    }
  }

  /** True if page {@code p} has a version of the fold (bytes, zeros or absent). */
  boolean changed(long p) {
    return slots.containsKey(p);
  }

  /** The segment that first changed base page {@code p}, or -1 if none did. */
  int firstChangedIn(long p) {
    Slot s = slots.get(p);
    return s == null ? -1 : s.first;
  }

  /** The changed pages, in order. */
  long[] changedPages() {
    long[] out = new long[slots.size()];
    int n = 0;
    for (long p : slots.keySet()) {
      out[n++] = p;
    }
    Arrays.sort(out);
    return out;
  }

  /**
   * Copies page {@code p}'s final version to {@code out} at {@code off}; false if the page has
   * none (unchanged or absent). Safe from several threads once every segment is applied.
   */
  boolean read(long p, byte[] out, int off) throws IOException {
    Slot s = slots.get(p);
    if (s == null || s.kind == ABSENT) {
      return false;
    }
    if (s.kind == ZERO) {
      Arrays.fill(out, off, off + pageSize, (byte) 0);
    } else if (s.bytes != null) {
      System.arraycopy(s.bytes, 0, out, off, pageSize);
    } else {
      ByteBuffer b = ByteBuffer.wrap(out, off, pageSize);
      while (b.hasRemaining()) {
        if (spill.read(b, s.offset + b.position() - off) < 0) {
          throw new IOException("the fold's spill file " + spillFile + " ended early");
        }
      }
    }
    return true;
  }

  private void writeSpill(long offset, byte[] page) throws IOException {
    if (spill == null) {
      // The pid in the name lets a later fold remove what a killed one left (sweep).
      spillFile = Files.createTempFile(spillDir, Leftovers.ownName(SPILL_PREFIX) + "-", ".pages",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      spill = FileChannel.open(spillFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
    ByteBuffer b = ByteBuffer.wrap(page);
    while (b.hasRemaining()) {
      spill.write(b, offset + b.position());
    }
  }

  /** Deletes the spill file, if there is one. */
  @Override
  public void close() throws IOException {
    slots.clear();
    memoryBytes = 0;
    if (spill != null) {
      try {
        spill.close();
      } finally {
        Files.deleteIfExists(spillFile);
        spill = null;
        spillFile = null;
      }
    }
  }

  /** A changed page: its version's hash and where its bytes are. */
  private static final class Slot {
    long hash;
    byte kind;
    byte[] bytes;
    long offset = -1;
    int first;
  }
}
