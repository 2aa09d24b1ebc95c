package dev.bulwark.core.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.CorruptionException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MasterKeyTest {
  private static final long SEED = Long.getLong("bulwark.test.seed", System.nanoTime());
  private final Random random = new Random(SEED);

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 15, 16, 17, 31, 32, 33, 4095, 1 << 20})
  void sealedPlaintextOpensToItself(int length) throws Exception {
    byte[] plaintext = randomBytes(length);
    try (MasterKey key = MasterKey.generate()) {
      byte[] sealed = key.seal(plaintext);
      assertThat(sealed).as("seed %d", SEED).hasSize(length + MasterKey.OVERHEAD);
      assertThat(key.open(sealed)).as("seed %d", SEED).isEqualTo(plaintext);
    }
  }

  @Test
  void sealingTheSamePlaintextTwiceGivesDifferentIvsAndCiphertexts() {
    byte[] plaintext = new byte[64];
    try (MasterKey key = MasterKey.generate()) {
      byte[] a = key.seal(plaintext);
      byte[] b = key.seal(plaintext);
      assertThat(Arrays.copyOf(a, MasterKey.IV_LENGTH))
          .isNotEqualTo(Arrays.copyOf(b, MasterKey.IV_LENGTH));
      assertThat(Arrays.copyOfRange(a, 16, 80)).isNotEqualTo(Arrays.copyOfRange(b, 16, 80));
    }
  }

  @Test
  void ciphertextIsNotThePlaintext() {
    byte[] plaintext = new byte[1024];
    try (MasterKey key = MasterKey.generate()) {
      byte[] sealed = key.seal(plaintext);
      assertThat(Arrays.copyOfRange(sealed, 16, 16 + 1024)).isNotEqualTo(plaintext);
    }
  }

  @Test
  void sealHonoursOffsetAndLength() throws Exception {
    byte[] buffer = randomBytes(100);
    try (MasterKey key = MasterKey.generate()) {
      byte[] sealed = key.seal(buffer, 10, 50);
      assertThat(sealed).hasSize(50 + MasterKey.OVERHEAD);
      assertThat(key.open(sealed)).isEqualTo(Arrays.copyOfRange(buffer, 10, 60));
    }
  }

  @Test
  void sealIntoWritesAtTheOffsetAndLeavesTheRestAlone() throws Exception {
    byte[] plaintext = randomBytes(300);
    byte[] out = new byte[7 + 300 + MasterKey.OVERHEAD + 5];
    Arrays.fill(out, (byte) 0x5a);
    try (MasterKey key = MasterKey.generate()) {
      int written = key.sealInto(plaintext, 0, 300, out, 7);
      assertThat(written).isEqualTo(300 + MasterKey.OVERHEAD);
      assertThat(Arrays.copyOf(out, 7)).containsOnly(0x5a);
      assertThat(Arrays.copyOfRange(out, 7 + written, out.length)).containsOnly(0x5a);
      assertThat(key.open(out, 7, written)).isEqualTo(plaintext);
    }
  }

  @ParameterizedTest(name = "output starts {0} bytes after the input")
  @ValueSource(ints = {-16, -5, -1, 0, 1, 15, 16, 17, 40})
  void sealIntoMaySealInPlace(int shift) throws Exception {
    int length = 10_000;
    byte[] plaintext = randomBytes(length);
    int off = 50;
    byte[] buffer = new byte[off + length + MasterKey.OVERHEAD + 64];
    System.arraycopy(plaintext, 0, buffer, off, length);
    try (MasterKey key = MasterKey.generate()) {
      int written = key.sealInto(buffer, off, length, buffer, off + shift);
      assertThat(key.open(buffer, off + shift, written)).isEqualTo(plaintext);
    }
  }

  @Test
  void sealIntoRejectsAnOutputTooSmall() {
    try (MasterKey key = MasterKey.generate()) {
      assertThatThrownBy(() -> key.sealInto(new byte[10], 0, 10, new byte[41], 0))
          .isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> key.sealInto(new byte[10], 0, 10, new byte[50], 9))
          .isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @Test
  void openReadsOnlyItsRange() throws Exception {
    byte[] plaintext = randomBytes(77);
    try (MasterKey key = MasterKey.generate()) {
      byte[] sealed = key.seal(plaintext);
      byte[] framed = new byte[sealed.length + 20];
      Arrays.fill(framed, (byte) 0xee);
      System.arraycopy(sealed, 0, framed, 13, sealed.length);
      assertThat(key.open(framed, 13, sealed.length)).isEqualTo(plaintext);
    }
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 16, 31})
  void openRejectsAnythingShorterThanTheOverhead(int length) {
    try (MasterKey key = MasterKey.generate()) {
      assertThatThrownBy(() -> key.open(new byte[length]))
          .isInstanceOf(UnauthenticatedException.class)
          .hasMessageContaining("shorter");
    }
  }

  @Test
  void anotherKeyCannotOpen() {
    try (MasterKey key = MasterKey.generate(); MasterKey other = MasterKey.generate()) {
      byte[] sealed = key.seal("hello".getBytes(US_ASCII));
      assertThatThrownBy(() -> other.open(sealed))
          .isInstanceOf(UnauthenticatedException.class)
          .isInstanceOf(CorruptionException.class)
          .hasMessage("ciphertext verification failed (wrong key or damaged data)");
    }
  }

  @Test
  void fromDerivedKeySplitsEncryptThenMacKThenMacR() {
    byte[] dk = new byte[64];
    for (int i = 0; i < dk.length; i++) {
      dk[i] = (byte) i;
    }
    try (MasterKey key = MasterKey.fromDerivedKey(dk)) {
      Base64.Encoder b64 = Base64.getEncoder();
      String expected = "{\"mac\":{\"k\":\"" + b64.encodeToString(Arrays.copyOfRange(dk, 32, 48))
          + "\",\"r\":\"" + b64.encodeToString(Arrays.copyOfRange(dk, 48, 64))
          + "\"},\"encrypt\":\"" + b64.encodeToString(Arrays.copyOfRange(dk, 0, 32)) + "\"}";
      assertThat(new String(key.toJson(), US_ASCII)).isEqualTo(expected);
    }
  }

  @Test
  void fromDerivedKeyRejectsOtherLengths() {
    assertThatThrownBy(() -> MasterKey.fromDerivedKey(new byte[63]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MasterKey.fromDerivedKey(new byte[65]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toJsonHasResticsShapeAndFieldOrder() {
    try (MasterKey key = MasterKey.generate()) {
      String json = new String(key.toJson(), US_ASCII);
      String b64 = "[A-Za-z0-9+/]";
      assertThat(json).matches("\\{\"mac\":\\{\"k\":\"" + b64 + "{22}==\",\"r\":\"" + b64
          + "{22}==\"},\"encrypt\":\"" + b64 + "{43}=\"}");
    }
  }

  @Test
  void generatedKeysStoreRClampedAsRestic014Does() throws Exception {
    try (MasterKey key = MasterKey.generate()) {
      byte[] r = Base64.getDecoder().decode(
          new String(key.toJson(), US_ASCII).replaceAll(".*\"r\":\"([^\"]+)\".*", "$1"));
      byte[] clamped = r.clone();
      Engines.clamp(clamped);
      assertThat(r).isEqualTo(clamped);
    }
  }

  @Test
  void jsonRoundTripKeepsTheKey() throws Exception {
    byte[] plaintext = randomBytes(1000);
    try (MasterKey key = MasterKey.generate()) {
      byte[] json = key.toJson();
      try (MasterKey copy = MasterKey.fromJson(json)) {
        assertThat(copy.toJson()).isEqualTo(json);
        assertThat(copy.open(key.seal(plaintext))).isEqualTo(plaintext);
        assertThat(key.open(copy.seal(plaintext))).isEqualTo(plaintext);
      }
    }
  }

  @Test
  void fromJsonAcceptsOtherFieldOrderWhitespaceAndUnknownFields() throws Exception {
    byte[] json = ("{ \"encrypt\" : \"" + b64(32, 1) + "\", \"extra\": [1, {\"x\": null}],\n"
        + " \"mac\": {\"r\": \"" + b64(16, 3) + "\", \"k\": \"" + b64(16, 2) + "\", \"z\": 1} }")
        .getBytes(US_ASCII);
    try (MasterKey key = MasterKey.fromJson(json)) {
      assertThat(new String(key.toJson(), US_ASCII)).isEqualTo("{\"mac\":{\"k\":\"" + b64(16, 2)
          + "\",\"r\":\"" + b64(16, 3) + "\"},\"encrypt\":\"" + b64(32, 1) + "\"}");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "",
    "[]",
    "null",
    "{",
    "{\"mac\":{\"k\":\"K16\",\"r\":\"R16\"}}",
    "{\"mac\":{\"k\":\"K16\"},\"encrypt\":\"E32\"}",
    "{\"mac\":{\"r\":\"R16\"},\"encrypt\":\"E32\"}",
    "{\"mac\":{\"k\":\"K16\",\"r\":\"R16\"},\"encrypt\":\"E31\"}",
    "{\"mac\":{\"k\":\"K15\",\"r\":\"R16\"},\"encrypt\":\"E32\"}",
    "{\"mac\":{\"k\":\"K16\",\"r\":\"R17\"},\"encrypt\":\"E32\"}",
    "{\"mac\":{\"k\":\"K16\",\"r\":\"R16\"},\"encrypt\":null}",
    "{\"mac\":{\"k\":\"K16\",\"r\":\"R16\"},\"encrypt\":42}",
    "{\"mac\":{\"k\":\"K16\",\"r\":\"R16\"},\"encrypt\":\"not base64!\"}",
    "{\"mac\":\"K16\",\"encrypt\":\"E32\"}",
    "{\"mac\":{\"k\":\"K16\",\"r\":\"R16\"},\"encrypt\":\"E32\"} trailing",
    "{\"mac\":{\"k\":\"K16\",\"r\":\"R16\"},\"encrypt\":\"E32\"",
    "{\"mac\":{\"k\":\"Z16\",\"r\":\"R16\"},\"encrypt\":\"E32\"}",
    "{\"mac\":{\"k\":\"K16\",\"r\":\"Z16\"},\"encrypt\":\"E32\"}",
    "{\"mac\":{\"k\":\"K16\",\"r\":\"R16\"},\"encrypt\":\"Z32\"}",
  })
  void fromJsonRejectsDamagedKeys(String template) {
    byte[] json = template
        .replace("K16", b64(16, 2)).replace("K15", b64(15, 2))
        .replace("R16", b64(16, 3)).replace("R17", b64(17, 3))
        .replace("E32", b64(32, 1)).replace("E31", b64(31, 1))
        .replace("Z16", b64(16, 0)).replace("Z32", b64(32, 0))
        .getBytes(US_ASCII);
    assertThatThrownBy(() -> MasterKey.fromJson(json))
        .isExactlyInstanceOf(CorruptionException.class)
        .hasMessageContaining("master key");
  }

  @Test
  void fromJsonErrorsDoNotQuoteKeyMaterial() {
    String secret = b64(32, 7);
    byte[] json = ("{\"encrypt\":" + secret.replace("=", "") + "}").getBytes(US_ASCII);
    assertThatThrownBy(() -> MasterKey.fromJson(json))
        .isInstanceOf(CorruptionException.class)
        .satisfies(e -> {
          for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(secret.substring(0, 12));
          }
        });
  }

  @Test
  void toStringRevealsNoKeyBytes() {
    try (MasterKey key = MasterKey.generate()) {
      String json = new String(key.toJson(), US_ASCII);
      String text = key.toString();
      for (String part : json.split("\"")) {
        if (part.length() > 8) {
          assertThat(text).doesNotContain(part.substring(0, 8));
        }
      }
      assertThat(text).doesNotContainPattern("[A-Za-z0-9+/]{16,}");
    }
  }

  @Test
  void closeWipesTheKeyAndForbidsUse() {
    byte[] dk = new byte[64];
    Arrays.fill(dk, (byte) 0x11);
    MasterKey key = MasterKey.fromDerivedKey(dk);
    byte[] sealed = key.seal(new byte[5]);
    key.close();
    key.close(); // idempotent
    assertThatThrownBy(() -> key.seal(new byte[5])).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> key.open(sealed)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(key::toJson).isInstanceOf(IllegalStateException.class);
    assertThat(key.toString()).contains("closed");
    assertThat(dk).as("the caller's array is the caller's").containsOnly(0x11);
  }

  @Test
  void closeZeroesTheKeyArrays() throws Exception {
    MasterKey key = MasterKey.generate();
    List<byte[]> arrays = new ArrayList<>();
    for (var field : MasterKey.class.getDeclaredFields()) {
      if (field.getType() == byte[].class) {
        field.setAccessible(true);
        arrays.add((byte[]) field.get(key));
      }
    }
    assertThat(arrays).hasSize(3);
    assertThat(arrays).allSatisfy(a -> assertThat(a).isNotEqualTo(new byte[a.length]));
    key.close();
    assertThat(arrays).allSatisfy(a -> assertThat(a).containsOnly(0));
  }

  @Test
  void concurrentSealsAndOpensWithSeveralKeysDoNotInterfere() throws Exception {
    int threads = 8;
    int rounds = 200;
    MasterKey[] keys = {MasterKey.generate(), MasterKey.generate(), MasterKey.generate()};
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = SEED + t;
        Callable<Integer> work = () -> {
          Random rnd = new Random(seed);
          start.await();
          for (int i = 0; i < rounds; i++) {
            MasterKey sealer = keys[rnd.nextInt(keys.length)];
            byte[] plaintext = new byte[rnd.nextInt(70_000)];
            rnd.nextBytes(plaintext);
            byte[] sealed = sealer.seal(plaintext);
            for (MasterKey opener : keys) {
              if (opener == sealer) {
                assertThat(opener.open(sealed)).isEqualTo(plaintext);
              } else {
                assertThatThrownBy(() -> opener.open(sealed))
                    .isInstanceOf(UnauthenticatedException.class);
              }
            }
          }
          return rounds;
        };
        results.add(pool.submit(work));
      }
      start.countDown();
      for (Future<Integer> result : results) {
        assertThat(result.get(2, TimeUnit.MINUTES)).as("seed %d", SEED).isEqualTo(rounds);
      }
    } finally {
      pool.shutdownNow();
      for (MasterKey key : keys) {
        key.close();
      }
    }
  }

  /** Base64 of {@code n} bytes counting up from {@code start} (all zero if start is 0). */
  private static String b64(int n, int start) {
    byte[] b = new byte[n];
    if (start != 0) {
      for (int i = 0; i < n; i++) {
        b[i] = (byte) (start + i);
      }
    }
    return Base64.getEncoder().encodeToString(b);
  }
}
