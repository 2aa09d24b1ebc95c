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
 * again. Each record carries its stream position and the WAL position after it, and a CRC-32C
 * of itself: a record torn by a crash fails its check and is dropped with everything after it.
 * The log is emptied whenever everything in it is shipped. Not thread-safe.
 */
public final class LocalStreamLog implements AutoCloseable {
  /** One logged transaction: what the WAL delivered for it, and where it ended. */
  public record Entry(long generation, long txid, WalHeader life, WalPosition end,
      int dbSizePages, List<WalFrame> frames) {}

  private static final int MAGIC = 0x42574c31; // "BWL1"
  private static final int FIXED = 8 + 8 + 4 + 4 + (1 + 6 * 4) + (4 * 4 + 8) + 4;
  private final Path file;
  private final FileChannel channel;
  private final List<Entry> recovered;
  private long lastTxid = -1;
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
      long end = readAll(ch, entries);
      if (end < ch.size()) {
        ch.truncate(end);
        ch.force(false);
      }
      ch.position(end);
      LocalStreamLog log = new LocalStreamLog(file, ch, List.copyOf(entries));
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
    b.putInt(MAGIC).putInt(bodyLength);
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
    b.putInt((int) crc.getValue());
    b.flip();
    while (b.hasRemaining()) {
      channel.write(b);
    }
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
    if (channel.size() == 0) {
      return;
    }
    channel.truncate(0);
    channel.position(0);
    channel.force(false);
    lastTxid = -1;
    dirty = false;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** Reads records from the start; returns where the intact ones end. */
  private static long readAll(FileChannel ch, List<Entry> into) throws IOException {
    long at = 0;
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
      if (rec.getInt(8 + length) != (int) crc.getValue()) {
        break;
      }
      rec.position(8);
      Entry e = parse(rec, length);
      if (e == null) {
        break;
      }
      into.add(e);
      at += 8 + length + 4;
    }
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
