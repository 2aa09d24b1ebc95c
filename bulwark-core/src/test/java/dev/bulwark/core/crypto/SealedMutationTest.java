package dev.bulwark.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tink-style attacks: every mutation of a sealed object (each bit flipped, each truncation,
 * extra bytes, spliced parts) must be refused with {@link UnauthenticatedException}.
 */
class SealedMutationTest {
  private static final long SEED = Long.getLong("bulwark.test.seed", System.nanoTime());
  private final Random random = new Random(SEED);
  private final MasterKey key = MasterKey.generate();

  @AfterEach
  void closeKey() {
    key.close();
  }

  private byte[] sealRandom(int length) {
    byte[] plaintext = new byte[length];
    random.nextBytes(plaintext);
    return key.seal(plaintext);
  }

  private void assertRejected(byte[] mutated, String mutation) {
    assertThatThrownBy(() -> key.open(mutated))
        .as("%s (seed %d)", mutation, SEED)
        .isInstanceOf(UnauthenticatedException.class);
  }

  @ParameterizedTest(name = "{0}-byte plaintext")
  @ValueSource(ints = {0, 1, 15, 16, 17, 100})
  void everyFlippedBitIsRejected(int length) throws Exception {
    byte[] sealed = sealRandom(length);
    assertThat(key.open(sealed)).hasSize(length); // the unmutated object opens
    for (int i = 0; i < sealed.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] mutated = sealed.clone();
        mutated[i] ^= (byte) (1 << bit);
        assertRejected(mutated, "bit " + bit + " of byte " + i + " flipped");
      }
    }
  }

  @Test
  void sampledFlippedBitsInAOneMebibyteBlobAreRejected() throws Exception {
    byte[] sealed = sealRandom(1 << 20);
    TreeSet<Integer> positions = new TreeSet<>();
    for (int i = 0; i < 64; i++) {
      positions.add(i); // IV and start of ciphertext
      positions.add(sealed.length - 1 - i); // end of ciphertext and tag
    }
    while (positions.size() < 128 + 300) {
      positions.add(random.nextInt(sealed.length));
    }
    byte[] mutated = sealed.clone();
    for (int i : positions) {
      for (int bit = 0; bit < 8; bit++) {
        mutated[i] ^= (byte) (1 << bit);
        assertRejected(mutated, "bit " + bit + " of byte " + i + " flipped");
        mutated[i] ^= (byte) (1 << bit);
      }
    }
    assertThat(key.open(mutated)).hasSize(1 << 20); // the flips were all undone
  }

  @ParameterizedTest(name = "{0}-byte plaintext")
  @ValueSource(ints = {0, 1, 17, 100})
  void everyTruncationIsRejected(int length) {
    byte[] sealed = sealRandom(length);
    for (int n = 0; n < sealed.length; n++) {
      assertRejected(Arrays.copyOf(sealed, n), "cut to the first " + n + " bytes");
      assertRejected(Arrays.copyOfRange(sealed, sealed.length - n, sealed.length),
          "cut to the last " + n + " bytes");
    }
  }

  @ParameterizedTest(name = "{0}-byte plaintext")
  @ValueSource(ints = {0, 1, 17, 100})
  void appendedBytesAreRejected(int length) {
    byte[] sealed = sealRandom(length);
    for (int extra = 1; extra <= 33; extra++) {
      assertRejected(Arrays.copyOf(sealed, sealed.length + extra), extra + " zero bytes appended");
    }
    for (int value = 0; value < 256; value++) {
      byte[] mutated = Arrays.copyOf(sealed, sealed.length + 1);
      mutated[sealed.length] = (byte) value;
      assertRejected(mutated, "byte " + value + " appended");
    }
  }

  @Test
  void splicingIvCiphertextOrTagFromAnotherObjectIsRejected() {
    byte[] plaintext = new byte[200];
    random.nextBytes(plaintext);
    byte[] a = key.seal(plaintext);
    byte[] b = key.seal(plaintext);
    byte[] ivFromB = a.clone();
    System.arraycopy(b, 0, ivFromB, 0, 16);
    assertRejected(ivFromB, "IV of another sealing of the same plaintext");
    byte[] tagFromB = a.clone();
    System.arraycopy(b, b.length - 16, tagFromB, a.length - 16, 16);
    assertRejected(tagFromB, "tag of another sealing of the same plaintext");
    byte[] swappedBlocks = a.clone();
    System.arraycopy(a, 16, swappedBlocks, 32, 16);
    System.arraycopy(a, 32, swappedBlocks, 16, 16);
    assertRejected(swappedBlocks, "first two ciphertext blocks swapped");
  }
}
