package dev.bulwark.sqlite;

import static dev.bulwark.core.testing.Sqlite.rows;
import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotNotFoundException;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.api.CheckDepth;
import dev.bulwark.core.api.Database;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.prune.PruneOptions;
import dev.bulwark.core.prune.PruneResult;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.restore.DatabaseRestorer.Outcome;
import dev.bulwark.core.restore.RestoreOption;
import dev.bulwark.core.retention.ForgetPlan;
import dev.bulwark.core.retention.RetentionPolicy;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library facade as a service uses it, on real SQLite databases and a real repository:
 * restore by each kind of snapshot reference, restore at start-up, two instances on one
 * repository, check, forget, prune, progress and cancellation.
 */
class LibraryFacadeTest {
  @TempDir Path dir;
  private Path dbPath;
  private Database app;

  @BeforeEach
  void database() throws Exception {
    dbPath = dir.resolve("srv/app.db");
    Files.createDirectories(dbPath.getParent());
    app = SqliteDatabase.at(dbPath);
    sql(dbPath, "create table t(x, pad)", "insert into t values (1, randomblob(3000))");
  }

  private BulwarkRepository open() throws Exception {
    return open(new Progress());
  }

  private BulwarkRepository open(Progress progress) throws Exception {
    return Bulwark.repository(dir.resolve("repo")).password("pw".getBytes())
        .createIfMissing(true).keyDerivation(new Kdf.Params(1024, 8, 1)).progress(progress)
        .open();
  }

  @Test
  void restoresByLatestIdAndTimeAndAtStartUp() throws Exception {
    try (BulwarkRepository repo = open()) {
      Snapshot first = repo.backup(app);
      sql(dbPath, "insert into t values (2, randomblob(3000))");
      Snapshot second = repo.backup(app);
      assertThat(repo.snapshots(app)).extracting(Snapshot::id)
          .containsExactly(first.id(), second.id());

      DatabaseRestorer.Result present = repo.restoreIfMissing(app);
      assertThat(present.outcome()).isEqualTo(Outcome.SKIPPED_DB_EXISTS);
      assertThat(present.snapshot()).isEmpty();
      assertThat(rows(dbPath, "t")).isEqualTo(2);

      sql(dbPath, "insert into t values (3, randomblob(3000))");
      DatabaseRestorer.Result older = repo.restore(app, SnapshotRef.at(first.time()));
      assertThat(older.outcome()).isEqualTo(Outcome.RESTORED);
      assertThat(older.snapshot()).map(Snapshot::id).contains(first.id());
      assertThat(rows(dbPath, "t")).isEqualTo(1);
      assertThat(rows(older.previous().orElseThrow(), "t")).as("the replaced database is kept")
          .isEqualTo(3);

      repo.restore(app, SnapshotRef.id(second.id().toString().substring(0, 8)));
      assertThat(rows(dbPath, "t")).isEqualTo(2);
      repo.restore(app, SnapshotRef.at(first.time()));
      repo.restore(app, SnapshotRef.latest());
      assertThat(rows(dbPath, "t")).isEqualTo(2);

      Files.delete(dbPath);
      DatabaseRestorer.Result missing = repo.restoreIfMissing(app);
      assertThat(missing.outcome()).isEqualTo(Outcome.RESTORED);
      assertThat(missing.snapshot()).map(Snapshot::id).contains(second.id());
      assertThat(missing.previous()).isEmpty();
      assertThat(rows(dbPath, "t")).isEqualTo(2);
    }
  }

  @Test
  void namesWhatIsNotThere() throws Exception {
    try (BulwarkRepository repo = open()) {
      Snapshot first = repo.backup(app);
      Database other = SqliteDatabase.at(dir.resolve("srv/other.db"));
      assertThat(repo.snapshots(other)).isEmpty();
      assertThatThrownBy(() -> repo.restore(app, SnapshotRef.id("deadbeef")))
          .isInstanceOf(SnapshotNotFoundException.class).hasMessageContaining("deadbeef");
      assertThatThrownBy(() -> repo.restore(app, SnapshotRef.id("latest")))
          .as("an id is an id: no magic word").hasMessageContaining("not a snapshot id");
      assertThatThrownBy(() -> repo.restore(other, SnapshotRef.latest()))
          .isInstanceOf(SnapshotNotFoundException.class)
          .hasMessageContaining("no snapshot of " + dir.resolve("srv/other.db"));
      assertThatThrownBy(() -> repo.restore(app, SnapshotRef.at(first.time().minusSeconds(1))))
          .isInstanceOf(SnapshotNotFoundException.class).hasMessageContaining("at or before");
      assertThat(repo.restore(other, SnapshotRef.latest(), RestoreOption.IF_REPLICA_EXISTS)
          .outcome()).isEqualTo(Outcome.SKIPPED_NO_SNAPSHOT);
      assertThat(dir.resolve("srv/other.db")).doesNotExist();
    }
  }

  /**
   * A long-lived instance restores what another instance (another process, in production)
   * backed up after it was opened: its snapshot and the packs that only the new index names.
   */
  @Test
  void aLongLivedInstanceSeesWhatAnotherWrote() throws Exception {
    try (BulwarkRepository writer = open()) {
      writer.backup(app);
      try (BulwarkRepository service = open()) {
        sql(dbPath, "insert into t values (2, randomblob(3000)), (3, randomblob(3000))");
        Snapshot newer = writer.backup(app);
        Files.delete(dbPath);
        DatabaseRestorer.Result r = service.restoreIfMissing(app);
        assertThat(r.snapshot()).map(Snapshot::id).contains(newer.id());
        assertThat(rows(dbPath, "t")).isEqualTo(3);
        assertThat(service.snapshots(app)).hasSize(2);
      }
    }
  }

  @Test
  void checksForgetsAndPrunesWithProgress() throws Exception {
    AtomicLong heard = new AtomicLong();
    Progress progress = new Progress(p -> heard.set(p.doneBytes()));
    try (BulwarkRepository repo = open(progress)) {
      for (int i = 2; i <= 4; i++) {
        repo.backup(app);
        sql(dbPath, "update t set pad = randomblob(3000)", "insert into t values (" + i
            + ", randomblob(3000))");
      }
      Snapshot last = repo.backup(app);
      assertThat(progress.doneBytes()).as("backups count their bytes").isPositive();
      assertThat(heard.get()).as("the listener heard of them").isPositive();
      assertThat(repo.check(CheckDepth.READ_DATA).ok()).isTrue();

      ForgetPlan plan = repo.forget(app, RetentionPolicy.builder().last(1).build());
      assertThat(plan.removed()).hasSize(3);
      assertThat(repo.snapshots(app)).extracting(Snapshot::id).containsExactly(last.id());

      PruneResult pruned = repo.prune(PruneOptions.defaults().withMaxUnusedPercent(0));
      assertThat(pruned.nothingToDo()).isFalse();
      assertThat(pruned.unusedBlobs()).isPositive();
      assertThat(repo.check(CheckDepth.READ_DATA).ok()).isTrue();
      assertThat(repo.prune(PruneOptions.defaults().withMaxUnusedPercent(0)).nothingToDo())
          .isTrue();
      Files.delete(dbPath);
      repo.restoreIfMissing(app);
      assertThat(rows(dbPath, "t")).isEqualTo(4);
    }
  }

  /** Cancellation is an interrupt: the backup stops, writes no snapshot, and the repo is fine. */
  @Test
  void anInterruptedBackupWritesNoSnapshot() throws Exception {
    try (BulwarkRepository repo = open()) {
      repo.backup(app);
      sql(dbPath, "insert into t values (2, randomblob(3000))");
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> repo.backup(app)).isInstanceOf(InterruptedIOException.class);
        assertThat(Thread.currentThread().isInterrupted()).as("the flag stays set").isTrue();
      } finally {
        Thread.interrupted();
      }
      assertThat(repo.snapshots()).hasSize(1);
      assertThat(repo.check(CheckDepth.STRUCTURE).ok()).isTrue();
      assertThat(repo.backup(app)).isNotNull();
      assertThat(repo.snapshots()).hasSize(2);
    }
  }
}
