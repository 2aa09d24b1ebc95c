package dev.bulwark.sqlite;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.BackupResult;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.testing.Backups;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** A repository in a test folder, with fast scrypt, and the few calls tests make on it. */
final class TestRepo implements AutoCloseable {
  static final String PASSWORD = "sqlite-test-pw";
  final Path dir;
  final Repository repo;

  private TestRepo(Path dir, Repository repo) {
    this.dir = dir;
    this.repo = repo;
  }

  static TestRepo init(Path dir) throws IOException, BulwarkException {
    return new TestRepo(dir, Repository.init(LocalBackend.open(dir), password(),
        new Kdf.Params(1024, 8, 1)));
  }

  static TestRepo open(Path dir) throws IOException, BulwarkException {
    return new TestRepo(dir, Repository.open(LocalBackend.open(dir), password()));
  }

  static byte[] password() {
    return PASSWORD.getBytes(StandardCharsets.UTF_8);
  }

  BackupResult backup(Source... sources) throws IOException, BulwarkException {
    return backup(BackupOptions.defaults().withThreads(2), sources);
  }

  BackupResult backup(BackupOptions options, Source... sources)
      throws IOException, BulwarkException {
    return Backups.underLock(repo, new Archiver(repo, options, new Progress()), List.of(sources));
  }

  DatabaseRestorer.Result restore(Snapshot snapshot, Path target)
      throws IOException, BulwarkException {
    return new DatabaseRestorer(repo, new SqliteKind(), 2, new Progress())
        .restore(SnapshotRef.id(snapshot.id().toString()), target);
  }

  @Override
  public void close() throws IOException {
    repo.close();
  }
}
