package dev.bulwark.core.stream;

import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.bulwark.core.CorruptionException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary encoding of a {@link Segment} before it is sealed: header, page records, trailer,
 * as one zstd frame (docs/stream-format.md). Decoding streams the frame, so it holds one
 * segment's pages and never more, and checks magic, version, every length and range, and the
 * trailer's CRC-64 before it returns.
 */
public final class SegmentCodec {
  /** The segment format written: version 2 (version 1 plus the lease epoch). */
  public static final int VERSION = 2;
  /** The first version, without an epoch; still read (its segments have epoch 0). */
  static final int VERSION_WITHOUT_EPOCH = 1;

  private static final int MAGIC = 0x42575347; // "BWSG"
  private static final int TRAILER_MAGIC = 0x47535742; // "GSWB"
  private static final int LEVEL = 3;

  private SegmentCodec() {}

  /** The zstd-compressed encoding of {@code s}, ready to be sealed. */
  public static byte[] encode(Segment s) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(
        s.pages().size() * (s.pageSize() + 4) / 2 + 256);
    try (ZstdOutputStream z = new ZstdOutputStream(buf, LEVEL);
        CrcStream crc = new CrcStream(z);
        DataOutputStream out = new DataOutputStream(crc)) {
      out.writeInt(MAGIC);
      out.writeShort(VERSION);
      out.writeShort(0);
      out.writeLong(s.generation());
      out.writeLong(s.firstTxid());
      out.writeLong(s.lastTxid());
      out.writeInt(s.pageSize());
      out.writeInt((int) s.pageCount());
      out.writeLong(s.before().value());
      out.writeLong(s.after().value());
      writeInstant(out, s.firstCommit());
      writeInstant(out, s.lastCommit());
      out.writeLong(s.epoch());
      out.writeInt(s.pages().size());
      for (Page p : s.pages()) {
        out.writeInt((int) p.number());
        out.write(p.bytes());
      }
      out.writeInt(TRAILER_MAGIC);
      out.writeInt(s.pages().size());
      out.flush();
      out.writeLong(crc.value());
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory zstd stream failed", e);
    }
    return buf.toByteArray();
  }

  /**
   * Decodes and checks a segment encoded by {@link #encode}.
   *
   * @param what names the segment in messages (e.g. its path in the repository)
   * @throws CorruptionException if anything in it is malformed, out of range or damaged
   */
  public static Segment decode(byte[] encoded, String what) throws CorruptionException {
    try (ZstdInputStream z = new ZstdInputStream(new ByteArrayInputStream(encoded));
        CrcInput crc = new CrcInput(z);
        DataInputStream in = new DataInputStream(crc)) {
      return read(in, crc, z, what);
    } catch (EOFException e) {
      throw new CorruptionException(what + ": segment ends early (truncated)", e);
    } catch (IOException | ZstdException e) {
      throw new CorruptionException(what + ": segment is not a valid zstd frame: "
          + e.getMessage(), e);
    }
  }

  private static Segment read(DataInputStream in, CrcInput crc, InputStream z, String what)
      throws IOException, CorruptionException {
    if (in.readInt() != MAGIC) {
      throw new CorruptionException(what + ": not a bulwark stream segment (bad magic)");
    }
    int version = in.readUnsignedShort();
    if (version != VERSION && version != VERSION_WITHOUT_EPOCH) {
      throw new CorruptionException(what + ": segment format version " + version
          + " is not supported (this bulwark reads version " + VERSION + "); upgrade bulwark");
    }
    int flags = in.readUnsignedShort();
    if (flags != 0) {
      throw new CorruptionException(what + ": unknown segment flags " + flags);
    }
    long generation = in.readLong();
    long first = in.readLong();
    long last = in.readLong();
    int pageSize = in.readInt();
    long pageCount = Integer.toUnsignedLong(in.readInt());
    long before = in.readLong();
    long after = in.readLong();
    Instant firstCommit = readInstant(in, what);
    Instant lastCommit = readInstant(in, what);
    long epoch = version == VERSION_WITHOUT_EPOCH ? 0 : in.readLong();
    if (epoch < 0) {
      throw new CorruptionException(what + ": invalid epoch " + Long.toUnsignedString(epoch));
    }
    long records = Integer.toUnsignedLong(in.readInt());
    if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
      throw new CorruptionException(what + ": invalid page size " + pageSize);
    }
    if (pageCount < 1 || pageCount > Segment.MAX_PAGE_NUMBER) {
      throw new CorruptionException(what + ": invalid database size of " + pageCount + " pages");
    }
    if (records * pageSize > Segment.MAX_PAGE_BYTES) {
      throw new CorruptionException(what + ": " + records + " pages of " + pageSize
          + " bytes exceed the segment limit");
    }
    List<Page> pages = new ArrayList<>((int) records);
    long previous = 0;
    for (long i = 0; i < records; i++) {
      long number = Integer.toUnsignedLong(in.readInt());
      if (number <= previous || number > pageCount) {
        throw new CorruptionException(what + ": page number " + number + " is out of order or"
            + " beyond the database size of " + pageCount + " pages");
      }
      byte[] bytes = new byte[pageSize];
      in.readFully(bytes);
      pages.add(new Page(number, bytes));
      previous = number;
    }
    if (in.readInt() != TRAILER_MAGIC || Integer.toUnsignedLong(in.readInt()) != records) {
      throw new CorruptionException(what + ": segment trailer is damaged");
    }
    long computed = crc.value();
    if (in.readLong() != computed) {
      throw new CorruptionException(what + ": segment checksum does not match its content");
    }
    if (z.read() != -1) {
      throw new CorruptionException(what + ": unexpected bytes after the segment trailer");
    }
    try {
      return new Segment(generation, first, last, pageSize, pageCount,
          new PageSetChecksum(before), new PageSetChecksum(after), firstCommit, lastCommit,
          pages, epoch);
    } catch (IllegalArgumentException e) {
      throw new CorruptionException(what + ": " + e.getMessage(), e);
    }
  }

  private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
    out.writeLong(t.getEpochSecond());
    out.writeInt(t.getNano());
  }

  private static Instant readInstant(DataInputStream in, String what)
      throws IOException, CorruptionException {
    long seconds = in.readLong();
    int nanos = in.readInt();
    try {
      if (nanos < 0 || nanos > 999_999_999) {
        throw new DateTimeException("nanoseconds out of range: " + nanos);
      }
      return Instant.ofEpochSecond(seconds, nanos);
    } catch (DateTimeException e) {
      throw new CorruptionException(what + ": invalid commit time: " + e.getMessage(), e);
    }
  }

  /** Computes the trailer's CRC-64 of everything written through it. */
  private static final class CrcStream extends java.io.FilterOutputStream {
    private final Crc64 crc = new Crc64();

    CrcStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      crc.update(b);
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      crc.update(b, off, len);
      out.write(b, off, len);
    }

    long value() {
      return crc.value();
    }
  }

  /** Computes the CRC-64 of everything read through it. */
  private static final class CrcInput extends java.io.FilterInputStream {
    private final Crc64 crc = new Crc64();

    CrcInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        crc.update(b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        crc.update(b, off, n);
      }
      return n;
    }

    long value() {
      return crc.value();
    }
  }
}
