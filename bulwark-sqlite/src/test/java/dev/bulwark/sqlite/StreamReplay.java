package dev.bulwark.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.Page;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.stream.StreamTags;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;

/**
 * The test's own replay of a stream, independent of the restore command: restore a generation's
 * base snapshot, apply every segment in order, and check each checksum against the pages
 * actually in the file.
 */
final class StreamReplay {
  private StreamReplay() {}

  /** The newest generation's base snapshot of stream {@code id}. */
  static Snapshot newestBase(TestRepo repo, String id) throws IOException, BulwarkException {
    return repo.repo.snapshots().stream()
        .filter(s -> tags(s) != null && tags(s).databaseId().equals(id) && tags(s).txid() == 0)
        .max(Comparator.comparing(s -> Long.toUnsignedString(tags(s).generation(), 16)))
        .orElseThrow();
  }

  static StreamTags tags(Snapshot s) {
    return DatabaseTags.fromTags(s.tags()).flatMap(StreamTags::of).orElse(null);
  }

  /**
   * Restores {@code base} to {@code target} and replays its generation onto it; returns the
   * last transaction applied.
   */
  static long replay(TestRepo repo, Snapshot base, Path target)
      throws IOException, BulwarkException {
    StreamTags t = tags(base);
    repo.restore(base, target);
    SegmentStore store = new SegmentStore(repo.repo);
    List<SegmentRef> refs = store.list(t.databaseId(), t.generation());
    long txid = t.txid();
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      int pageSize = (int) Long.parseLong(DatabaseTags.fromTags(base.tags()).orElseThrow()
          .properties().get("page-size"));
      long pages = ch.size() / pageSize;
      PageSetChecksum sum = checksum(ch, pageSize, pages);
      assertEquals(t.checksum(), sum, "the base snapshot's checksum");
      for (SegmentRef ref : refs) {
        assertEquals(txid + 1, ref.firstTxid(), "segments follow each other: " + ref);
        Segment s = store.load(ref);
        assertEquals(sum, s.before(), "before of " + ref);
        for (Page p : s.pages()) {
          byte[] old = new byte[pageSize];
          if (p.number() <= pages) {
            ch.read(ByteBuffer.wrap(old), (p.number() - 1) * pageSize);
            sum = sum.replace(p.number(), old, p.bytes());
          } else {
            sum = sum.with(p.number(), p.bytes());
          }
          ch.write(ByteBuffer.wrap(p.bytes()), (p.number() - 1) * pageSize);
        }
        for (long n = s.pageCount() + 1; n <= pages; n++) {
          byte[] old = new byte[pageSize];
          ch.read(ByteBuffer.wrap(old), (n - 1) * pageSize);
          sum = sum.with(n, old);
        }
        ch.truncate(s.pageCount() * pageSize);
        pages = s.pageCount();
        assertEquals(s.after(), sum, "after of " + ref);
        txid = s.lastTxid();
      }
    }
    return txid;
  }

  private static PageSetChecksum checksum(FileChannel ch, int pageSize, long pages)
      throws IOException {
    PageSetChecksum sum = PageSetChecksum.empty();
    byte[] page = new byte[pageSize];
    for (long n = 1; n <= pages; n++) {
      ch.read(ByteBuffer.wrap(page), (n - 1) * pageSize);
      sum = sum.with(n, page);
    }
    return sum;
  }
}
