package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.repo.Repository;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link ReplayPlan} to the database file its snapshot was restored into (a staging
 * copy, never a live database): first checks that the file holds the state the snapshot's stream
 * tags name, then writes each segment's pages (page n at {@code (n - 1) * pageSize}) and sets
 * the file to the segment's size, updating the state checksum from the page bytes actually
 * replaced, and refuses unless it equals the segment's {@code after}. Each segment is loaded
 * again and holds its pages only while it is applied. Not thread-safe; one file at a time.
 */
public final class PageReplay {
  private static final Logger LOG = LoggerFactory.getLogger(PageReplay.class);

  private final SegmentStore store;
  private final Progress progress;

  /** Replays segments of {@code repo}, counting page bytes written in {@code progress}. */
  public PageReplay(Repository repo, Progress progress) {
    this.store = new SegmentStore(repo);
    this.progress = progress;
  }

  /**
   * Brings {@code file} from the plan's snapshot state to the point it reaches.
   *
   * @throws CorruptionException if the file does not hold the snapshot's state, or a segment's
   *     pages do not produce its {@code after} state (naming the segment), or a segment changed
   *     since it was planned; the file is then in an unknown state and must be discarded
   */
  public void apply(ReplayPlan plan, Path file) throws IOException, BulwarkException {
    apply(plan, file, null, true, null);
  }

  /**
   * As {@link #apply(ReplayPlan, Path)}, for a staging copy that the caller makes durable
   * itself (the pages are not fsynced here), and whose state checksum, if {@code fileState}
   * holds it, was computed from the very bytes written into the file by its restore (so the
   * file is not read back to compute it); it is checked against the snapshot's stream tags
   * all the same.
   */
  public void applyUnsynced(ReplayPlan plan, Path file, Optional<PageSetChecksum> fileState)
      throws IOException, BulwarkException {
    apply(plan, file, fileState.orElse(null), false, null);
  }

  /**
   * As {@link #applyUnsynced(ReplayPlan, Path, Optional)}, taking the segments the planner
   * kept in {@code loaded} (as it loaded and checked them) instead of loading them again.
   */
  public void applyUnsynced(ReplayPlan plan, Path file, Optional<PageSetChecksum> fileState,
      LoadedSegments loaded) throws IOException, BulwarkException {
    apply(plan, file, fileState.orElse(null), false, loaded);
  }

  private void apply(ReplayPlan plan, Path file, @Nullable PageSetChecksum fileState,
      boolean sync, @Nullable LoadedSegments loaded) throws IOException, BulwarkException {
    int pageSize = plan.pageSize();
    if (pageSize == 0) {
      LOG.info("snapshot {} records no page size and has no segments to replay",
          plan.snapshot().id().shortForm());
      return;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      long size = ch.size();
      progress.setTotalBytes(Math.max(0, progress.doneBytes()) + size + plan.pageBytes());
      String snap = "snapshot " + plan.snapshot().id().shortForm();
      if (size % pageSize != 0) {
        throw new CorruptionException("the database of " + snap + " is " + size
            + " bytes, not a whole number of " + pageSize + "-byte pages");
      }
      PageSetChecksum state = fileState != null ? fileState : checksum(ch, pageSize);
      progress.addBytes(size);
      if (!state.equals(plan.start().checksum())) {
        throw new CorruptionException("the database of " + snap + " has state checksum "
            + state + ", but its stream tags say " + plan.start().checksum()
            + ": it does not hold the state its stream position names");
      }
      for (PlannedSegment p : plan.segments()) {
        Optional<Segment> kept = loaded == null ? Optional.empty() : loaded.take(p.ref());
        Segment s = kept.isPresent() ? kept.get() : store.load(p.ref());
        if (!p.describes(s)) {
          throw new CorruptionException(p.ref() + " changed since the restore was planned");
        }
        state = applySegment(ch, s, state);
        if (!state.equals(s.after())) {
          throw new CorruptionException(p.ref() + ": the database after it has state checksum "
              + state + ", but the segment says " + s.after()
              + ": its pages do not match its chain");
        }
      }
      if (sync) {
        ch.force(true);
      }
    }
  }

  /** The {@link PageSetChecksum} of a whole file of {@code pageSize}-byte pages. */
  public static PageSetChecksum checksum(FileChannel ch, int pageSize) throws IOException {
    PageSetChecksum sum = PageSetChecksum.empty();
    byte[] page = new byte[pageSize];
    long pages = ch.size() / pageSize;
    for (long n = 1; n <= pages; n++) {
      read(ch, n, page);
      sum = sum.with(n, page);
    }
    return sum;
  }

  private PageSetChecksum applySegment(FileChannel ch, Segment s, PageSetChecksum before)
      throws IOException {
    int pageSize = s.pageSize();
    long pages = ch.size() / pageSize;
    long target = s.pageCount();
    PageSetChecksum state = before;
    byte[] old = new byte[pageSize];
    // Pages cut off by a shrink leave the state; pages added at the end enter it as zeros
    // until the segment's own bytes replace them below.
    for (long n = target + 1; n <= pages; n++) {
      read(ch, n, old);
      state = state.with(n, old);
    }
    if (target < pages) {
      ch.truncate(target * pageSize);
    } else if (target > pages) {
      byte[] zero = new byte[pageSize];
      for (long n = pages + 1; n <= target; n++) {
        state = state.with(n, zero);
      }
      write(ch, target, zero);
    }
    for (Page p : s.pages()) {
      read(ch, p.number(), old);
      state = state.replace(p.number(), old, p.bytes());
      write(ch, p.number(), p.bytes());
      progress.addBytes(pageSize);
    }
    return state;
  }

  private static void read(FileChannel ch, long pageNumber, byte[] into) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(into);
    long at = (pageNumber - 1) * into.length;
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        throw new EOFException("page " + pageNumber + " is beyond the end of the file");
      }
    }
  }

  private static void write(FileChannel ch, long pageNumber, byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    long at = (pageNumber - 1) * bytes.length;
    while (b.hasRemaining()) {
      ch.write(b, at + b.position());
    }
  }
}
