package dev.bulwark.sqlite.stream;

import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.SegmentName;
import dev.bulwark.sqlite.wal.WalHeader;
import dev.bulwark.sqlite.wal.WalPosition;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * What a replicator must remember between runs to continue a generation instead of starting a
 * new one: which repository and database it ships, the durable stream position with its page
 * count and checksum, and the WAL life and position that position corresponds to. Written
 * atomically after every shipped segment.
 *
 * @param repositoryId the repository's config id, so a state is never continued elsewhere
 * @param databaseFile the database file's identity (device and inode) when the generation began
 * @param life the WAL life {@code position} is in, null if no WAL existed yet
 * @param position the WAL position after transaction {@code txid}, null with {@code life}
 */
public record ReplicaState(String repositoryId, String databaseId, String databaseFile,
    long generation, long txid, int pageSize, long pageCount, PageSetChecksum checksum,
    @Nullable WalHeader life, @Nullable WalPosition position) {

  /** Reads the state at {@code file}; empty if there is none or it is unreadable. */
  public static Optional<ReplicaState> read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    Properties p = new Properties();
    p.load(new StringReader(text));
    try {
      WalHeader life = null;
      WalPosition pos = null;
      if (p.getProperty("wal.salt1") != null) {
        life = new WalHeader(Boolean.parseBoolean(p.getProperty("wal.big-endian")),
            Integer.parseInt(p.getProperty("page-size")), i(p, "wal.checkpoint-sequence"),
            i(p, "wal.salt1"), i(p, "wal.salt2"), i(p, "wal.header-checksum1"),
            i(p, "wal.header-checksum2"));
        pos = new WalPosition(life.salt1(), life.salt2(), Long.parseLong(p.getProperty(
            "wal.frame")), i(p, "wal.checksum1"), i(p, "wal.checksum2"));
      }
      return Optional.of(new ReplicaState(p.getProperty("repository"),
          p.getProperty("database-id"), p.getProperty("database-file"),
          Long.parseUnsignedLong(p.getProperty("generation"), 16),
          Long.parseLong(p.getProperty("txid")), Integer.parseInt(p.getProperty("page-size")),
          Long.parseLong(p.getProperty("page-count")),
          new PageSetChecksum(Long.parseUnsignedLong(p.getProperty("checksum"), 16)), life,
          pos));
    } catch (RuntimeException e) {
      return Optional.empty(); // damaged: the caller starts a new generation and says why
    }
  }

  /** Writes this state to {@code file} atomically and durably (0600). */
  public void write(Path file) throws IOException {
    Properties p = new Properties();
    p.setProperty("repository", repositoryId);
    p.setProperty("database-id", databaseId);
    p.setProperty("database-file", databaseFile);
    p.setProperty("generation", SegmentName.generation(generation));
    p.setProperty("txid", Long.toString(txid));
    p.setProperty("page-size", Integer.toString(pageSize));
    p.setProperty("page-count", Long.toString(pageCount));
    p.setProperty("checksum", checksum.hex());
    if (life != null && position != null) {
      p.setProperty("wal.big-endian", Boolean.toString(life.bigEndian()));
      p.setProperty("wal.checkpoint-sequence", Integer.toUnsignedString(life.checkpointSequence()));
      p.setProperty("wal.salt1", Integer.toUnsignedString(life.salt1()));
      p.setProperty("wal.salt2", Integer.toUnsignedString(life.salt2()));
      p.setProperty("wal.header-checksum1", Integer.toUnsignedString(life.checksum1()));
      p.setProperty("wal.header-checksum2", Integer.toUnsignedString(life.checksum2()));
      p.setProperty("wal.frame", Long.toString(position.frameIndex()));
      p.setProperty("wal.checksum1", Integer.toUnsignedString(position.checksum1()));
      p.setProperty("wal.checksum2", Integer.toUnsignedString(position.checksum2()));
    }
    StringWriter w = new StringWriter();
    p.store(w, "Bulwark replication state; delete it to start a new generation");
    byte[] bytes = w.toString().getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(file, bytes, 0, bytes.length);
  }

  /** This state moved on to a newer durable position. */
  public ReplicaState advance(long newTxid, long newPageCount, PageSetChecksum newChecksum,
      @Nullable WalHeader newLife, @Nullable WalPosition newPosition) {
    return new ReplicaState(repositoryId, databaseId, databaseFile, generation, newTxid,
        pageSize, newPageCount, newChecksum, newLife, newPosition);
  }

  private static int i(Properties p, String key) {
    return Integer.parseUnsignedInt(p.getProperty(key));
  }
}
