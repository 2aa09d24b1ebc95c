package dev.bulwark.sqlite;

import dev.bulwark.core.api.AbstractDatabase;
import java.nio.file.Path;

/**
 * A SQLite database file, for backing it up ({@link SqliteSource}: SQLite's online backup, while
 * the service writes) and restoring it to the same place ({@link SqliteKind}: verified, then
 * swapped in atomically):
 *
 * <pre>{@code
 * Database app = SqliteDatabase.at(Path.of("/srv/app/app.db"));
 * repo.backup(app);
 * repo.restoreIfMissing(app);
 * }</pre>
 */
public final class SqliteDatabase extends AbstractDatabase {
  private SqliteDatabase(Path path, SqliteSource source) {
    super(path, source, new SqliteKind());
  }

  /**
   * The database at {@code db} (made absolute); its backup copy is made beside it.
   *
   * @param db the database file; a relative path resolves against the working directory
   * @return the database, for {@code repo.backup}, {@code repo.restore} and {@code repo.replicate};
   *     nothing is opened yet
   */
  public static SqliteDatabase at(Path db) {
    Path abs = db.toAbsolutePath().normalize();
    return new SqliteDatabase(abs, SqliteSource.of(abs));
  }

  /**
   * The database at {@code db}; its backup copy is made in {@code scratchDir}, which needs room
   * for one copy of the database (see {@link SqliteSource#of(Path, Path)}).
   *
   * @param db the database file; a relative path resolves against the working directory
   * @param scratchDir the folder for the consistent copy a backup reads from
   * @return the database, for {@code repo.backup}, {@code repo.restore} and {@code repo.replicate};
   *     nothing is opened yet
   */
  public static SqliteDatabase at(Path db, Path scratchDir) {
    Path abs = db.toAbsolutePath().normalize();
    return new SqliteDatabase(abs, SqliteSource.of(abs, scratchDir));
  }
}
