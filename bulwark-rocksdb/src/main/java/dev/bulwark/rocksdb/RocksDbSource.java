package dev.bulwark.rocksdb;

import dev.bulwark.core.SourceException;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.backup.SourceView;
import dev.bulwark.core.repo.DatabaseTags;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.RocksDB;

/**
 * A RocksDB database as a backup source: live in this process ({@link #of(RocksDB)}) or closed
 * on disk ({@link #offline(Path)}). Either way the snapshot holds the database folder under
 * its own absolute path ({@code /srv/db/000012.sst}, {@code /srv/db/CURRENT}, ...) and tags
 * saying what it is:
 *
 * <table>
 *   <caption>Snapshot tags (see {@link DatabaseTags})</caption>
 *   <tr><th>tag</th><th>meaning</th></tr>
 *   <tr><td>{@code bulwark:kind=rocksdb}</td><td>restored by {@link RocksDbKind}</td></tr>
 *   <tr><td>{@code bulwark:db=/srv/db}</td><td>the database folder when backed up</td></tr>
 *   <tr><td>{@code bulwark:sequence=N}</td><td>latest sequence number in the copy</td></tr>
 *   <tr><td>{@code bulwark:column-families=N}</td><td>column families, {@code default}
 *       included</td></tr>
 *   <tr><td>{@code bulwark:capture=checkpoint|offline}</td><td>how the copy was taken</td></tr>
 * </table>
 *
 * <p>Table files are immutable, so a later snapshot stores only new tables and the small
 * changing files ({@code MANIFEST}, {@code OPTIONS}, {@code CURRENT}, the WAL).
 *
 * <p>A source may be opened any number of times, from any thread; each view is separate.
 */
public final class RocksDbSource implements Source {
  static {
    // On a thread of its own: unpacking and loading the library (and the driver's libc probe,
    // which starts a process) took 0.3-0.5 s of a backup's start, now spent during the
    // repository's key derivation. Every use of RocksDB waits for the load to finish.
    Thread t = new Thread(RocksDB::loadLibrary, "bulwark-rocksdb-load");
    t.setDaemon(true);
    t.start();
  }

  private final String description;
  private final Opener opener;

  /** How a view of this source is opened. */
  @FunctionalInterface
  private interface Opener {
    SourceView open() throws SourceException;
  }

  private RocksDbSource(String description, Opener opener) {
    this.description = description;
    this.opener = opener;
  }

  /**
   * The live database {@code db}, open in this process. Each {@link #open()} takes a RocksDB
   * checkpoint (hard links to the table files, a copy of the rest) in a private folder beside
   * the database, while writes go on; the view's {@code close()} deletes it whatever happened.
   * The database folder's parent must be writable. {@code db} must stay open while
   * {@link #open()} runs; the view itself no longer needs it.
   *
   * @param db the open database; it must stay open while {@link #open()} runs
   * @return a source that checkpoints {@code db} at each backup
   */
  public static RocksDbSource of(RocksDB db) {
    if (db == null) {
      throw new IllegalArgumentException("db is null");
    }
    return new RocksDbSource("RocksDB " + db.getName(), () -> CheckpointView.take(db));
  }

  /**
   * The closed database in folder {@code dir} (made absolute). {@link #open()} fails with a
   * {@link SourceException} if the folder is missing, is not a RocksDB database, cannot be
   * opened read-only, or is open in any process (its {@code LOCK} is held); the backup fails
   * if the folder changes while it is read.
   *
   * @param dir the database folder, closed in every process while the backup reads it
   * @return a source that reads the folder as it is, after checking it is not in use
   */
  public static RocksDbSource offline(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    return new RocksDbSource("RocksDB " + abs + " (offline)", () -> OfflineView.open(abs));
  }

  /**
   * Opens a consistent view: a checkpoint, or the closed folder itself.
   *
   * @throws SourceException with one line saying what is wrong with the database
   */
  @Override
  public SourceView open() throws SourceException {
    return opener.open();
  }

  static List<String> tags(Path dbPath, ReadOnlyDatabase.Facts facts, String capture) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("sequence", Long.toString(facts.sequence()));
    props.put("column-families", Integer.toString(facts.columnFamilies()));
    props.put("capture", capture);
    return new DatabaseTags(RocksDbKind.NAME, dbPath.toString(), props).toTags();
  }

  @Override
  public String toString() {
    return description;
  }
}
