package dev.bulwark.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.backend.Backends;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.s3.testing.S3ProxyServer;
import dev.bulwark.sqlite.SqliteDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drill of a repository in a bucket, on a real S3 server on 127.0.0.1 (s3proxy): with
 * bulwark-s3 on the class path an {@code s3:} location opens, its settings and credentials
 * given as configuration parameters here as a CI would give them as environment variables.
 */
@Slow
class S3DrillTest {
  @TempDir Path dir;

  @Test
  void aDrillRestoresFromTheBucket() throws Exception {
    Path db = Files.createDirectories(dir.resolve("srv")).resolve("ledger.db");
    Ledgers.create(db);
    Ledgers.transfer(db, "alice", "bob", 30);
    try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"))) {
      String location = s3.repository("ledger");
      try (BulwarkRepository r = Bulwark.repository(Backends.open(location, s3.env()))
          .password(Ledgers.PASSWORD.getBytes(StandardCharsets.UTF_8)).createIfMissing(true)
          .keyDerivation(TestRepositories.FAST_KDF).open()) {
        r.backup(SqliteDatabase.at(db));
      }
      DrillRun run = new DrillRun().with("DRILL_REPO", location).with("DRILL_DB", db.toString())
          .with("DRILL_PASSWORD", Ledgers.PASSWORD)
          .with(RestoreDrillExtension.TEMP_DIR_PARAMETER, dir.resolve("tmp").toString());
      for (Map.Entry<String, String> e : s3.env().entrySet()) {
        run.with(e.getKey(), e.getValue());
      }

      DrillRun.Outcome outcome = run.run(RestoreDrillTest.BalancesDrill.class);

      assertThat(outcome.failures()).isEmpty();
      assertThat(outcome.tests().succeeded().count()).isEqualTo(1);
      assertThat(dir.resolve("tmp")).isEmptyDirectory();

      DrillRun.Outcome wrongKey = run.with("AWS_SECRET_ACCESS_KEY", "not the key")
          .with("BULWARK_S3_ATTEMPTS", "1").run(RestoreDrillTest.BalancesDrill.class);
      assertThat(wrongKey.failures()).singleElement().asString()
          .startsWith("restore drill: ").contains(location, "HTTP 403").doesNotContain("\n");
    }
  }
}
