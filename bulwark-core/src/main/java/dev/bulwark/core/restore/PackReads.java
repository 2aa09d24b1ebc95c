package dev.bulwark.core.restore;

import dev.bulwark.core.Id;
import dev.bulwark.core.index.BlobLocation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups the blobs of one file into few, large ranged reads: by pack, in the pack's order,
 * joining blobs up to {@link #MAX_GAP_BYTES} apart into one read of at most {@link
 * #MAX_READ_BYTES} (and {@link #MAX_PLAIN_BYTES} once opened). A file's blobs are seldom back
 * to back in a pack (a backup packs the blobs of several workers, and dedup leaves holes), and
 * one request per blob costs an S3 restore a GET each (4,191 GETs for a 980 MiB database at
 * 16 KiB-page chunks, instead of about 300 here). The reads come back ordered by where their
 * bytes begin in the file, so the file is written roughly front to back.
 */
final class PackReads {
  /** Largest single read unless one blob alone is larger. */
  static final int MAX_READ_BYTES = 4 * 1024 * 1024;
  /**
   * Largest plaintext of one read's distinct blobs unless one blob alone is larger: a read of
   * well-compressed blobs (pages of zeros) must not open into a heap's worth.
   */
  static final int MAX_PLAIN_BYTES = 4 * MAX_READ_BYTES;
  /** Largest run of bytes the file does not need that one read spans to join two blobs. */
  static final int MAX_GAP_BYTES = 256 * 1024;

  private PackReads() {}

  /** Each blob of a file (in file order) with the file offset it starts at. */
  static List<PlacedBlob> place(List<BlobLocation> inFileOrder) {
    return place(inFileOrder, 0);
  }

  /** Each blob of a part of a file (in file order) with its offset, the first at {@code start}. */
  static List<PlacedBlob> place(List<BlobLocation> inFileOrder, long start) {
    List<PlacedBlob> placed = new ArrayList<>(inFileOrder.size());
    long offset = start;
    for (BlobLocation loc : inFileOrder) {
      placed.add(new PlacedBlob(loc, offset));
      offset += loc.blob().plaintextLength();
    }
    return placed;
  }

  /** The reads that fetch every one of {@code blobs}, by first file offset. */
  static List<PackRead> plan(List<PlacedBlob> blobs) {
    Map<Id, List<PlacedBlob>> byPack = new LinkedHashMap<>();
    for (PlacedBlob b : blobs) {
      byPack.computeIfAbsent(b.location().pack(), k -> new ArrayList<>()).add(b);
    }
    List<PackRead> reads = new ArrayList<>();
    for (List<PlacedBlob> inPack : byPack.values()) {
      // Stable: a blob the file holds twice stays in file order.
      inPack.sort(Comparator.comparingLong(b -> b.location().blob().offset()));
      List<PlacedBlob> cur = new ArrayList<>();
      long start = 0;
      long end = 0;
      long plain = 0;
      for (PlacedBlob b : inPack) {
        long off = b.location().blob().offset();
        long blobEnd = off + b.location().blob().length();
        // Sorted by offset, the places of one blob follow each other: opened once.
        boolean again = !cur.isEmpty()
            && cur.get(cur.size() - 1).location().blob().offset() == off;
        long morePlain = again ? 0 : b.location().blob().plaintextLength();
        if (!cur.isEmpty() && (off - end > MAX_GAP_BYTES
            || Math.max(end, blobEnd) - start > MAX_READ_BYTES
            || plain + morePlain > MAX_PLAIN_BYTES)) {
          reads.add(read(cur, start, end, plain));
          cur = new ArrayList<>();
          morePlain = b.location().blob().plaintextLength();
        }
        if (cur.isEmpty()) {
          start = off;
          end = blobEnd;
          plain = 0;
        }
        cur.add(b);
        end = Math.max(end, blobEnd);
        plain += morePlain;
      }
      if (!cur.isEmpty()) {
        reads.add(read(cur, start, end, plain));
      }
    }
    reads.sort(Comparator.comparingLong(PackRead::firstFileOffset));
    return reads;
  }

  private static PackRead read(List<PlacedBlob> blobs, long start, long end, long plain) {
    return new PackRead(blobs.get(0).location().pack(), start, Math.toIntExact(end - start),
        plain, List.copyOf(blobs));
  }
}
