package dev.bulwark.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.RepositoryNotFoundException;
import dev.bulwark.core.WrongPasswordException;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BulwarkTest {
  private static final Kdf.Params FAST = new Kdf.Params(1024, 8, 1);
  @TempDir Path dir;

  @Test
  void optionsAreSetOnceAndAPasswordIsRequired() {
    Bulwark b = Bulwark.repository(dir).password("pw".getBytes());
    assertThatThrownBy(() -> b.password("again".getBytes()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
    assertThatThrownBy(() -> Bulwark.repository(dir).open())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no password");
    assertThatThrownBy(() -> Bulwark.repository(dir).password(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void opensOrCreatesAndBacksUpConcurrentCallsOneAtATime() throws Exception {
    Path repoDir = dir.resolve("repo");
    assertThatThrownBy(() -> Bulwark.repository(repoDir).password("pw".getBytes()).open())
        .isInstanceOf(RepositoryNotFoundException.class);
    Path key = Files.writeString(dir.resolve("node.key"), "secret identity");
    try (BulwarkRepository repo = Bulwark.repository(repoDir).password("pw".getBytes())
        .createIfMissing(true).keyDerivation(FAST).open()) {
      // Two "back up now" calls at once (e.g. two RPCs): both succeed, one after the other.
      CompletableFuture<Snapshot> a = CompletableFuture.supplyAsync(() -> backup(repo, key));
      CompletableFuture<Snapshot> b = CompletableFuture.supplyAsync(() -> backup(repo, key));
      assertThat(a.get().id()).isNotEqualTo(b.get().id());
      assertThat(repo.snapshots()).hasSize(2);
    }
    assertThatThrownBy(() -> Bulwark.repository(repoDir).password("wrong".getBytes()).open())
        .isInstanceOf(WrongPasswordException.class);
    Path pwFile = Files.writeString(dir.resolve("pw"), "  pw\n");
    try (BulwarkRepository repo = Bulwark.repository(repoDir).passwordFile(pwFile).open()) {
      assertThat(repo.snapshots()).hasSize(2);
    }
  }

  private static Snapshot backup(BulwarkRepository repo, Path key) {
    try {
      return repo.backup(FileSource.of(key));
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
