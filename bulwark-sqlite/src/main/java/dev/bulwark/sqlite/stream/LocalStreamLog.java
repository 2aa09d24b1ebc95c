package dev.bulwark.sqlite.stream;

import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.sqlite.wal.WalFrame;
import dev.bulwark.sqlite.wal.WalHeader;
import dev.bulwark.sqlite.wal.WalPosition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The replicator's local stream log: committed transactions read from the WAL but not yet
 * shipped, appended in order and fsynced, so that a transaction waited for in {@code LOCAL}
 * survives a crash of the process even if SQLite restarts the WAL before the replicator runs
 * again. Each record carries its stream position and the WAL position after it, the CRC of
 * the record before it (0 for the first) and a CRC-32C of itself: a record torn by a crash
 * fails its check and is dropped with everything after it, and a record left from before the
 * log was emptied or cut does not chain to the records now before it.
 * The log is emptied whenever everything in it is shipped.
 *
 * <p>The file is grown ahead in zeroed steps, so that an append's fdatasync does not also have
 * to make a new file size durable (measured on ext4: half the cost). Emptying it zeroes the
 * first record's header instead of shortening it.
 * Not thread-safe.
 */
public final class LocalStreamLog implements AutoCloseable {
  /** One logged transaction: what the WAL delivered for it, and where it ended. */
  public record Entry(long generation, long txid, WalHeader life, WalPosition end,
      int dbSizePages, List<WalFrame> frames) {}

  private static final int MAGIC = 0x42574c31; // "BWL1"
  private static final int FIXED = 4 + 8 + 8 + 4 + 4 + (1 + 6 * 4) + (4 * 4 + 8) + 4;
  /** How far ahead the file is grown. */
  private static final long GROWTH = 4L << 20;
  /** Beyond this size, emptying the log gives the space back. */
  private static final long KEEP_AT_MOST = 64L << 20;
  private final Path file;
  private final FileChannel channel;
  private final List<Entry> recovered;
  private long lastTxid = -1;
  private long allocated;
  /** Where the next record goes: a field, not the channel's position, which costs a call. */
  private long tail;
  /** The CRC of the newest record, which the next one names as its predecessor. */
  private int lastCrc;
  private boolean dirty;

  private LocalStreamLog(Path file, FileChannel channel, List<Entry> recovered) {
    this.file = file;
    this.channel = channel;
    this.recovered = recovered;
  }

  /**
   * Opens the log at {@code file} (created 0600 if missing), reading the intact records in it
   * and cutting off a torn tail.
   */
  public static LocalStreamLog open(Path file) throws IOException {
    if (!Files.exists(file)) {
      Files.createFile(file, AtomicFiles.fileAttributes());
      AtomicFiles.fsyncDirectory(file.toAbsolutePath().getParent());
    }
    FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.READ,
        StandardOpenOption.WRITE));
    try {
      List<Entry> entries = new ArrayList<>();
      int[] crc = new int[1];
      long end = readAll(ch, entries, crc);
      if (end < ch.size()) {
        // Cut what follows the chain, so nothing of it can be read as part of a new one.
        ch.truncate(end);
        ch.force(true);
      }
      LocalStreamLog log = new LocalStreamLog(file, ch, List.copyOf(entries));
      log.tail = end;
      log.allocated = ch.size();
      log.lastCrc = crc[0];
      if (!entries.isEmpty()) {
        log.lastTxid = entries.get(entries.size() - 1).txid();
      }
      return log;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** The intact records the log held when it was opened, oldest first. */
  public List<Entry> recovered() {
    return recovered;
  }

  /** The stream transaction of the newest record, or -1 if the log is empty. */
  public long lastTxid() {
    return lastTxid;
  }

  /** Where the log is, for messages. */
  public Path file() {
    return file;
  }

  /** Appends one committed transaction; durable only after {@link #sync()}. */
  public void append(long generation, long txid, WalHeader life, WalPosition end,
      int dbSizePages, Map<Long, byte[]> pages) throws IOException {
    int pageSize = life.pageSize();
    int bodyLength = FIXED + pages.size() * (4 + pageSize);
    ByteBuffer b = ByteBuffer.allocate(8 + bodyLength + 4);
    b.putInt(MAGIC).putInt(bodyLength).putInt(lastCrc);
    b.putLong(generation).putLong(txid).putInt(dbSizePages).putInt(pageSize);
    b.put((byte) (life.bigEndian() ? 1 : 0)).putInt(life.pageSize())
        .putInt(life.checkpointSequence()).putInt(life.salt1()).putInt(life.salt2())
        .putInt(life.checksum1()).putInt(life.checksum2());
    b.putInt(end.salt1()).putInt(end.salt2()).putLong(end.frameIndex())
        .putInt(end.checksum1()).putInt(end.checksum2());
    b.putInt(pages.size());
    for (Map.Entry<Long, byte[]> p : pages.entrySet()) {
      b.putInt(p.getKey().intValue()).put(p.getValue());
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    int own = (int) crc.getValue();
    b.putInt(own);
    b.flip();
    long at = tail;
    if (at + b.remaining() + 8 > allocated) {
      grow(at + b.remaining() + 8);
    }
    while (b.hasRemaining()) {
      channel.write(b, at + b.position());
    }
    tail = at + b.limit();
    lastCrc = own;
    lastTxid = txid;
    dirty = true;
  }

  /** Makes every record appended so far durable; true if there was anything to make so. */
  public boolean sync() throws IOException {
    if (!dirty) {
      return false;
    }
    channel.force(false);
    dirty = false;
    return true;
  }

  /** Empties the log, durably: everything in it is shipped, or covered by a new snapshot. */
  public void reset() throws IOException {
    if (tail == 0 && !dirty) {
      return;
    }
    if (allocated > KEEP_AT_MOST) {
      channel.truncate(0);
      allocated = 0;
    } else {
      channel.write(ByteBuffer.allocate(8), 0);
    }
    tail = 0;
    channel.force(false);
    lastCrc = 0;
    lastTxid = -1;
    dirty = false;
  }

  /** Zero-fills the file up to past {@code needed}, durably, size included. */
  private void grow(long needed) throws IOException {
    long target = Math.max(needed, allocated + GROWTH);
    ByteBuffer zeros = ByteBuffer.allocate(64 << 10);
    for (long at = allocated; at < target; at += zeros.capacity()) {
      zeros.clear();
      zeros.limit((int) Math.min(zeros.capacity(), target - at));
      while (zeros.hasRemaining()) {
        channel.write(zeros, at + zeros.position());
      }
    }
    channel.force(true);
    allocated = target;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /**
   * Reads the chain of intact records from the start; returns where it ends, and the newest
   * record's CRC in {@code lastCrc[0]}.
   */
  private static long readAll(FileChannel ch, List<Entry> into, int[] lastCrc)
      throws IOException {
    long at = 0;
    int prev = 0;
    long size = ch.size();
    ByteBuffer head = ByteBuffer.allocate(8);
    while (at + 8 <= size) {
      head.clear();
      ch.read(head, at);
      head.flip();
      int magic = head.getInt();
      int length = head.getInt();
      if (magic != MAGIC || length < FIXED || at + 8 + length + 4 > size) {
        break;
      }
      ByteBuffer rec = ByteBuffer.allocate(8 + length + 4);
      while (rec.hasRemaining() && ch.read(rec, at + rec.position()) > 0) {
        // read to the end of the record
      }
      if (rec.hasRemaining()) {
        break;
      }
      CRC32C crc = new CRC32C();
      crc.update(rec.array(), 0, 8 + length);
      int own = (int) crc.getValue();
      if (rec.getInt(8 + length) != own || rec.getInt(8) != prev) {
        break;
      }
      rec.position(12);
      Entry e = parse(rec, length);
      if (e == null) {
        break;
      }
      into.add(e);
      prev = own;
      at += 8 + length + 4;
    }
    lastCrc[0] = prev;
    return at;
  }

  private static Entry parse(ByteBuffer b, int length) {
    long generation = b.getLong();
    long txid = b.getLong();
    int dbSize = b.getInt();
    int pageSize = b.getInt();
    WalHeader life = new WalHeader(b.get() != 0, b.getInt(), b.getInt(), b.getInt(),
        b.getInt(), b.getInt(), b.getInt());
    WalPosition end = new WalPosition(b.getInt(), b.getInt(), b.getLong(), b.getInt(),
        b.getInt());
    int count = b.getInt();
    if (pageSize <= 0 || life.pageSize() != pageSize
        || (long) count * (4 + pageSize) != length - FIXED) {
      return null;
    }
    List<WalFrame> frames = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int number = b.getInt();
      byte[] page = new byte[pageSize];
      b.get(page);
      frames.add(new WalFrame(0, number, 0, page));
    }
    return new Entry(generation, txid, life, end, dbSize, frames);
  }
}
