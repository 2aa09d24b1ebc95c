package dev.bulwark.sqlite.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the committed transactions of a {@code -wal} file from a position, as SQLite's own
 * recovery would accept them: a frame is valid while its salts equal the header's and its
 * cumulative checksum matches; the log ends at the first frame that fails; only frames up to
 * the last commit frame are delivered. Memory stays bounded (at most 1 MiB of pages kept from
 * one walk) whatever the WAL's size.
 *
 * <p>It finds the last valid commit first and delivers frames only up to it: a few pages are kept
 * from that walk; more are read in a second pass that checks each frame again, so a WAL
 * rewritten between the passes is a reset, never a mix of two lives. It takes no SQLite lock;
 * see docs/design.md for what that means.
 */
public final class WalReader {
  private static final int FRAME_HEADER = 24;
  /** Pages kept from the first walk rather than read again (a commit's usual few, and more). */
  private static final long KEPT_BYTES = 1L << 20;
  private final Path wal;
  private boolean lastReadComplete = true;

  /** A reader of the WAL file at {@code wal} (the database path plus {@code -wal}). */
  public WalReader(Path wal) {
    this.wal = wal;
  }

  /**
   * False if the last {@link #read(WalPosition, WalSink, long)} stopped at its frame limit
   * before the end of the log.
   */
  public boolean lastReadComplete() {
    return lastReadComplete;
  }

  /** The WAL's header, or empty when the file is missing, short or its header is invalid. */
  public Optional<WalHeader> header() throws IOException {
    try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.READ)) {
      return readHeader(ch);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Delivers to {@code sink} the transactions committed after {@code from} (or from the start
   * of the current WAL when {@code from} is null) and returns the position after the last one
   * delivered ({@code from} itself when nothing new was committed; null when {@code from} is
   * null and there is no valid WAL yet, as after a {@code TRUNCATE} checkpoint).
   *
   * @throws WalResetException if the WAL is not the life {@code from} was taken in any more
   */
  public WalPosition read(WalPosition from, WalSink sink) throws IOException, WalResetException {
    return read(from, sink, 0);
  }

  /**
   * As {@link #read(WalPosition, WalSink)}, but stops at the first commit at or after {@code
   * maxFrames} frames (0: no limit), so that memory stays bounded however far the log has run
   * ahead; {@link #lastReadComplete()} then says whether the end was reached.
   */
  public WalPosition read(WalPosition from, WalSink sink, long maxFrames)
      throws IOException, WalResetException {
    lastReadComplete = true;
    try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.READ)) {
      Optional<WalHeader> read = readHeader(ch);
      if (read.isEmpty()) {
        if (from == null) {
          return null;
        }
        throw new WalResetException(wal + " has no valid header any more: SQLite restarted or"
            + " removed the log after frame " + from.frameIndex());
      }
      WalHeader header = read.get();
      WalPosition start = from == null ? header.start() : from;
      if (!start.sameLifeAs(header)) {
        throw new WalResetException(wal + " was restarted by SQLite (salts changed, checkpoint"
            + " sequence " + header.checkpointSequence() + "); frames after "
            + start.frameIndex() + " of the previous log were not read");
      }
      boolean[] limited = {false};
      WalPosition end = deliver(ch, header, start, sink, maxFrames, limited);
      lastReadComplete = !limited[0];
      return end;
    } catch (NoSuchFileException e) {
      if (from == null) {
        return null;
      }
      throw new WalResetException(wal + " is gone: SQLite checkpointed and removed it");
    }
  }

  /**
   * Delivers the commits of an earlier life of the WAL that follow {@code from}, reading the
   * frames that are still in the file at and after {@code from}'s frame index with that life's
   * salts and running checksum. Used after SQLite restarted the log: the new life overwrites
   * frames from the start, so an old life's last frames survive until the new life reaches
   * them. Returns the position after the last old commit found ({@code from} if none).
   *
   * @throws WalResetException if the old frames changed while they were read
   */
  public WalPosition readEarlierLife(WalHeader life, WalPosition from, WalSink sink)
      throws IOException, WalResetException {
    try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.READ)) {
      return deliver(ch, life, from, sink, 0, new boolean[1]);
    } catch (NoSuchFileException e) {
      return from;
    }
  }

  /**
   * Finds the last valid commit after {@code start} (at most about {@code maxFrames} on, 0: no
   * limit, {@code limited[0]} set if that stopped it) and delivers the frames up to it. Up to
   * {@link #KEPT_BYTES} of pages are kept from that one walk and delivered as read: every frame
   * passed its salts and running checksum, so it is one of this life's, whenever it was read.
   * A longer run is walked a second time, one page at a time, checking each frame again.
   *
   * @throws WalResetException if the second walk does not reach the same commit: the log was
   *     rewritten in between
   */
  private WalPosition deliver(FileChannel ch, WalHeader header, WalPosition start, WalSink sink,
      long maxFrames, boolean[] limited) throws IOException, WalResetException {
    List<Kept> kept = new ArrayList<>();
    WalPosition end = walk(ch, header, start, null, null, maxFrames, limited, kept);
    if (end.frameIndex() <= start.frameIndex()) {
      return end;
    }
    long count = end.frameIndex() - start.frameIndex();
    if (kept.size() >= count) {
      for (Kept k : kept.subList(0, (int) count)) {
        sink.frame(k.frame());
        if (k.after() != null) {
          sink.commit(k.after(), k.frame().dbSizeAfterCommit());
        }
      }
      return end;
    }
    WalPosition delivered = walk(ch, header, start, new Bounded(sink, end.frameIndex()));
    if (!delivered.equals(end)) {
      throw new WalResetException(wal + " changed while it was read (frame "
          + delivered.frameIndex() + "): SQLite restarted the log");
    }
    return end;
  }

  /**
   * How many frames of the life {@code header} starts are in the file, committed or not: the
   * index after the last frame whose salts and running checksum are valid. A writer in the
   * middle of a transaction has written that far.
   */
  public long validFrames(WalHeader header) throws IOException {
    try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.READ)) {
      long[] last = {0};
      walk(ch, header, header.start(), null, last);
      return last[0];
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  /** The WAL file's size in bytes, 0 when it does not exist. */
  public long fileSize() throws IOException {
    try {
      return Files.size(wal);
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  /** Bytes from the start of the file to the end of frame {@code frames - 1}. */
  public static long bytesBefore(long frames, int pageSize) {
    return WalHeader.SIZE + frames * (FRAME_HEADER + (long) pageSize);
  }

  /** Follows valid frames from {@code start}; returns the position after the last commit. */
  private WalPosition walk(FileChannel ch, WalHeader header, WalPosition start, Bounded sink)
      throws IOException {
    return walk(ch, header, start, sink, null);
  }

  private WalPosition walk(FileChannel ch, WalHeader header, WalPosition start, Bounded sink,
      long[] validEnd) throws IOException {
    return walk(ch, header, start, sink, validEnd, 0, null, null);
  }

  /**
   * As above; {@code validEnd[0]}, when given, receives the index after the last valid frame;
   * with {@code maxFrames} above 0 the walk stops at the first commit at or past that many
   * frames and sets {@code limited[0]}; {@code kept}, when given, receives the valid frames
   * read while their pages stay within {@link #KEPT_BYTES}.
   */
  private WalPosition walk(FileChannel ch, WalHeader header, WalPosition start, Bounded sink,
      long[] validEnd, long maxFrames, boolean[] limited, List<Kept> kept)
      throws IOException {
    int pageSize = header.pageSize();
    byte[] frame = new byte[FRAME_HEADER + pageSize];
    ByteBuffer buf = ByteBuffer.wrap(frame);
    int[] sums = {start.checksum1(), start.checksum2()};
    WalPosition lastCommit = start;
    for (long i = start.frameIndex(); sink == null || i < sink.limit; i++) {
      if (maxFrames > 0 && i - start.frameIndex() >= maxFrames
          && lastCommit.frameIndex() > start.frameIndex()) {
        limited[0] = true;
        return lastCommit;
      }
      long offset = WalHeader.SIZE + i * frame.length;
      buf.clear();
      while (buf.hasRemaining()) {
        if (ch.read(buf, offset + buf.position()) < 0) {
          return lastCommit;
        }
      }
      int pageNumber = buf.getInt(0);
      if (pageNumber == 0 || buf.getInt(8) != header.salt1()
          || buf.getInt(12) != header.salt2()) {
        return lastCommit;
      }
      WalChecksum.update(sums, frame, 0, 8, header.bigEndian());
      WalChecksum.update(sums, frame, FRAME_HEADER, pageSize, header.bigEndian());
      if (sums[0] != buf.getInt(16) || sums[1] != buf.getInt(20)) {
        return lastCommit;
      }
      int dbSize = buf.getInt(4);
      if (validEnd != null) {
        validEnd[0] = i + 1;
      }
      WalPosition after = dbSize == 0 ? null
          : new WalPosition(header.salt1(), header.salt2(), i + 1, sums[0], sums[1]);
      boolean keep = kept != null && (long) (kept.size() + 1) * pageSize <= KEPT_BYTES;
      if (sink != null || keep) {
        byte[] page = new byte[pageSize];
        System.arraycopy(frame, FRAME_HEADER, page, 0, pageSize);
        WalFrame f = new WalFrame(i, pageNumber, dbSize, page);
        if (sink != null) {
          sink.sink.frame(f);
        } else {
          kept.add(new Kept(f, after));
        }
      }
      if (after != null) {
        lastCommit = after;
        if (sink != null) {
          sink.sink.commit(lastCommit, dbSize);
        }
      }
    }
    return lastCommit;
  }

  private static Optional<WalHeader> readHeader(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(WalHeader.SIZE);
    while (buf.hasRemaining()) {
      if (ch.read(buf, buf.position()) < 0) {
        return Optional.empty();
      }
    }
    return WalHeader.parse(buf.array());
  }

  private record Bounded(WalSink sink, long limit) {}

  /** A frame read in the first walk, with the position after it when it is a commit. */
  private record Kept(WalFrame frame, WalPosition after) {}
}
