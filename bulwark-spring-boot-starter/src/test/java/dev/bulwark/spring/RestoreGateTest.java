package dev.bulwark.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.testing.Sqlite;
import dev.bulwark.sqlite.SqliteDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.sqlite.SQLiteDataSource;

/**
 * The restore gate runs before the application's DataSource is created, on a real repository
 * and real SQLite files: a missing database is restored first, a stale one stops the start
 * with one line.
 */
class RestoreGateTest {
  @TempDir Path tmp;

  /** What the application saw when Spring created its DataSource. */
  static final List<String> EVENTS = new CopyOnWriteArrayList<>();

  /** An application with a DataSource declared before anything of Bulwark's. */
  @Configuration(proxyBeanMethods = false)
  static class App {
    @Bean
    DataSource dataSource(ObjectProvider<BulwarkProperties> props) throws Exception {
      Path db = props.getObject().getDatabase().getPath();
      EVENTS.add("datasource created; database " + (Files.exists(db)
          ? "holds " + Sqlite.rows(db, "entries") + " entries" : "missing"));
      SQLiteDataSource ds = new SQLiteDataSource();
      ds.setUrl("jdbc:sqlite:" + db);
      return ds;
    }
  }

  private ApplicationContextRunner runner(TestRepo repo, Path db, String... more) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(BulwarkAutoConfiguration.class))
        .withUserConfiguration(App.class)
        .withPropertyValues(repo.properties(db, more));
  }

  @Test
  void aMissingDatabaseIsRestoredBeforeTheDataSourceIsCreated() throws Exception {
    TestRepo repo = TestRepo.create(tmp);
    Path db = TestRepo.ledger(tmp.resolve("ledger.db"), 25);
    try (BulwarkRepository r = repo.open()) {
      r.backup(SqliteDatabase.at(db));
    }
    TestRepo.delete(db);
    EVENTS.clear();

    runner(repo, db).run(context -> {
      assertThat(context).hasNotFailed();
      RestoreGate gate = context.getBean(RestoreGate.class);
      assertThat(gate.passed()).isTrue();
      assertThat(EVENTS).containsExactly("datasource created; database holds 25 entries");
      assertThat(context.getBean(DataSource.class).getConnection().createStatement()
          .executeQuery("select sum(amount) from entries").getLong(1))
          .isEqualTo(10L * (24 * 25 / 2));
      // The stream runs once the context is up.
      assertThat(context.getBean(BulwarkStream.class).isRunning()).isTrue();
    });
  }

  @Test
  void withAutoRestoreOffTheDataSourceMeetsTheMissingDatabase() throws Exception {
    // The same application with auto-restore off: the DataSource meets the missing database,
    // which shows the first test's order is the gate's doing.
    TestRepo repo = TestRepo.create(tmp);
    Path db = TestRepo.ledger(tmp.resolve("ledger.db"), 5);
    try (BulwarkRepository r = repo.open()) {
      r.backup(SqliteDatabase.at(db));
    }
    TestRepo.delete(db);
    EVENTS.clear();
    runner(repo, db, "bulwark.auto-restore=false", "bulwark.stream.enabled=false")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(EVENTS).containsExactly("datasource created; database missing");
        });
  }

  @Test
  void aDatabaseBehindItsStreamStopsTheStartWithOneLine() throws Exception {
    TestRepo repo = TestRepo.create(tmp);
    Path db = TestRepo.ledger(tmp.resolve("ledger.db"), 5);
    try (BulwarkRepository r = repo.open()) {
      try (Replicator rep = r.replicate(SqliteDatabase.at(db), ReplicationOptions.defaults())) {
        TestRepo.insert(db, 5, 10);
        rep.awaitDurable(Duration.ofSeconds(30));
      }
      Path older = TestRepo.copy(db, tmp.resolve("older.db"));
      try (Replicator rep = r.replicate(SqliteDatabase.at(db), ReplicationOptions.defaults())) {
        TestRepo.insert(db, 10, 20);
        rep.awaitDurable(Duration.ofSeconds(30));
      }
      TestRepo.delete(db);
      TestRepo.copy(older, db);
    }
    EVENTS.clear();

    runner(repo, db).run(context -> {
      assertThat(context).hasFailed();
      Throwable failure = context.getStartupFailure();
      FailureAnalysis analysis = new BulwarkFailureAnalyzer().analyze(failure);
      assertThat(analysis).isNotNull();
      assertThat(analysis.getDescription()).startsWith("Bulwark: start-up check refused ledger:")
          .contains("an earlier state").doesNotContain("\n");
      assertThat(analysis.getAction()).contains("--bulwark.startup.accept-older-database=true");
      // The application never opened the stale database.
      assertThat(EVENTS).isEmpty();
    });
    // Accepting it on purpose lets the same application start.
    runner(repo, db, "bulwark.startup.accept-older-database=true").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(EVENTS).containsExactly("datasource created; database holds 10 entries");
    });
  }
}
