package dev.bulwark.spring;

import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.testing.TestRepositories;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** A real repository in a folder, with its password file, for the starter's tests. */
record TestRepo(Path folder, Path passwordFile) {
  static TestRepo create(Path dir) throws Exception {
    Path pw = Files.writeString(dir.resolve("password"),
        new String(TestRepositories.PASSWORD, StandardCharsets.UTF_8) + "\n");
    TestRepo r = new TestRepo(dir.resolve("repo"), pw);
    try (BulwarkRepository repo = Bulwark.repository(r.folder())
        .password(TestRepositories.PASSWORD).createIfMissing(true)
        .keyDerivation(TestRepositories.FAST_KDF).open()) {
      return r;
    }
  }

  BulwarkRepository open() throws Exception {
    return Bulwark.repository(folder).passwordFile(passwordFile).open();
  }

  /** The properties that point the starter at this repository and {@code db}. */
  String[] properties(Path db, String... more) {
    String[] base = {"bulwark.repository=" + folder, "bulwark.password-file=" + passwordFile,
        "bulwark.database.path=" + db};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  /** A WAL-mode ledger database with {@code rows} entries. */
  static Path ledger(Path db, int rows) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE IF NOT EXISTS entries(id INTEGER PRIMARY KEY, account TEXT,"
          + " amount INTEGER)");
      insert(s, 0, rows);
    }
    return db;
  }

  static void insert(Path db, int from, int to) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      insert(s, from, to);
    }
  }

  private static void insert(Statement s, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      s.execute("INSERT INTO entries(id, account, amount) VALUES (" + i + ", 'a" + (i % 3)
          + "', " + (i * 10) + ")");
    }
  }

  /**
   * Copies {@code db} with its WAL to {@code copy} while no connection is open: the file alone
   * may lack transactions still in the WAL (no connection checkpointed them on closing).
   */
  static Path copy(Path db, Path copy) throws Exception {
    Files.copy(db, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    Path wal = sidecar(db, "-wal");
    Path copyWal = sidecar(copy, "-wal");
    Files.deleteIfExists(copyWal);
    Files.deleteIfExists(sidecar(copy, "-shm"));
    if (Files.exists(wal)) {
      Files.copy(wal, copyWal, StandardCopyOption.COPY_ATTRIBUTES);
    }
    return copy;
  }

  /** Deletes the database with its WAL and shared-memory files. */
  static void delete(Path db) throws Exception {
    Files.deleteIfExists(sidecar(db, "-wal"));
    Files.deleteIfExists(sidecar(db, "-shm"));
    Files.delete(db);
  }

  /** SQLite's file beside {@code db} whose name ends in {@code suffix} ("-wal", "-shm"). */
  private static Path sidecar(Path db, String suffix) {
    return db.resolveSibling(db.getFileName() + suffix);
  }
}
