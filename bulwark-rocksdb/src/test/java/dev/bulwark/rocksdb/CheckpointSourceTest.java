package dev.bulwark.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.Progress;
import dev.bulwark.core.SourceException;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.backup.SourceEntry;
import dev.bulwark.core.backup.SourceView;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.Backups;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** The in-process source: a checkpoint beside the database, recorded as the database. */
class CheckpointSourceTest {
  @TempDir Path dir;

  @Test
  void viewRecordsTheDatabasePathsAndHoldsAPrivateCheckpointUntilClosed() throws Exception {
    Path dbPath = dir.resolve("db");
    try (Options o = new Options().setCreateIfMissing(true);
        RocksDB db = RocksDB.open(o, dbPath.toString())) {
      for (int i = 0; i < 1_000; i++) {
        db.put(("k" + i).getBytes(StandardCharsets.UTF_8), new byte[100]);
      }
      SourceView view = RocksDbSource.of(db).open();
      List<Path> checkpoints = checkpointFolders();
      assertThat(checkpoints).hasSize(1);
      Path holder = checkpoints.get(0);
      assertThat(holder.getFileName().toString())
          .startsWith(".db.bulwark-checkpoint-" + ProcessHandle.current().pid() + "-");
      assertThat(Files.getPosixFilePermissions(holder))
          .isEqualTo(PosixFilePermissions.fromString("rwx------"));

      List<SourceEntry> entries = new ArrayList<>();
      view.visit(entries::add);
      assertThat(view.paths()).containsExactly(dbPath.toString());
      assertThat(entries.get(0).path()).isEqualTo(dbPath);
      assertThat(entries.get(0).kind()).isEqualTo(SourceEntry.Kind.DIR);
      assertThat(entries).allMatch(e -> e.path().startsWith(dbPath));
      assertThat(entries).extracting(e -> e.path().getFileName().toString())
          .contains("CURRENT").anyMatch(n -> n.startsWith("MANIFEST-"))
          .anyMatch(n -> n.startsWith("OPTIONS-")).anyMatch(n -> n.endsWith(".sst"));
      DatabaseTags tags = DatabaseTags.fromTags(view.tags()).orElseThrow();
      assertThat(tags.path()).isEqualTo(dbPath.toString());
      assertThat(tags.properties()).containsEntry("sequence", "1000")
          .containsEntry("column-families", "1").containsEntry("capture", "checkpoint");

      view.close();
      assertThat(holder).doesNotExist();
      view.close(); // idempotent
      assertThatThrownBy(() -> view.visit(e -> { })).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void checkpointIsDeletedWhenTheBackupFailsAfterTakingIt() throws Exception {
    Path dbPath = dir.resolve("db");
    try (Options o = new Options().setCreateIfMissing(true);
        RocksDB db = RocksDB.open(o, dbPath.toString());
        Repository repo = TestRepos.init(dir.resolve("repo"))) {
      db.put(new byte[] {1}, new byte[] {2});
      // The archiver opens every source before reading any: the second one fails to open
      // after the checkpoint was taken.
      Archiver archiver = new Archiver(repo, BackupOptions.defaults(), new Progress());
      assertThatThrownBy(() -> Backups.underLock(repo, archiver, List.of(RocksDbSource.of(db),
          FileSource.of(dir.resolve("missing"))))).isInstanceOf(SourceException.class);
      assertThat(checkpointFolders()).isEmpty();
      assertThat(TestFolders.names(dir)).containsExactly("db", "repo");
    }
  }

  @Test
  void checkpointLeftByADeadProcessIsRemovedByTheNextBackup() throws Exception {
    Path dbPath = dir.resolve("db");
    // A pid above Linux's maximum (2^22) belongs to no process; ours is alive.
    Path stale = Files.createDirectories(dir.resolve(".db.bulwark-checkpoint-99999999-1/x"))
        .getParent();
    Files.writeString(stale.resolve("x/000001.sst"), "pinned");
    Path live = Files.createDirectories(dir.resolve(".db.bulwark-checkpoint-"
        + ProcessHandle.current().pid() + "-other"));
    try (Options o = new Options().setCreateIfMissing(true);
        RocksDB db = RocksDB.open(o, dbPath.toString());
        Repository repo = TestRepos.init(dir.resolve("repo"))) {
      db.put(new byte[] {1}, new byte[] {2});
      Snapshot s = TestRepos.backup(repo, RocksDbSource.of(db)).snapshot();
      assertThat(s.paths()).containsExactly(dbPath.toString());
    }
    assertThat(stale).doesNotExist();
    assertThat(live).isDirectory();
  }

  private List<Path> checkpointFolders() throws IOException {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().contains(".bulwark-checkpoint-")).toList();
    }
  }
}
