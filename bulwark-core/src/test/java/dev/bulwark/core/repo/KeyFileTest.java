package dev.bulwark.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.crypto.MasterKey;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A key file whose fields a damaged byte changed is reported as damaged, never as a crash. */
class KeyFileTest {
  private static final byte[] PASSWORD = "pw".getBytes(StandardCharsets.UTF_8);
  private static final Kdf.Params CHEAP = new Kdf.Params(1024, 8, 1);

  @Test
  void aKeyFileOpensWithItsPasswordAndNotWithAnother() throws Exception {
    try (MasterKey master = MasterKey.generate()) {
      KeyFile k = KeyFile.wrap(master, PASSWORD, CHEAP, "u", "h");
      assertThat(k.unwrap(PASSWORD)).isPresent();
      assertThat(k.unwrap("other".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }
  }

  @Test
  void aSaltOfAnotherLengthIsDamageNotAnInternalError() throws Exception {
    try (MasterKey master = MasterKey.generate()) {
      KeyFile k = KeyFile.wrap(master, PASSWORD, CHEAP, "u", "h");
      // A flipped byte in the field's name leaves the salt empty when the file is parsed.
      for (String salt : new String[] {"", "AAAA"}) {
        KeyFile damaged = new KeyFile(k.created(), k.username(), k.hostname(), k.n(), k.r(),
            k.p(), salt, k.data());
        assertThatThrownBy(() -> damaged.unwrap(PASSWORD))
            .isInstanceOf(CorruptionException.class).hasMessageContaining("salt");
      }
    }
  }
}
