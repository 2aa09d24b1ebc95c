package dev.bulwark.core.testing.compaction;

import dev.bulwark.core.stream.Page;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A stream made from a real SQLite database, changed by the real {@code sqlite3} binary: each
 * {@link #commit} runs SQL, copies the database file and returns a segment holding the pages
 * that differ from the copy before, with checksums over the real bytes. The database uses a
 * rollback journal, so the file alone holds every committed transaction after each run.
 */
public final class SqliteStream {
  private final Path db;
  private final long generation;
  private final int pageSize;
  private byte[] state;
  private long txid;

  private SqliteStream(Path db, long generation, int pageSize, byte[] state) {
    this.db = db;
    this.generation = generation;
    this.pageSize = pageSize;
    this.state = state;
  }

  /**
   * Creates database {@code name} in {@code dir} with {@code pageSize} and runs {@code schema};
   * the result is the stream's base (position 0).
   */
  public static SqliteStream create(Path dir, String name, long generation, int pageSize,
      String schema) throws IOException {
    Path db = dir.resolve(name);
    sqlite(db, "PRAGMA page_size=" + pageSize + "; PRAGMA journal_mode=DELETE; " + schema);
    return new SqliteStream(db, generation, pageSize, Files.readAllBytes(db));
  }

  /** Runs {@code sql} through the sqlite3 binary on {@code db}; returns its output. */
  public static String sqlite(Path db, String sql) {
    return Tools.run(db.getParent(), Map.of(), Tools.require("sqlite3").toString(),
        db.toString(), sql);
  }

  /** The database file. */
  public Path db() {
    return db;
  }

  /** The bytes of the database at the current position. */
  public byte[] state() {
    return state.clone();
  }

  /** The current position. */
  public long txid() {
    return txid;
  }

  /**
   * Runs {@code sql} as the next {@code transactions} positions, committed at {@code time}, and
   * returns the segment that carries the change.
   */
  public Segment commit(String sql, int transactions, Instant time) throws IOException {
    sqlite(db, sql);
    byte[] next = Files.readAllBytes(db);
    List<Page> pages = new ArrayList<>();
    long count = next.length / pageSize;
    for (long n = 1; n <= count; n++) {
      byte[] page = page(next, n);
      if ((n - 1) * pageSize >= state.length || !Arrays.equals(page, page(state, n))) {
        pages.add(new Page(n, page));
      }
    }
    Segment s = new Segment(generation, txid + 1, txid + transactions, pageSize, count,
        checksum(state, pageSize), checksum(next, pageSize), time, time, pages);
    state = next;
    txid += transactions;
    return s;
  }

  /** The {@link PageSetChecksum} of a whole database file. */
  public static PageSetChecksum checksum(byte[] file, int pageSize) {
    PageSetChecksum c = PageSetChecksum.empty();
    for (long n = 1; n * pageSize <= file.length; n++) {
      c = new PageSetChecksum(c.value()
          ^ PageSetChecksum.pageHash(n, file, (int) ((n - 1) * pageSize), pageSize));
    }
    return c;
  }

  /**
   * Replays {@code segment} onto {@code file} as a restore does: every page written at its
   * place, the file cut or extended with zeros to the segment's size; checks that the state
   * before is the segment's {@code before} and the state after its {@code after}.
   *
   * @throws AssertionError if either checksum does not match
   */
  public static byte[] replay(byte[] file, Segment segment) {
    int size = segment.pageSize();
    if (!checksum(file, size).equals(segment.before())) {
      throw new AssertionError(segment.fileName() + " does not start from the state it is"
          + " replayed onto");
    }
    byte[] out = Arrays.copyOf(file, Math.toIntExact(segment.pageCount() * size));
    for (Page p : segment.pages()) {
      System.arraycopy(p.bytes(), 0, out, Math.toIntExact((p.number() - 1) * size), size);
    }
    if (!checksum(out, size).equals(segment.after())) {
      throw new AssertionError(segment.fileName() + " does not end at its after checksum");
    }
    return out;
  }

  private byte[] page(byte[] file, long n) {
    int off = (int) ((n - 1) * pageSize);
    return Arrays.copyOfRange(file, off, off + pageSize);
  }
}
