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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore never follows a symbolic link that is already in the target. With {@code a ->
 * /elsewhere} in the target and a folder {@code a} holding {@code evil} in the snapshot, the file
 * used to land in {@code /elsewhere/evil} and {@code /elsewhere} took the snapshot folder's mode
 * (restic 0.14 does the same).
 */
class RestoreIntoExistingTargetTest {
  @TempDir Path dir;

  @Test
  void aSymlinkInTheTargetWhereTheSnapshotHasAFolderIsRefusedNotFollowed() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/a"));
    Files.writeString(src.resolve("evil"), "planted");
    Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwx------"));
    try (Repository r = Repository.init(LocalBackend.open(dir.resolve("repo")),
        "pw".getBytes(), new Kdf.Params(1024, 8, 1))) {
      Snapshot s = Backups.underLock(r, new Archiver(r, BackupOptions.defaults(), new Progress()),
          List.of(FileSource.of(dir.resolve("src")))).snapshot();
      Path target = dir.resolve("target");
      Path linkParent = Files.createDirectories(
          target.resolve(dir.resolve("src").toString().substring(1)));
      Files.createSymbolicLink(linkParent.resolve("a"), elsewhere);

      assertThatThrownBy(() -> new Restorer(r, 1, new Progress()).restore(s, target, List.of()))
          .isInstanceOf(BulwarkException.class).hasMessageContaining("symbolic link")
          .hasMessageContaining(linkParent.resolve("a").toString());
      assertThat(elsewhere.resolve("evil")).doesNotExist();
      assertThat(Files.getPosixFilePermissions(elsewhere))
          .isEqualTo(PosixFilePermissions.fromString("rwx------"));
      assertThat(Files.isSymbolicLink(linkParent.resolve("a"))).as("left as it was").isTrue();

      // A plain file there is refused the same way; a real folder is restored into.
      Files.delete(linkParent.resolve("a"));
      Files.writeString(linkParent.resolve("a"), "mine");
      assertThatThrownBy(() -> new Restorer(r, 1, new Progress()).restore(s, target, List.of()))
          .isInstanceOf(BulwarkException.class).hasMessageContaining("a file");
      Files.delete(linkParent.resolve("a"));
      Files.createDirectory(linkParent.resolve("a"));
      new Restorer(r, 1, new Progress()).restore(s, target, List.of());
      assertThat(Files.readString(linkParent.resolve("a/evil"))).isEqualTo("planted");
    }
  }
}
