package dev.bulwark.sqlite;

import dev.bulwark.core.BulwarkException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Decides whether a restored copy is a healthy SQLite database before it replaces anything. */
final class IntegrityCheck {
  private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  /** Problems integrity_check reports at most; the first is quoted, the rest counted. */
  private static final int MAX_PROBLEMS = 100;

  private IntegrityCheck() {}

  /**
   * Passes if {@code staged} is a SQLite database, {@code PRAGMA integrity_check} says exactly
   * {@code ok} and {@code PRAGMA foreign_key_check} finds nothing. The file is opened read-only
   * and immutable: no lock is taken and nothing is created beside it.
   *
   * @throws BulwarkException quoting the first problem otherwise
   */
  static void verify(Path staged) throws IOException, BulwarkException {
    requireHeader(staged);
    try (Connection c = SqliteConnections.openImmutable(staged)) {
      List<String> problems = integrityProblems(c);
      if (!problems.equals(List.of("ok"))) {
        String first = problems.isEmpty() ? "no result" : problems.get(0);
        throw new BulwarkException("the restored database fails SQLite's integrity check: "
            + first + (problems.size() > 1 ? " (and " + (problems.size() - 1)
            + (problems.size() >= MAX_PROBLEMS ? "+" : "") + " more problems)" : ""));
      }
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("PRAGMA foreign_key_check")) {
        if (rs.next()) {
          String rowid = rs.getObject(2) == null ? "a row" : "row " + rs.getLong(2);
          throw new BulwarkException("the restored database breaks a foreign key: " + rowid
              + " of table " + rs.getString(1) + " refers to a missing row of "
              + rs.getString(3));
        }
      }
    } catch (SQLException e) {
      throw new BulwarkException("the restored database " + SqliteFailure.of(e).explain(e), e);
    }
  }

  /** What integrity_check says; a page too damaged to walk is a problem like any other. */
  private static List<String> integrityProblems(Connection c) throws SQLException {
    List<String> problems = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA integrity_check(" + MAX_PROBLEMS + ")")) {
      while (rs.next()) {
        // One row may hold several problems, one per line, under a "*** in database main ***"
        // heading.
        for (String line : rs.getString(1).split("\n")) {
          if (!line.isBlank() && !line.startsWith("*** in database ")) {
            problems.add(line.strip());
          }
        }
      }
    } catch (SQLException e) {
      if (SqliteFailure.of(e) != SqliteFailure.DAMAGED) {
        throw e;
      }
      problems.add("database disk image is malformed");
    }
    return problems;
  }

  /** Reading the header ourselves is safe here: nobody holds a SQLite lock on a staged file. */
  private static void requireHeader(Path staged) throws IOException, BulwarkException {
    byte[] head;
    try (InputStream in = Files.newInputStream(staged)) {
      head = in.readNBytes(MAGIC.length);
    }
    if (!Arrays.equals(head, MAGIC)) {
      throw new BulwarkException("the restored file is not a SQLite database (it does not start"
          + " with the SQLite header)");
    }
  }
}
