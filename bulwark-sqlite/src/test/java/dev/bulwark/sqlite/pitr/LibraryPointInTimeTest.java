package dev.bulwark.sqlite.pitr;

import static dev.bulwark.sqlite.pitr.SqliteStreamFixture.at;
import static dev.bulwark.sqlite.pitr.SqliteStreamFixture.content;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.api.Database;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.restore.DatabaseRestorer.Outcome;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.sqlite.SqliteDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Point-in-time restore through the library facade a service embeds. */
class LibraryPointInTimeTest {
  @TempDir Path dir;

  @Test
  void aServiceRestoresAPastStateBesideItAndItsNewestStateAtStartUp() throws Exception {
    SqliteStreamFixture f = new SqliteStreamFixture(dir);
    Database app = SqliteDatabase.at(f.db);
    try (BulwarkRepository repo = Bulwark.repository(dir.resolve("repo"))
        .password(TestRepositories.PASSWORD.clone()).open()) {
      byte[] live = Files.readAllBytes(f.db);
      Path past = dir.resolve("past.db");
      DatabaseRestorer.Result r = repo.restore(app, ReplayTarget.at(at(31)), past);
      assertThat(r.replay().orElseThrow().reached().txid()).isEqualTo(5);
      assertThat(content(past)).isEqualTo(content(f.stream.stateAt(5)));
      assertThat(Files.readAllBytes(f.db)).isEqualTo(live);

      Files.delete(f.db);
      DatabaseRestorer.Result startUp = repo.restoreIfMissing(app);
      assertThat(startUp.outcome()).isEqualTo(Outcome.RESTORED);
      assertThat(startUp.replay().orElseThrow().reached().txid()).isEqualTo(9);
      assertThat(Files.mismatch(f.db, f.stream.stateAt(9))).isEqualTo(-1L);
    }
  }
}
