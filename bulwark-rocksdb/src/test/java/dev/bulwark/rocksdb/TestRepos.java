package dev.bulwark.rocksdb;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.BackupResult;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.restore.DatabaseKind;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.testing.Backups;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Test repositories: cheap scrypt, one password, backups and restores in one line. */
final class TestRepos {
  static final String PASSWORD = "rocks-test-password";

  private TestRepos() {}

  static Repository init(Path dir) throws IOException, BulwarkException {
    return Repository.init(LocalBackend.open(dir), password(), new Kdf.Params(1024, 8, 1));
  }

  static Repository open(Path dir) throws IOException, BulwarkException {
    return Repository.open(LocalBackend.open(dir), password());
  }

  static byte[] password() {
    return PASSWORD.getBytes(StandardCharsets.UTF_8);
  }

  static BackupResult backup(Repository repo, Source source) throws IOException,
      BulwarkException {
    return backup(repo, BackupOptions.defaults(), source);
  }

  static BackupResult backup(Repository repo, BackupOptions options, Source source)
      throws IOException, BulwarkException {
    return Backups.underLock(repo, new Archiver(repo, options, new Progress()), List.of(source));
  }

  static DatabaseRestorer restorer(Repository repo, DatabaseKind kind) {
    return new DatabaseRestorer(repo, kind, 2, new Progress());
  }

  static DatabaseRestorer restorer(Repository repo) {
    return restorer(repo, new RocksDbKind());
  }
}
