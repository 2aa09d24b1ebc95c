package dev.bulwark.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drill that cannot restore fails with one line naming why, and never passes unnoticed; only
 * a drill that is not configured may be skipped, and only when it asks to be.
 */
class DrillFailuresTest {
  private static final Instant MONDAY = Instant.parse("2026-11-30T02:00:00Z");

  @TempDir Path dir;
  Path db;
  Path repo;
  Path tmp;

  @BeforeEach
  void backedUpLedger() throws Exception {
    db = Files.createDirectories(dir.resolve("srv/app")).resolve("ledger.db");
    repo = dir.resolve("repo");
    tmp = Files.createDirectories(dir.resolve("tmp"));
    Ledgers.create(db);
    Ledgers.transfer(db, "alice", "bob", 30);
    Ledgers.backup(repo, db, "prod-1", MONDAY);
  }

  /** Counts the tests it ran: none may run when the restore failed. */
  @DrillUnderTest
  @RestoreDrill(repository = "${DRILL_REPO}", database = "${DRILL_DB}",
      passwordVariable = "DRILL_PASSWORD", host = "${DRILL_HOST:}")
  static class Drill {
    @Test
    void restored(Path copy) {
      assertThat(copy).exists();
    }
  }

  /** As {@link Drill}, skipped where it is not configured. */
  @DrillUnderTest
  @RestoreDrill(repository = "${DRILL_REPO}", database = "${DRILL_DB}",
      passwordVariable = "DRILL_PASSWORD", skipIfUnavailable = true)
  static class OptionalDrill extends Drill {}

  @Test
  void wrongPasswordFailsWithOneLineNamingIt() throws Exception {
    DrillRun.Outcome outcome = drill().with("DRILL_PASSWORD", "not the password")
        .run(OptionalDrill.class);

    assertThat(outcome.tests().started().count()).isZero();
    assertThat(outcome.aborted()).isEmpty();
    assertThat(outcome.failures()).containsExactly("restore drill: wrong password for the"
        + " repository at " + repo + " (the password in DRILL_PASSWORD)");
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void missingRepositoryFailsEvenWhenTheDrillMayBeSkipped() throws Exception {
    DrillRun.Outcome outcome = drill().with("DRILL_REPO", dir.resolve("nothing").toString())
        .run(OptionalDrill.class);

    assertThat(outcome.tests().started().count()).isZero();
    assertThat(outcome.aborted()).isEmpty();
    assertThat(outcome.failures())
        .containsExactly("restore drill: no repository at " + dir.resolve("nothing"));
  }

  @Test
  void aDatabaseWithNoSnapshotFails() throws Exception {
    Path other = dir.resolve("srv/app/other.db");

    DrillRun.Outcome outcome = drill().with("DRILL_DB", other.toString()).run(Drill.class);

    assertThat(outcome.failures()).containsExactly("restore drill: the repository at " + repo
        + " has no snapshot of " + other);
  }

  @Test
  void aHostWithNoSnapshotFailsNamingTheHostsThatHaveSome() throws Exception {
    DrillRun.Outcome outcome = drill().with("DRILL_HOST", "prod-2").run(Drill.class);

    assertThat(outcome.failures()).containsExactly("restore drill: the repository at " + repo
        + " has no snapshot of " + db + " from host prod-2 (it has some from prod-1)");
  }

  @Test
  void theNamedHostsSnapshotIsRestored() throws Exception {
    DrillRun.Outcome outcome = drill().with("DRILL_HOST", "prod-1").run(Drill.class);

    assertThat(outcome.failures()).isEmpty();
    assertThat(outcome.tests().succeeded().count()).isEqualTo(1);
  }

  @Test
  void anUnconfiguredDrillThatMayBeSkippedIsAborted() {
    DrillRun.Outcome outcome = new DrillRun().with("DRILL_DB", db.toString())
        .with("DRILL_PASSWORD", Ledgers.PASSWORD).run(OptionalDrill.class);

    assertThat(outcome.failures()).isEmpty();
    assertThat(outcome.tests().started().count()).isZero();
    assertThat(outcome.aborted()).singleElement().asString()
        .startsWith("restore drill not configured: repository = \"${DRILL_REPO}\"")
        .contains("DRILL_REPO is set neither");
  }

  @Test
  void anUnconfiguredDrillFailsUnlessItMayBeSkipped() {
    // Empty, so that a BULWARK_PASSWORD_FILE in the environment is not taken.
    DrillRun.Outcome outcome = new DrillRun().with("DRILL_REPO", repo.toString())
        .with("DRILL_DB", db.toString()).with("BULWARK_PASSWORD_FILE", "")
        .run(Drill.class);

    assertThat(outcome.aborted()).isEmpty();
    assertThat(outcome.failures()).containsExactly("restore drill not configured: no password"
        + " (passwordFile is empty, and neither DRILL_PASSWORD nor BULWARK_PASSWORD_FILE is"
        + " set)");
  }

  @Test
  void aDamagedBackupFailsEvenWhenTheDrillMayBeSkipped() throws Exception {
    try (var files = Files.walk(repo.resolve("data"))) {
      for (Path pack : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(pack);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(pack, bytes);
      }
    }

    DrillRun.Outcome outcome = drill().run(OptionalDrill.class);

    assertThat(outcome.tests().started().count()).isZero();
    assertThat(outcome.aborted()).isEmpty();
    assertThat(outcome.failures()).singleElement().asString()
        .startsWith("restore drill: restoring " + db + " from " + repo + " failed: ")
        .contains("damaged data").doesNotContain("\n");
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void thePasswordFileNamedByBulwarkPasswordFileIsRead() throws Exception {
    Path file = Files.writeString(dir.resolve("password"), Ledgers.PASSWORD + "\n");

    DrillRun.Outcome outcome = new DrillRun().with("DRILL_REPO", repo.toString())
        .with("DRILL_DB", db.toString()).with("BULWARK_PASSWORD_FILE", file.toString())
        .with(RestoreDrillExtension.TEMP_DIR_PARAMETER, tmp.toString())
        .run(Drill.class);

    assertThat(outcome.failures()).isEmpty();
    assertThat(outcome.tests().succeeded().count()).isEqualTo(1);
  }

  @Test
  void aMalformedTimeFails() {
    DrillRun.Outcome outcome = drill().run(BadTimeDrill.class);

    assertThat(outcome.failures()).containsExactly("restore drill: time = \"yesterday\" is not"
        + " an ISO-8601 instant such as 2026-12-01T08:00:00Z");
  }

  @DrillUnderTest
  @RestoreDrill(repository = "${DRILL_REPO}", database = "${DRILL_DB}",
      passwordVariable = "DRILL_PASSWORD", time = "yesterday", skipIfUnavailable = true)
  static class BadTimeDrill extends Drill {}

  private DrillRun drill() {
    return new DrillRun().with("DRILL_REPO", repo.toString()).with("DRILL_DB", db.toString())
        .with("DRILL_PASSWORD", Ledgers.PASSWORD)
        .with(RestoreDrillExtension.TEMP_DIR_PARAMETER, tmp.toString());
  }
}
