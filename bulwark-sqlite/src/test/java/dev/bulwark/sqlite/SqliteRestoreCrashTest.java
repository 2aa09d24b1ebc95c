package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a restore, at several points, leaves either the old or the new database at the
 * target: whole, never a mix, never nothing, and never with a stale WAL applied to it. The
 * restore runs in a child JVM; the test watches the target's folder and kills the child the
 * moment the restore reaches a step.
 */
@Slow
class SqliteRestoreCrashTest {
  private static final String NAME = "app.db";
  /** The staging copy once written: {@code .<name>.bulwark-staging-<pid>-tmp-<16 hex>}. */
  private static final String STAGING = "^\\.app\\.db\\.bulwark-staging-\\d+-tmp-\\p{XDigit}{16}";

  @TempDir static Path shared;
  private static Path repoDir;
  private static String snapshotId;
  private static String newDigest;
  private static final Map<OldDatabase, String> OLD_DIGESTS = new EnumMap<>(OldDatabase.class);

  @TempDir Path dir;

  /** The database a restore replaces. */
  enum OldDatabase {
    /** WAL mode, with commits still in the WAL: its writer was killed before checkpointing. */
    WAL_WITH_FRAMES,
    /** Rollback-journal mode, cleanly closed. */
    ROLLBACK_JOURNAL
  }

  /** When to kill the restore. */
  enum Trigger {
    STAGING_BEING_WRITTEN,
    STAGING_BEING_VERIFIED,
    PROBING_BEFORE_SWAP,
    /** The old database's WAL was checkpointed and deleted; nothing is linked yet. */
    OLD_WAL_CHECKPOINTED,
    OLD_DATABASE_LINKED,
    TARGET_REPLACED,
    AFTER_1300_MS
  }

  @BeforeAll
  static void prepare() throws Exception {
    Path newDb = Files.createDirectories(shared.resolve("new")).resolve(NAME);
    Bank.create(newDb, "wal", 16_000, "new");
    repoDir = shared.resolve("repo");
    try (TestRepo repo = TestRepo.init(repoDir)) {
      snapshotId = repo.backup(SqliteSource.of(newDb)).snapshot().id().toString();
    }
    newDigest = Bank.audit(newDb).digest();

    Path wal = template(OldDatabase.WAL_WITH_FRAMES);
    Bank.create(wal, "wal", 100, "old");
    Sqlite3Shell.runAndKill(wal, "PRAGMA wal_autocheckpoint=0; BEGIN;"
        + " UPDATE accounts SET balance = balance - 7 WHERE id = 1;"
        + " UPDATE accounts SET balance = balance + 7 WHERE id = 2;"
        + " INSERT INTO ledger(src, dst, amount) VALUES(1, 2, 7);"
        + " INSERT INTO marker VALUES('in-wal'); COMMIT;");
    assertThat(Files.size(Sidecar.WAL.of(wal))).as("commits left in the WAL").isPositive();
    Files.deleteIfExists(Sidecar.SHM.of(wal));
    Bank.create(template(OldDatabase.ROLLBACK_JOURNAL), "delete", 100, "old");
    for (OldDatabase old : OldDatabase.values()) {
      Path probe = Files.createDirectories(shared.resolve("digest-" + old)).resolve(NAME);
      install(old, probe);
      OLD_DIGESTS.put(old, Bank.audit(probe).digest());
    }
    assertThat(OLD_DIGESTS.get(OldDatabase.WAL_WITH_FRAMES)).contains("in-wal");
  }

  private static Path template(OldDatabase old) throws Exception {
    return Files.createDirectories(shared.resolve("template-" + old)).resolve(NAME);
  }

  /** Puts a fresh copy of an old database (and its WAL) at {@code target}. */
  private static void install(OldDatabase old, Path target) throws Exception {
    Path t = template(old);
    Files.copy(t, target, StandardCopyOption.REPLACE_EXISTING);
    if (Sidecar.WAL.existsFor(t)) {
      Files.copy(Sidecar.WAL.of(t), Sidecar.WAL.of(target), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  void killedRestoreLeavesTheOldOrTheNewDatabaseWhole() throws Exception {
    List<String> outcomes = new ArrayList<>();
    boolean sawOld = false;
    boolean sawNew = false;
    for (OldDatabase old : OldDatabase.values()) {
      for (Trigger trigger : Trigger.values()) {
        if (trigger == Trigger.OLD_WAL_CHECKPOINTED && old != OldDatabase.WAL_WITH_FRAMES) {
          continue;
        }
        Path folder = Files.createDirectories(dir.resolve(old + "-" + trigger));
        Path target = folder.resolve(NAME);
        install(old, target);
        Object inode = Files.getAttribute(target, "unix:ino");
        long t0 = System.nanoTime();
        boolean killed = runAndKill(folder, target, trigger, inode);
        if (trigger == Trigger.STAGING_BEING_WRITTEN) {
          // Writing 16 MB takes long enough that a 1 ms watch cannot miss it; if this trigger
          // never fires, the names it watches for are out of date and the test proves little.
          assertThat(killed).as("%s: the kill while the staging copy is written fired", old)
              .isTrue();
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        List<String> left = names(folder);

        assertThat(target).as("%s/%s: a database is at the target", old, trigger).exists();
        Bank.Audit audit = Bank.audit(target);
        assertThat(audit.consistent()).as("%s/%s: %s", old, trigger, audit).isTrue();
        assertThat(audit.digest()).as("%s/%s: the old or the new database", old, trigger)
            .isIn(OLD_DIGESTS.get(old), newDigest);
        for (Path kept : keptDatabases(folder)) {
          assertThat(Bank.audit(kept).digest()).as("%s/%s: kept %s", old, trigger, kept)
              .isEqualTo(OLD_DIGESTS.get(old));
        }
        boolean isNew = audit.digest().equals(newDigest);
        sawOld |= !isNew;
        sawNew |= isNew;
        outcomes.add(old + "/" + trigger + ": " + (killed ? "killed" : "finished") + " at "
            + millis + " ms, " + (isNew ? "new" : "old") + " database; files then: " + left);
      }
    }
    outcomes.forEach(System.out::println);
    assertThat(sawOld).as("some kill came before the swap").isTrue();
    assertThat(sawNew).as("some kill came after the swap").isTrue();
  }

  /** Runs the restore and kills it when {@code trigger} fires; true if it was killed. */
  private boolean runAndKill(Path folder, Path target, Trigger trigger, Object inode)
      throws Exception {
    Path stderr = folder.resolveSibling(folder.getFileName() + ".err");
    long start = System.nanoTime();
    Process p = ChildJvm.start(stderr, RestoreChild.class, repoDir.toString(), snapshotId,
        target.toString());
    try {
      while (!p.waitFor(1, TimeUnit.MILLISECONDS)) {
        if (fired(trigger, folder, target, inode, start)) {
          p.destroyForcibly();
          assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
          return true;
        }
      }
      assertThat(p.exitValue()).as("restore failed: %s", Files.readString(stderr)).isZero();
      return false;
    } finally {
      p.destroyForcibly();
    }
  }

  private static boolean fired(Trigger trigger, Path folder, Path target, Object inode,
      long start) throws Exception {
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    return switch (trigger) {
      case STAGING_BEING_WRITTEN -> has(folder, STAGING + "-tmp-\\p{XDigit}+$");
      case STAGING_BEING_VERIFIED -> has(folder, STAGING + "$");
      case PROBING_BEFORE_SWAP -> has(folder, STAGING + "$")
          && has(folder, "^\\.app\\.db\\.bulwark-probe-.*");
      case OLD_WAL_CHECKPOINTED -> !Sidecar.WAL.existsFor(target) && has(folder, STAGING + "$");
      case OLD_DATABASE_LINKED -> has(folder, "^app\\.db\\.bulwark-old-.*");
      case TARGET_REPLACED -> Files.exists(target, LinkOption.NOFOLLOW_LINKS)
          && !inode.equals(Files.getAttribute(target, "unix:ino", LinkOption.NOFOLLOW_LINKS));
      case AFTER_1300_MS -> elapsedMillis >= 1300;
    };
  }

  private static boolean has(Path folder, String regex) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.anyMatch(p -> p.getFileName().toString().matches(regex));
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString().replaceAll("[0-9a-f]{16}", "*")).sorted()
          .toList();
    }
  }

  private static List<Path> keptDatabases(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().matches("^app\\.db\\.bulwark-old-[^-]+"
          + "(-\\d+)?$")).toList();
    }
  }
}
