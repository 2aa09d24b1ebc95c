package dev.bulwark.core.restore;

import dev.bulwark.core.BulwarkException;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * What a database module tells the core about restoring its kind of database. Implemented by
 * {@code SqliteKind} and {@code RocksDbKind}; {@link DatabaseRestorer} drives the steps.
 */
public interface DatabaseKind {
  /**
   * The kind recorded in snapshot tags, e.g. {@code sqlite}.
   *
   * @return the kind's name, short and lower case; it selects the kind at restore
   */
  String name();

  /**
   * Settles whatever an interrupted earlier swap into {@code target} left behind, so that what
   * is at {@code target} afterwards is a whole database or nothing. Called before anything looks
   * at the target. Default: nothing to settle (the kind's swap is a single atomic rename).
   *
   * @param target where the database is, or would be restored
   * @throws IOException if the target's folder cannot be read or changed
   * @throws BulwarkException if what is there is a state no interrupted swap leaves (then
   *     nothing is touched)
   */
  default void recover(Path target) throws IOException, BulwarkException {}

  /**
   * True if a database of this kind is one file of fixed-size pages, so that stream segments
   * (pages and sizes) can be replayed onto a restored copy for a point-in-time restore. Default:
   * false, and snapshots are restored as they are.
   *
   * @return true if stream segments can be replayed onto a copy of this kind
   */
  default boolean replaysPages() {
    return false;
  }

  /**
   * Fails if the database at {@code target} is open elsewhere (its lock is held), so a restore
   * never swaps a database out from under a running process. Nothing at {@code target} is fine.
   *
   * @param target where the restore would put the database
   * @throws IOException if the target cannot be inspected
   * @throws BulwarkException (a {@code DatabaseInUseException}) if a process has it open
   */
  void checkNotInUse(Path target) throws IOException, BulwarkException;

  /**
   * Checks a restored copy before it is put in place (SQLite: integrity and foreign keys;
   * RocksDB: open and verify checksums).
   *
   * @param staged the restored copy, not yet in place
   * @throws BulwarkException with one clear line if the copy is not a healthy database
   * @throws IOException if the copy cannot be read
   */
  void verify(Path staged) throws IOException, BulwarkException;

  /**
   * Puts {@code staged} at {@code target}. A database already at {@code target} is kept under a
   * clear name (returned) until the new one is durable; at no instant may a crash leave a mix
   * of the two, and it leaves the old one untouched if anything fails.
   *
   * @param staged the verified copy, in the target's folder
   * @param target where the database belongs
   * @return where the previous database was kept, or null if there was none
   * @throws IOException if a rename or a sync fails; the old database is then untouched
   * @throws BulwarkException if the swap is refused (e.g. the target is in use)
   */
  @Nullable Path swap(Path staged, Path target) throws IOException, BulwarkException;
}
