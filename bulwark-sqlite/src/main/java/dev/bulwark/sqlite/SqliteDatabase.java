package dev.bulwark.sqlite;

import dev.bulwark.core.SourceException;
import dev.bulwark.core.api.Database;
import dev.bulwark.core.backup.SourceView;
import dev.bulwark.core.restore.DatabaseKind;
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
public final class SqliteDatabase implements Database {
  private final Path path;
  private final SqliteSource source;
  private final SqliteKind kind = new SqliteKind();

  private SqliteDatabase(Path path, SqliteSource source) {
    this.path = path;
    this.source = source;
  }

  /** The database at {@code db} (made absolute); its backup copy is made beside it. */
  public static SqliteDatabase at(Path db) {
    Path abs = db.toAbsolutePath().normalize();
    return new SqliteDatabase(abs, SqliteSource.of(abs));
  }

  /**
   * The database at {@code db}; its backup copy is made in {@code scratchDir}, which needs room
   * for one copy of the database (see {@link SqliteSource#of(Path, Path)}).
   */
  public static SqliteDatabase at(Path db, Path scratchDir) {
    Path abs = db.toAbsolutePath().normalize();
    return new SqliteDatabase(abs, SqliteSource.of(abs, scratchDir));
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public DatabaseKind kind() {
    return kind;
  }

  @Override
  public SourceView open() throws SourceException {
    return source.open();
  }

  @Override
  public String toString() {
    return source.toString();
  }
}
