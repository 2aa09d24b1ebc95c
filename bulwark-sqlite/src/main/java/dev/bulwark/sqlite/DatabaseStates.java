package dev.bulwark.sqlite;

import dev.bulwark.core.stream.LocalStates;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.sqlite.wal.WalFrame;
import dev.bulwark.sqlite.wal.WalHeader;
import dev.bulwark.sqlite.wal.WalPosition;
import dev.bulwark.sqlite.wal.WalReader;
import dev.bulwark.sqlite.wal.WalResetException;
import dev.bulwark.sqlite.wal.WalSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The states a SQLite database in WAL mode provably went through, read from its files as
 * SQLite's recovery would read them: the database file alone (everything before the WAL's
 * first frame), then the state after each transaction committed in the WAL, the last being the
 * database now. Pages are counted as a replay counts them (pages a shrink cut off and a growth
 * brought back are zero pages), so the checksums compare with a stream's.
 *
 * <p>A state before a transaction that a checkpoint already copied into the database file is
 * not a real state (the file holds that transaction's pages); it matches no stream state, so
 * it only costs the chance to place the database, never a wrong placement.
 *
 * <p>It reads the database file itself, so it must run before the database is opened in this
 * process: closing a descriptor of the file drops every POSIX lock the process holds on it,
 * SQLite's included (see {@link SqliteSource}). Memory: 8 bytes per page of the database file
 * and per page in the WAL.
 */
final class DatabaseStates {
  private static final int HEADER = 100;
  private static final int READ_BYTES = 1 << 20;

  private final long[] fileHashes;
  private final int pageSize;
  private final byte[] zeros;
  private final Map<Long, Long> written = new HashMap<>();
  private byte[] page1;
  private long size;
  private long sum;

  private DatabaseStates(long[] fileHashes, int pageSize, byte[] page1, long size) {
    this.fileHashes = fileHashes;
    this.pageSize = pageSize;
    this.zeros = new byte[pageSize];
    this.page1 = page1;
    this.size = size;
    for (long n = 1; n <= size; n++) {
      sum ^= hash(n);
    }
  }

  /**
   * Reads the states of the database at {@code db} and its {@code -wal}.
   *
   * @throws IOException if the file cannot be read or is not a SQLite database
   */
  static LocalStates read(Path db) throws IOException {
    DatabaseStates d = readFile(db);
    List<State> states = new ArrayList<>();
    states.add(d.state());
    WalReader wal = new WalReader(Sidecar.WAL.of(db));
    Optional<WalHeader> header = wal.header();
    if (header.isPresent() && header.get().pageSize() == d.pageSize) {
      try {
        wal.read(null, d.new Apply(states));
      } catch (WalResetException e) {
        throw new IOException("the WAL of " + db + " changed while it was read; is the database"
            + " open? The check runs before the database is opened", e);
      }
    }
    List<LocalStates.State> out = new ArrayList<>();
    for (int i = 0; i < states.size(); i++) {
      out.add(new LocalStates.State(states.size() - 1 - i, states.get(i).forms()));
    }
    return new LocalStates(out);
  }

  private static DatabaseStates readFile(Path db) throws IOException {
    try (FileChannel ch = FileChannel.open(db, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(HEADER);
      while (head.hasRemaining() && ch.read(head, head.position()) >= 0) {
        // read the header fully
      }
      byte[] h = head.array();
      if (head.hasRemaining() || !new String(h, 0, 15, java.nio.charset.StandardCharsets
          .US_ASCII).equals("SQLite format 3")) {
        throw new IOException(db + " is not a SQLite database");
      }
      int ps = ((h[16] & 0xff) << 8) | (h[17] & 0xff);
      int pageSize = ps == 1 ? 65536 : ps;
      if (pageSize < 512 || Integer.bitCount(pageSize) != 1) {
        throw new IOException(db + " has an invalid page size " + ps);
      }
      long filePages = ch.size() / pageSize;
      long inHeader = u32(h, 28);
      // SQLite trusts the header's size only while it was written with the change counter.
      long size = inHeader > 0 && u32(h, 24) == u32(h, 92) ? inHeader : filePages;
      long[] hashes = new long[Math.toIntExact(filePages)];
      byte[] page1 = new byte[pageSize];
      ByteBuffer buf = ByteBuffer.allocate(Math.max(pageSize, READ_BYTES / pageSize * pageSize));
      long pos = 0;
      for (long n = 1; n <= filePages; ) {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), (filePages - n + 1) * pageSize));
        while (buf.hasRemaining()) {
          int r = ch.read(buf, pos + buf.position());
          if (r < 0) {
            throw new IOException(db + " ended while it was read");
          }
        }
        if (n == 1) {
          System.arraycopy(buf.array(), 0, page1, 0, pageSize);
        }
        int read = buf.limit() / pageSize;
        PageSetChecksum.pageHashes(n, buf.array(), 0, pageSize, read, hashes, (int) (n - 1));
        n += read;
        pos += buf.limit();
      }
      return new DatabaseStates(hashes, pageSize, page1, size);
    }
  }

  private static long u32(byte[] b, int off) {
    return ((b[off] & 0xffL) << 24) | ((b[off + 1] & 0xffL) << 16) | ((b[off + 2] & 0xffL) << 8)
        | (b[off + 3] & 0xffL);
  }

  /** The hash of page {@code n} in the current state (which must include it). */
  private long hash(long n) {
    Long w = written.get(n);
    if (w != null) {
      return w;
    }
    return n <= fileHashes.length ? fileHashes[(int) (n - 1)] : zeroHash(n);
  }

  private long zeroHash(long n) {
    return PageSetChecksum.pageHash(n, zeros);
  }

  private State state() {
    return new State(sum, PageSetChecksum.pageHash(1, page1),
        PageSetChecksum.pageHash(1, backupForm(page1)));
  }

  /**
   * Page 1 as SQLite's backup API writes it into a new file, the copy a generation starts
   * from: the file change counter (offset 24), the schema cookie (40) and the version-valid-for
   * number (92) all become 1. A stream keeps that form of page 1 until a transaction rewrites
   * the page.
   */
  static byte[] backupForm(byte[] page1) {
    byte[] p = page1.clone();
    for (int off : new int[] {24, 40, 92}) {
      p[off] = 0;
      p[off + 1] = 0;
      p[off + 2] = 0;
      p[off + 3] = 1;
    }
    return p;
  }

  /** One state's checksum, with page 1 as it is and in its backup form. */
  private record State(long sum, long page1Hash, long page1BackupHash) {
    List<PageSetChecksum> forms() {
      PageSetChecksum as = new PageSetChecksum(sum);
      if (page1Hash == page1BackupHash) {
        return List.of(as);
      }
      return List.of(as, new PageSetChecksum(sum ^ page1Hash ^ page1BackupHash));
    }
  }

  /** Applies each committed transaction and records the state after it. */
  private final class Apply implements WalSink {
    private final List<State> states;
    /** This transaction's pages, last version of each: page number to hash. */
    private final Map<Long, Long> txn = new LinkedHashMap<>();
    private byte[] txnPage1;

    Apply(List<State> states) {
      this.states = states;
    }

    @Override
    public void frame(WalFrame f) {
      long n = f.pageNumber();
      txn.put(n, PageSetChecksum.pageHash(n, f.page()));
      if (n == 1) {
        txnPage1 = f.page();
      }
    }

    @Override
    public void commit(WalPosition end, int dbSizePages) {
      for (Map.Entry<Long, Long> e : txn.entrySet()) {
        long n = e.getKey();
        if (n <= size) {
          sum ^= hash(n);
          sum ^= e.getValue();
        }
        written.put(n, e.getValue());
      }
      if (dbSizePages > size) {
        for (long n = size + 1; n <= dbSizePages; n++) {
          Long w = txn.get(n);
          long h = w != null ? w : zeroHash(n);
          written.put(n, h);
          sum ^= h;
        }
      } else {
        for (long n = dbSizePages + 1; n <= size; n++) {
          sum ^= hash(n);
          written.put(n, zeroHash(n));
        }
      }
      // Pages written past the final size and never counted are cut off too.
      for (long n : txn.keySet()) {
        if (n > Math.max(size, dbSizePages)) {
          written.put(n, zeroHash(n));
        }
      }
      size = dbSizePages;
      if (txnPage1 != null) {
        page1 = txnPage1;
      }
      txn.clear();
      txnPage1 = null;
      states.add(state());
    }

    @Override
    public void discardUncommitted() {
      txn.clear();
      txnPage1 = null;
    }
  }
}
