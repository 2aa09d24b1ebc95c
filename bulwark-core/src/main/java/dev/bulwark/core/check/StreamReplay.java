package dev.bulwark.core.check;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.repo.TreeWalker;
import dev.bulwark.core.stream.Page;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The deep check of a generation, for {@code check --read-data}: rebuilds the database each
 * of its snapshots holds, confirms that its state checksum is the one the snapshot's tags
 * record, then replays the segments that follow it page by page up to the next snapshot and
 * confirms that each one reaches the state it records. Plain check only compares the recorded
 * checksums with each other; this proves that the pages stored produce them.
 *
 * <p>Memory: one segment's pages and 8 bytes per database page (each page's hash, which is
 * all a replay needs to update the checksum); the database itself is never written anywhere.
 */
final class StreamReplay {
  private final Repository repo;
  private final SegmentStore store;
  private final List<String> errors;

  StreamReplay(Repository repo, List<String> errors) {
    this.repo = repo;
    this.store = new SegmentStore(repo);
    this.errors = errors;
  }

  /**
   * Replays one generation.
   *
   * @param finest its finest chain in position order
   * @param anchors its snapshots
   */
  void replay(List<StoredSegment> finest, List<StreamAnchor> anchors) throws IOException {
    int pageSize = finest.stream().filter(StoredSegment::isReadable)
        .mapToInt(StoredSegment::pageSize).findFirst().orElse(0);
    if (pageSize == 0 && !finest.isEmpty()) {
      return; // nothing readable to replay; every segment is reported already
    }
    List<StreamAnchor> ordered = anchors.stream()
        .sorted(Comparator.comparingLong(StreamAnchor::txid)).toList();
    for (int i = 0; i < ordered.size(); i++) {
      StreamAnchor a = ordered.get(i);
      long until = i + 1 < ordered.size() ? ordered.get(i + 1).txid() : Long.MAX_VALUE;
      try {
        PageHashes state = rebuild(a, pageSize);
        if (!state.checksum().equals(a.state())) {
          errors.add(a.describe() + ": its database file has state " + state.checksum()
              + ", not the stream-checksum " + a.state() + " its tags record");
          continue;
        }
        replayFrom(a, state, finest, until);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException | BulwarkException e) {
        errors.add(a.describe() + ": cannot rebuild its database to replay the stream: "
            + e.getMessage());
      }
    }
  }

  /** Replays the finest chain after {@code a} until the next snapshot, a gap or a mismatch. */
  private void replayFrom(StreamAnchor a, PageHashes state, List<StoredSegment> finest,
      long until) throws IOException, BulwarkException {
    long cursor = a.txid() + 1;
    for (StoredSegment s : finest) {
      if (s.first() < cursor) {
        continue;
      }
      if (s.first() != cursor || s.first() > until || !s.isReadable()) {
        return; // a gap or damage, reported already; the next snapshot takes over
      }
      Segment seg = store.load(s.ref());
      state.apply(seg);
      if (!state.checksum().equals(seg.after())) {
        errors.add(s.ref() + ": replayed from " + a.describe() + ", its pages give state "
            + state.checksum() + ", not the " + seg.after() + " it records");
        return;
      }
      cursor = s.last() + 1;
    }
  }

  /**
   * The page hashes of the database file that the snapshot of {@code a} holds, cut into pages
   * of {@code streamPageSize} bytes, or of the size its tags record if that is 0 (a generation
   * with no segment yet).
   */
  private PageHashes rebuild(StreamAnchor a, int streamPageSize)
      throws IOException, BulwarkException {
    Snapshot snap = repo.loadSnapshot(a.snapshot());
    DatabaseTags db = DatabaseTags.fromTags(snap.tags()).orElseThrow(() ->
        new CorruptionException("its tags name no database"));
    String path = db.path();
    int pageSize = streamPageSize != 0 ? streamPageSize : pageSizeOf(db);
    Node file = findFile(snap, path);
    PageHashes hashes = new PageHashes(pageSize);
    byte[] page = new byte[pageSize];
    int filled = 0;
    for (Id blob : file.content()) {
      byte[] data = repo.loadBlob(BlobType.DATA, blob);
      int off = 0;
      while (off < data.length) {
        int n = Math.min(pageSize - filled, data.length - off);
        System.arraycopy(data, off, page, filled, n);
        filled += n;
        off += n;
        if (filled == pageSize) {
          hashes.append(page);
          filled = 0;
        }
      }
    }
    if (filled != 0) {
      throw new CorruptionException(path + " is not a whole number of " + pageSize
          + "-byte pages");
    }
    return hashes;
  }

  private static int pageSizeOf(DatabaseTags db) throws CorruptionException {
    String tag = db.properties().getOrDefault("page-size", "");
    int size = tag.matches("[0-9]{3,5}") ? Integer.parseInt(tag) : 0;
    if (size < 512 || size > 65536 || Integer.bitCount(size) != 1) {
      throw new CorruptionException("its tags record no valid page size (page-size=" + tag
          + ")");
    }
    return size;
  }

  private Node findFile(Snapshot snap, String path) throws IOException, BulwarkException {
    Node[] found = {null};
    TreeWalker.of(repo, TreeWalker.ErrorPolicy.STOP).walk(snap.tree(), new TreeWalker.Visitor() {
      @Override
      public boolean visit(Id parent, String p, Node n) {
        if (p.equals(path) && n.type() == NodeType.FILE) {
          found[0] = n;
        }
        return found[0] == null && path.startsWith(p + "/");
      }
    });
    if (found[0] == null) {
      throw new CorruptionException("it holds no file " + path);
    }
    return found[0];
  }

  /** The hash of every page of a database as it is replayed, and their XOR: its state. */
  private static final class PageHashes {
    private final int pageSize;
    private long[] hashes = new long[1024];
    private int count;
    private long state;

    PageHashes(int pageSize) {
      this.pageSize = pageSize;
    }

    void append(byte[] page) {
      set(count + 1, PageSetChecksum.pageHash(count + 1, page));
    }

    PageSetChecksum checksum() {
      return new PageSetChecksum(state);
    }

    /**
     * Applies a segment as a restore would: the file takes the segment's size (new pages
     * that the segment does not carry are zeros), then its pages replace what was there.
     */
    void apply(Segment seg) throws CorruptionException {
      if (seg.pageCount() > Integer.MAX_VALUE) {
        throw new CorruptionException("a database of " + seg.pageCount() + " pages is too"
            + " large to replay here");
      }
      int size = (int) seg.pageCount();
      byte[] zeros = null;
      for (int n = count + 1; n <= size; n++) {
        zeros = zeros == null ? new byte[pageSize] : zeros;
        set(n, PageSetChecksum.pageHash(n, zeros));
      }
      for (Page p : seg.pages()) {
        set((int) p.number(), PageSetChecksum.pageHash(p.number(), p.bytes()));
      }
      for (int n = size + 1; n <= count; n++) {
        state ^= hashes[n - 1];
      }
      count = size;
    }

    private void set(int number, long hash) {
      if (number > hashes.length) {
        hashes = Arrays.copyOf(hashes, Math.max(number, hashes.length * 2));
      }
      if (number <= count) {
        state ^= hashes[number - 1];
      } else {
        count = number;
      }
      hashes[number - 1] = hash;
      state ^= hash;
    }
  }
}
