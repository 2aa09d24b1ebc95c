package dev.bulwark.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drill on a class restores once for all its tests, a drill on a method once for that test;
 * the copy and the connections to it are gone when the class or the test is done, passed or
 * failed, and the connection the test gets cannot change the copy.
 */
class DrillLifecycleTest {
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
    Seen.paths.clear();
    Seen.connections.clear();
    Seen.snapshotTimes.clear();
  }

  /** What the drills were handed, to look at once they are done. */
  static final class Seen {
    static final List<Path> paths = new CopyOnWriteArrayList<>();
    static final List<Connection> connections = new CopyOnWriteArrayList<>();
    static final Map<String, Instant> snapshotTimes = new ConcurrentHashMap<>();

    static void record(Path copy, Connection c) {
      assertThat(copy).isRegularFile();
      paths.add(copy);
      connections.add(c);
    }
  }

  @DrillUnderTest
  @RestoreDrill(repository = "${DRILL_REPO}", database = "${DRILL_DB}",
      passwordVariable = "DRILL_PASSWORD")
  static class ClassDrill {
    @Test
    void first(Path copy, Connection restored) {
      Seen.record(copy, restored);
    }

    @Test
    void secondCannotWrite(Path copy, Connection restored) {
      Seen.record(copy, restored);
      assertThatThrownBy(() -> {
        try (Statement s = restored.createStatement()) {
          s.execute("delete from entries");
        }
      }).isInstanceOf(SQLException.class).hasMessageContaining("readonly");
    }

    @Nested
    class Inner {
      @Test
      void seesTheSameCopy(Path copy, Connection restored) {
        Seen.record(copy, restored);
      }
    }
  }

  @Test
  void aClassDrillRestoresOnceAndDeletesTheCopyAfterTheClass() throws Exception {
    DrillRun.Outcome outcome = drill().run(ClassDrill.class);

    assertThat(outcome.failures()).isEmpty();
    assertThat(outcome.tests().succeeded().count()).isEqualTo(3);
    assertThat(Seen.paths).hasSize(3).containsOnly(Seen.paths.get(0));
    assertThat(Seen.paths.get(0)).doesNotExist();
    assertThat(tmp).isEmptyDirectory();
    for (Connection c : Seen.connections) {
      assertThat(c.isClosed()).isTrue();
    }
  }

  @DrillUnderTest
  static class MethodDrills {
    @Test
    @RestoreDrill(repository = "${DRILL_REPO}", database = "${DRILL_DB}",
        passwordVariable = "DRILL_PASSWORD")
    void one(Path copy, Connection restored) {
      Seen.record(copy, restored);
    }

    @Test
    @RestoreDrill(repository = "${DRILL_REPO}", database = "${DRILL_DB}",
        passwordVariable = "DRILL_PASSWORD")
    void another(Path copy, Connection restored) {
      Seen.record(copy, restored);
      throw new AssertionError("an invariant that does not hold");
    }
  }

  @Test
  void aMethodDrillRestoresForEachTestAndDeletesTheCopyAfterIt() throws Exception {
    DrillRun.Outcome outcome = drill().run(MethodDrills.class);

    assertThat(outcome.tests().succeeded().count()).isEqualTo(1);
    assertThat(outcome.failures()).containsExactly("an invariant that does not hold");
    assertThat(Seen.paths).hasSize(2).doesNotHaveDuplicates();
    assertThat(Seen.paths).allSatisfy(p -> assertThat(p).doesNotExist());
    assertThat(tmp).isEmptyDirectory();
    for (Connection c : Seen.connections) {
      assertThat(c.isClosed()).isTrue();
    }
  }

  @Test
  void aFailedClassDrillLeavesNoCopy() throws Exception {
    Ledgers.halfTransfer(db, "mallory", 5);
    Ledgers.backup(repo, db, "prod-1", MONDAY.plusSeconds(3600));

    DrillRun.Outcome outcome = drill().run(RestoreDrillTest.BalancesDrill.class);

    assertThat(outcome.failures()).hasSize(1);
    assertThat(tmp).isEmptyDirectory();
  }

  @DrillUnderTest
  @RestoreDrill(repository = "${DRILL_REPO}", database = "${DRILL_DB}",
      passwordVariable = "DRILL_PASSWORD", time = "2026-11-30T12:00:00Z")
  static class ShadowedDrill {
    @Test
    void classCopy(RestoredDatabase restored) {
      Seen.snapshotTimes.put("class", restored.snapshotTime());
    }

    @Test
    @RestoreDrill(repository = "${DRILL_REPO}", database = "${DRILL_DB}",
        passwordVariable = "DRILL_PASSWORD")
    void ownCopy(RestoredDatabase restored) {
      Seen.snapshotTimes.put("method", restored.snapshotTime());
    }
  }

  @Test
  void aMethodsDrillTakesThePlaceOfItsClasssForThatMethod() throws Exception {
    Instant tuesday = MONDAY.plus(java.time.Duration.ofDays(1));
    Ledgers.transfer(db, "bob", "carol", 5);
    Ledgers.backup(repo, db, "prod-1", tuesday);

    DrillRun.Outcome outcome = drill().run(ShadowedDrill.class);

    assertThat(outcome.failures()).isEmpty();
    assertThat(Seen.snapshotTimes).containsExactlyInAnyOrderEntriesOf(
        Map.of("class", MONDAY, "method", tuesday));
    assertThat(tmp).isEmptyDirectory();
  }

  @DrillUnderTest
  @RestoreDrill(repository = "${DRILL_REPO}", database = "${DRILL_DB}",
      passwordVariable = "DRILL_PASSWORD")
  static class LifecycleMethodsOfAClassDrill {
    LifecycleMethodsOfAClassDrill(Path copy) {
      Seen.paths.add(copy);
    }

    @BeforeAll
    static void before(Connection restored, Path copy) {
      Seen.record(copy, restored);
    }

    @Test
    void test(Path copy) {
      Seen.paths.add(copy);
    }

    @AfterAll
    static void after(RestoredDatabase restored) {
      Seen.paths.add(restored.path());
    }
  }

  @DrillUnderTest
  static class LifecycleMethodsOfAMethodDrill {
    @BeforeEach
    void before(Path copy) {
      Seen.paths.add(copy);
    }

    @Test
    @RestoreDrill(repository = "${DRILL_REPO}", database = "${DRILL_DB}",
        passwordVariable = "DRILL_PASSWORD")
    void test(Path copy) {
      Seen.paths.add(copy);
    }

    @AfterEach
    void after(Connection restored, Path copy) {
      Seen.record(copy, restored);
    }
  }

  @Test
  void lifecycleMethodsGetTheCopyToo() throws Exception {
    DrillRun.Outcome classDrill = drill().run(LifecycleMethodsOfAClassDrill.class);

    assertThat(classDrill.failures()).isEmpty();
    assertThat(classDrill.tests().succeeded().count()).isEqualTo(1);
    assertThat(Seen.paths).hasSize(4).containsOnly(Seen.paths.get(0));
    List<Path> first = List.copyOf(Seen.paths);
    Seen.paths.clear();

    DrillRun.Outcome methodDrill = drill().run(LifecycleMethodsOfAMethodDrill.class);

    assertThat(methodDrill.failures()).isEmpty();
    assertThat(Seen.paths).hasSize(3).containsOnly(Seen.paths.get(0))
        .doesNotContain(first.get(0));
    assertThat(tmp).isEmptyDirectory();
    for (Connection c : Seen.connections) {
      assertThat(c.isClosed()).isTrue();
    }
  }

  private DrillRun drill() {
    return new DrillRun().with("DRILL_REPO", repo.toString()).with("DRILL_DB", db.toString())
        .with("DRILL_PASSWORD", Ledgers.PASSWORD)
        .with(RestoreDrillExtension.TEMP_DIR_PARAMETER, tmp.toString());
  }
}
