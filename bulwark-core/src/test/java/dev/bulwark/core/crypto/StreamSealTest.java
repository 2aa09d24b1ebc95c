package dev.bulwark.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sealing into a stream and opening from one give exactly what {@link MasterKey#seal} and
 * {@link MasterKey#open} give, in both directions, whatever the sizes of the writes; and
 * {@link MasterKey#openStream} refuses a flipped bit anywhere (IV, ciphertext, tag) or a
 * truncation before handing out any plaintext.
 */
class StreamSealTest {
  private static final long SEED = Long.getLong("bulwark.test.seed", System.nanoTime());
  private final Random random = new Random(SEED);

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 15, 16, 17, 65_535, 65_536, 65_537, 200_003})
  void aStreamSealedObjectOpensInMemoryAndAnArraySealedOneOpensAsAStream(int length)
      throws Exception {
    byte[] plaintext = randomBytes(length);
    try (MasterKey key = MasterKey.generate()) {
      ByteArrayOutputStream sealed = new ByteArrayOutputStream();
      try (OutputStream out = key.sealingStream(sealed)) {
        // Writes of uneven sizes, some across the stream's 64 KiB buffer.
        for (int at = 0; at < length; ) {
          int n = Math.min(length - at, 1 + random.nextInt(70_000));
          out.write(plaintext, at, n);
          at += n;
        }
      }
      byte[] bytes = sealed.toByteArray();
      assertThat(bytes).as("seed %d", SEED).hasSize(length + MasterKey.OVERHEAD);
      assertThat(key.open(bytes)).as("seed %d", SEED).isEqualTo(plaintext);

      byte[] inMemory = key.seal(plaintext);
      try (InputStream in = key.openStream(SealedBytes.of(inMemory, 0, inMemory.length))) {
        assertThat(in.readAllBytes()).as("seed %d", SEED).isEqualTo(plaintext);
      }
    }
  }

  @ParameterizedTest(name = "bit flipped at {0}")
  @ValueSource(ints = {0, 15, 16, 5_000, 10_015, 10_016, 10_031})
  void openStreamRefusesAFlippedBitBeforeDecryptingAnything(int position) throws Exception {
    try (MasterKey key = MasterKey.generate()) {
      byte[] sealed = key.seal(randomBytes(10_000));
      sealed[position] ^= (byte) (1 << random.nextInt(8));
      assertThatThrownBy(() -> key.openStream(SealedBytes.of(sealed, 0, sealed.length)))
          .as("seed %d", SEED).isInstanceOf(UnauthenticatedException.class);
    }
  }

  @ParameterizedTest(name = "{0} bytes cut")
  @ValueSource(ints = {1, 16, 100, 10_000})
  void openStreamRefusesATruncatedObject(int cut) throws Exception {
    try (MasterKey key = MasterKey.generate()) {
      byte[] sealed = key.seal(randomBytes(10_000));
      assertThatThrownBy(() -> key.openStream(SealedBytes.of(sealed, 0, sealed.length - cut)))
          .isInstanceOf(UnauthenticatedException.class);
    }
  }
}
