package dev.bulwark.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.Backups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseRestorerTest {
  private static final RestoreOption[] BOTH_CONDITIONS =
      {RestoreOption.IF_DB_NOT_EXISTS, RestoreOption.IF_REPLICA_EXISTS};
  @TempDir Path dir;

  /** A "database" that is one text file; healthy when it does not say "corrupt". */
  static class TextKind implements DatabaseKind {
    Path recovered;

    @Override
    public String name() {
      return "text";
    }

    @Override
    public void recover(Path target) throws IOException {
      recovered = target;
      Path old = target.resolveSibling(target.getFileName() + ".half-swapped");
      if (Files.exists(old) && !Files.exists(target)) {
        Files.move(old, target); // what an interrupted swap of this kind would leave
      }
    }

    @Override
    public void checkNotInUse(Path target) {}

    @Override
    public void verify(Path staged) throws IOException, BulwarkException {
      if (Files.readString(staged).contains("corrupt")) {
        throw new BulwarkException("integrity check failed: corrupt");
      }
    }

    @Override
    public Path swap(Path staged, Path target) throws IOException {
      Path kept = null;
      if (Files.exists(target)) {
        kept = target.resolveSibling(target.getFileName() + ".bulwark-old");
        Files.createLink(kept, target);
      }
      AtomicFiles.moveIntoPlace(staged, target);
      return kept;
    }
  }

  private Repository repoWithSnapshotOf(Path db, String content, String kind) throws Exception {
    Files.writeString(db, content);
    Repository r = Repository.init(LocalBackend.open(dir.resolve("repo")), "pw".getBytes(),
        new Kdf.Params(1024, 8, 1));
    Backups.underLock(r, new Archiver(r, BackupOptions.defaults().withTags(new DatabaseTags(kind,
        db.toString(), Map.of()).toTags()), new Progress()), List.of(FileSource.of(db)));
    return r;
  }

  @Test
  void restoresVerifiedCopyAndKeepsThePreviousDatabase() throws Exception {
    Path db = dir.resolve("app.txt");
    try (Repository r = repoWithSnapshotOf(db, "version 1", "text")) {
      Files.writeString(db, "version 2");
      TextKind kind = new TextKind();
      DatabaseRestorer.Result res = new DatabaseRestorer(r, kind, 1, new Progress())
          .restore(SnapshotRef.latest(), db);
      assertThat(res.outcome()).isEqualTo(DatabaseRestorer.Outcome.RESTORED);
      assertThat(Files.readString(db)).isEqualTo("version 1");
      assertThat(Files.readString(res.previous().orElseThrow())).isEqualTo("version 2");
      assertThat(kind.recovered).isEqualTo(db);
      try (var s = Files.list(dir)) {
        assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("staging"));
      }
    }
  }

  @Test
  void skipsWhenAskedAndRefusesOtherKinds() throws Exception {
    Path db = dir.resolve("app.txt");
    try (Repository r = repoWithSnapshotOf(db, "v1", "text")) {
      DatabaseRestorer restorer = new DatabaseRestorer(r, new TextKind(), 1, new Progress());
      assertThat(restorer.restore(SnapshotRef.latest(), db,
          BOTH_CONDITIONS).outcome())
          .isEqualTo(DatabaseRestorer.Outcome.SKIPPED_DB_EXISTS);
      Path other = dir.resolve("other.txt");
      assertThat(restorer.restore(SnapshotRef.latest(), other,
          BOTH_CONDITIONS).outcome())
          .isEqualTo(DatabaseRestorer.Outcome.SKIPPED_NO_SNAPSHOT);
      assertThat(other).doesNotExist();
      assertThatThrownBy(() -> restorer.restore(SnapshotRef.latest(), other))
          .hasMessageContaining("no snapshot of " + other);
      DatabaseKind sqlite = new TextKind() {
        @Override
        public String name() {
          return "sqlite";
        }
      };
      assertThatThrownBy(() -> new DatabaseRestorer(r, sqlite, 1, new Progress())
          .restore(SnapshotRef.id(r.findSnapshot("latest").id().toString()), db))
          .hasMessageContaining("is a text snapshot, not sqlite");
    }
  }

  @Test
  void failedVerificationLeavesTheTargetAndRemovesTheStagingCopy() throws Exception {
    Path db = dir.resolve("app.txt");
    try (Repository r = repoWithSnapshotOf(db, "corrupt page", "text")) {
      Files.writeString(db, "good current database");
      assertThatThrownBy(() -> new DatabaseRestorer(r, new TextKind(), 1, new Progress())
          .restore(SnapshotRef.latest(), db)).hasMessageContaining("integrity check failed");
      assertThat(Files.readString(db)).isEqualTo("good current database");
      try (var s = Files.list(dir)) {
        assertThat(s.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrder("app.txt", "repo");
      }
    }
  }

  @Test
  void recoversAnInterruptedSwapBeforeDecidingWhetherADatabaseExists() throws Exception {
    Path db = dir.resolve("app.txt");
    try (Repository r = repoWithSnapshotOf(db, "from backup", "text")) {
      // A swap was interrupted with the live database moved aside: it exists, restore nothing.
      Files.move(db, dir.resolve("app.txt.half-swapped"));
      Files.writeString(db.resolveSibling("app.txt.half-swapped"), "live database");
      DatabaseRestorer.Result res = new DatabaseRestorer(r, new TextKind(), 1, new Progress())
          .restore(SnapshotRef.latest(), db, RestoreOption.IF_DB_NOT_EXISTS);
      assertThat(res.outcome()).isEqualTo(DatabaseRestorer.Outcome.SKIPPED_DB_EXISTS);
      assertThat(Files.readString(db)).isEqualTo("live database");
    }
  }

  @Test
  void removesStagingCopiesLeftByDeadRestores() throws Exception {
    Path db = dir.resolve("app.txt");
    try (Repository r = repoWithSnapshotOf(db, "v1", "text")) {
      Path dead = Files.createDirectories(dir.resolve(".app.txt.bulwark-staging-999999999-tmp-ab"));
      Files.writeString(dead.resolve("junk"), "left by a kill -9");
      Path live = Files.createDirectories(dir.resolve(".app.txt.bulwark-staging-"
          + ProcessHandle.current().parent().orElseThrow().pid() + "-tmp-cd"));
      new DatabaseRestorer(r, new TextKind(), 1, new Progress())
          .restore(SnapshotRef.latest(), db);
      assertThat(dead).doesNotExist();
      assertThat(live).exists();
    }
  }
  private static void backupAs(Repository r, Path db, String content, String host)
      throws Exception {
    Files.writeString(db, content);
    Backups.underLock(r, new Archiver(r, BackupOptions.defaults().withHostname(host)
        .withTags(new DatabaseTags("text", db.toString(), Map.of()).toTags()), new Progress()),
        List.of(FileSource.of(db)));
  }

  /**
   * Two hosts back up a database at the same path into one repository (replicas of one
   * service): "latest" means this host's newest, never the other host's, even when the other
   * host's is newer; --host (forHost) chooses the other's on purpose.
   */
  @Test
  void latestMeansThisHostsNewestSnapshotOfTheDatabase() throws Exception {
    Path db = dir.resolve("app.txt");
    try (Repository r = Repository.init(LocalBackend.open(dir.resolve("repo")), "pw".getBytes(),
        new Kdf.Params(1024, 8, 1))) {
      backupAs(r, db, "node-a state", "node-a");
      backupAs(r, db, "node-b state", "node-b");
      Files.delete(db);
      DatabaseRestorer asA = new DatabaseRestorer(r, new TextKind(), 1, new Progress())
          .forHost("node-a");
      DatabaseRestorer.Result res = asA.restore(SnapshotRef.latest(), db,
          BOTH_CONDITIONS);
      assertThat(res.outcome()).isEqualTo(DatabaseRestorer.Outcome.RESTORED);
      assertThat(res.snapshot().orElseThrow().hostname()).isEqualTo("node-a");
      assertThat(Files.readString(db)).isEqualTo("node-a state");

      asA.forHost("node-b").restore(SnapshotRef.latest(), db);
      assertThat(Files.readString(db)).isEqualTo("node-b state");

      DatabaseRestorer asC = asA.forHost("node-c");
      Files.delete(db);
      assertThat(asC.restore(SnapshotRef.latest(), db,
          BOTH_CONDITIONS).outcome())
          .as("another host's copy is not restored unasked")
          .isEqualTo(DatabaseRestorer.Outcome.SKIPPED_NO_SNAPSHOT);
      assertThat(db).doesNotExist();
      assertThatThrownBy(() -> asC.restore(SnapshotRef.latest(), db))
          .isInstanceOf(BulwarkException.class)
          .hasMessageContaining("no snapshot of " + db + " from host node-c")
          .hasMessageContaining("node-a, node-b").hasMessageContaining("--host");
    }
  }

  /**
   * A database snapshot holding a symbolic link (here a "folder database" with a link to a file
   * outside it) is refused before the database is opened or verified: opening it would read
   * whatever the link names on this machine.
   */
  @Test
  void aDatabaseSnapshotHoldingASymlinkIsRefusedBeforeItIsOpened() throws Exception {
    Path db = Files.createDirectories(dir.resolve("folder-db"));
    Files.writeString(db.resolve("CURRENT"), "MANIFEST-1");
    Path secret = Files.writeString(dir.resolve("secret"), "not the database's");
    Files.createSymbolicLink(db.resolve("OPTIONS-1"), secret);
    boolean[] verified = {false};
    DatabaseKind folderKind = new TextKind() {
      @Override
      public void verify(Path staged) {
        verified[0] = true;
      }
    };
    try (Repository r = Repository.init(LocalBackend.open(dir.resolve("repo")), "pw".getBytes(),
        new Kdf.Params(1024, 8, 1))) {
      Backups.underLock(r, new Archiver(r, BackupOptions.defaults().withTags(new DatabaseTags(
          "text", db.toString(), Map.of()).toTags()), new Progress()), List.of(FileSource.of(db)));
      Path target = dir.resolve("restored-db");
      assertThatThrownBy(() -> new DatabaseRestorer(r, folderKind, 1, new Progress())
          .restore(SnapshotRef.id(r.snapshots().get(0).id().toString()), target))
          .isInstanceOf(BulwarkException.class).hasMessageContaining("symbolic link")
          .hasMessageContaining("OPTIONS-1");
      assertThat(verified[0]).as("never opened").isFalse();
      assertThat(target).doesNotExist();
      try (var s = Files.list(dir)) {
        assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("staging"));
      }
    }
  }
}
