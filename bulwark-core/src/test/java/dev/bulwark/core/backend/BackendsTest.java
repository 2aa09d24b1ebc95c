package dev.bulwark.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendsTest {
  @TempDir Path dir;

  @Test
  void pathsAndLocalLocationsOpenLocalBackends() throws Exception {
    try (Backend plain = Backends.open(dir.resolve("a").toString(), Map.of());
        Backend prefixed = Backends.open("local:" + dir.resolve("b"), Map.of())) {
      assertThat(plain).isInstanceOf(LocalBackend.class);
      assertThat(((LocalBackend) plain).root()).isEqualTo(dir.resolve("a"));
      assertThat(((LocalBackend) prefixed).root()).isEqualTo(dir.resolve("b"));
    }
  }

  @Test
  void aSchemeNoProviderTakesIsRefusedWithTheScheme() {
    assertThatThrownBy(() -> Backends.open("sftp:host:/srv/repo", Map.of()))
        .isInstanceOf(BulwarkException.class)
        .hasMessageContaining("no backend for 'sftp:'");
  }
}
