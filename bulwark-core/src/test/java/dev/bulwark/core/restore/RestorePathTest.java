package dev.bulwark.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.Backups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestorePathTest {
  @TempDir Path dir;

  @Test
  void restoresOneFileOrFolderToAnExactDestination() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/db"));
    byte[] big = new byte[300_000];
    new Random(9).nextBytes(big);
    Files.write(src.resolve("data.bin"), big);
    Files.writeString(src.resolve("CURRENT"), "MANIFEST-000001\n");
    try (Repository r = Repository.init(LocalBackend.open(dir.resolve("repo")),
        "pw".getBytes(), new Kdf.Params(1024, 8, 1))) {
      Snapshot s = Backups.underLock(r, new Archiver(r,
          BackupOptions.defaults().withChunkBytes(64 * 1024), new Progress()),
          List.of(FileSource.of(dir.resolve("src")))).snapshot();
      Restorer restorer = new Restorer(r, 2, new Progress());

      Path file = dir.resolve("staging-file");
      restorer.restorePath(s, src.resolve("data.bin").toString(), file);
      assertThat(Files.readAllBytes(file)).isEqualTo(big);

      Path folder = dir.resolve("staging-dir");
      RestoreResult res = restorer.restorePath(s, src.toString(), folder);
      assertThat(res.files()).isEqualTo(2);
      assertThat(Files.readAllBytes(folder.resolve("data.bin"))).isEqualTo(big);
      assertThat(Files.readString(folder.resolve("CURRENT"))).isEqualTo("MANIFEST-000001\n");

      assertThatThrownBy(() -> restorer.restorePath(s, src.resolve("nope").toString(),
          dir.resolve("x"))).isInstanceOf(BulwarkException.class).hasMessageContaining("has no");
      assertThatThrownBy(() -> restorer.restorePath(s, src.resolve("data.bin/deeper").toString(),
          dir.resolve("y"))).isInstanceOf(BulwarkException.class);
      assertThatThrownBy(() -> restorer.restorePath(s, src.toString(), folder))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(dir.resolve("x")).doesNotExist();
    }
  }

  @Test
  void ownerOnlyFilesComeBackPrivate() throws Exception {
    Path key = Files.writeString(dir.resolve("node.key"), "identity");
    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions
        .fromString("rw-r--r--"));
    try (Repository r = Repository.init(LocalBackend.open(dir.resolve("repo")),
        "pw".getBytes(), new Kdf.Params(1024, 8, 1))) {
      Snapshot s = Backups.underLock(r, new Archiver(r, BackupOptions.defaults(), new Progress()),
          List.of(FileSource.of(key).ownerOnly())).snapshot();
      Path out = dir.resolve("restored.key");
      new Restorer(r, 1, new Progress()).restorePath(s, key.toString(), out);
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
      assertThat(Files.readString(out)).isEqualTo("identity");
    }
  }
}
