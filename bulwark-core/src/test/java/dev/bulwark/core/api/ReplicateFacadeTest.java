package dev.bulwark.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.NotReplicableException;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.stream.ReplicationOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BulwarkRepository#replicate}: what cannot stream is refused before anything starts. */
class ReplicateFacadeTest {
  @TempDir Path dir;

  @Test
  void replicateRefusesASourceThatCannotStreamAndWritesNothing() throws Exception {
    Path repoDir = dir.resolve("repo");
    Path file = Files.writeString(dir.resolve("node.key"), "identity");
    try (BulwarkRepository repo = Bulwark.repository(repoDir).password("pw".getBytes())
        .createIfMissing(true).keyDerivation(new Kdf.Params(1024, 8, 1)).open()) {
      assertThatThrownBy(() -> repo.replicate(FileSource.of(file), ReplicationOptions.defaults()))
          .isInstanceOf(NotReplicableException.class)
          .hasMessageContaining("cannot stream")
          .hasMessageContaining("only a SQLite database");
      assertThat(repo.snapshots()).isEmpty();
    }
    assertThat(repoDir.resolve("bulwark")).doesNotExist();
  }
}
