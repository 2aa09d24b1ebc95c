package dev.bulwark.sqlite.streamcheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.check.CheckResult;
import dev.bulwark.core.check.Checker;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.sqlite.SqliteSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check on a stream the real replicator wrote from a real SQLite database that grows,
 * changes, shrinks and is checkpointed: plain check and {@code --read-data} (which replays
 * every page from the generation's snapshot) pass, and a flipped byte in one segment is
 * reported naming that file.
 */
class ReplicatedStreamCheckTest {
  @TempDir Path tmp;

  @Test
  void aReplicatedStreamPassesAndAFlippedByteInItIsNamed() throws Exception {
    Path db = tmp.resolve("app.db");
    Path repoDir = tmp.resolve("repo");
    try (Repository repo = TestRepositories.init(LocalBackend.open(repoDir));
        Connection w = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement s = w.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("CREATE TABLE t(seq INTEGER PRIMARY KEY, v BLOB)");
      }
      Replicator replicator = SqliteSource.of(db).replicate(repo, ReplicationOptions.defaults()
          .withSyncInterval(Duration.ofMillis(50)).withStateDir(tmp.resolve("state"))
          .withDatabaseId("app"));
      try {
        try (PreparedStatement p = w.prepareStatement(
            "INSERT INTO t(seq, v) VALUES (?, randomblob(200 + abs(random() % 4000)))")) {
          for (int i = 0; i < 300; i++) {
            p.setInt(1, i);
            p.executeUpdate();
          }
        }
        try (Statement s = w.createStatement()) {
          s.execute("UPDATE t SET v = randomblob(50) WHERE seq % 5 = 0");
          s.execute("DELETE FROM t WHERE seq > 150");
          s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
          s.execute("VACUUM");
          s.execute("INSERT INTO t(seq, v) VALUES (1000, randomblob(9000))");
        }
        replicator.awaitDurable(Duration.ofSeconds(30));
      } finally {
        replicator.close();
      }

      CheckResult plain = new Checker(repo, 2, new Progress()).check(false);
      assertThat(plain.errors()).isEmpty();
      assertThat(plain.streams().databases()).isEqualTo(1);
      assertThat(plain.streams().generations()).isPositive();
      assertThat(plain.streams().segments()).isGreaterThanOrEqualTo(3);
      CheckResult deep = new Checker(repo, 2, new Progress()).check(true);
      assertThat(deep.errors()).isEmpty();

      List<Path> segments;
      try (Stream<Path> files = Files.walk(repoDir.resolve("bulwark/streams"))) {
        segments = files.filter(f -> f.toString().endsWith(".seg")).sorted().toList();
      }
      Path victim = segments.get(segments.size() / 2);
      byte[] b = Files.readAllBytes(victim);
      b[b.length / 3] ^= 0x01;
      Files.write(victim, b);
      CheckResult damaged = new Checker(repo, 2, new Progress()).check(false);
      assertThat(damaged.ok()).isFalse();
      assertThat(damaged.errors()).anySatisfy(e -> assertThat(e)
          .startsWith(repoDir.relativize(victim).toString() + ": "));
    }
  }

  @Test
  void aCheckWhileTheReplicatorShipsFindsNothingWrong() throws Exception {
    Path db = tmp.resolve("live.db");
    try (Repository repo = TestRepositories.init(LocalBackend.open(tmp.resolve("repo")));
        Connection w = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement s = w.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("CREATE TABLE t(seq INTEGER PRIMARY KEY, v BLOB)");
      }
      Replicator replicator = SqliteSource.of(db).replicate(repo, ReplicationOptions.defaults()
          .withSyncInterval(Duration.ofMillis(20)).withStateDir(tmp.resolve("state"))
          .withDatabaseId("live"));
      try (PreparedStatement p = w.prepareStatement(
          "INSERT INTO t(seq, v) VALUES (?, randomblob(500))")) {
        int seq = 0;
        for (int round = 0; round < 3; round++) {
          // Commits go on while each check lists and reads the stream.
          for (int i = 0; i < 100; i++) {
            p.setInt(1, seq++);
            p.executeUpdate();
          }
          CheckResult r = new Checker(repo, 2, new Progress()).check(false);
          assertThat(r.errors()).as("round %d", round).isEmpty();
        }
        replicator.awaitDurable(Duration.ofSeconds(30));
      } finally {
        replicator.close();
      }
      CheckResult last = new Checker(repo, 2, new Progress()).check(true);
      assertThat(last.errors()).isEmpty();
      assertThat(last.streams().segments()).isGreaterThanOrEqualTo(2);
    }
  }
}
