package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.testing.Tools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real sqlite3 shell in another process, holding a database open: the "other application"
 * of the tests. {@link #kill()} ends it as kill -9 would, before SQLite can checkpoint or roll
 * back.
 */
final class Sqlite3Shell implements AutoCloseable {
  private final Process process;
  private final OutputStream in;
  private final BufferedReader out;

  private Sqlite3Shell(Process process) {
    this.process = process;
    this.in = process.getOutputStream();
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
  }

  static Sqlite3Shell open(Path db) throws IOException {
    Path sqlite3 = Tools.require("sqlite3");
    return new Sqlite3Shell(new ProcessBuilder(sqlite3.toString(), db.toString())
        .redirectErrorStream(true).start());
  }

  /** Runs {@code sql} and returns once sqlite3 has run all of it. */
  Sqlite3Shell run(String sql) throws IOException {
    in.write((sql + "\nSELECT 'bulwark-test-done';\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
    StringBuilder said = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      if (line.equals("bulwark-test-done")) {
        assertThat(said.toString()).as("sqlite3 output").doesNotContain("Error");
        return this;
      }
      said.append(line).append('\n');
    }
    throw new AssertionError("sqlite3 ended before running the SQL:\n" + said);
  }

  /** Kills sqlite3 at once: no checkpoint, no rollback, as a crashed application leaves it. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  /** Runs {@code sql} in a fresh sqlite3 on {@code db}, then kills it. */
  static void runAndKill(Path db, String sql) throws IOException, InterruptedException {
    try (Sqlite3Shell shell = open(db)) {
      shell.run(sql).kill();
    }
  }

  /** Ends sqlite3 normally: it closes the database as an application would. */
  @Override
  public void close() throws IOException {
    if (process.isAlive()) {
      in.close();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
