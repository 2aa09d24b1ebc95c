package dev.bulwark.core.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KdfTest {
  private static final String PASSWORD = "correct horse \u2603 \uD83D\uDC0E";

  private static byte[] countingSalt() {
    byte[] salt = new byte[64];
    for (int i = 0; i < salt.length; i++) {
      salt[i] = (byte) i;
    }
    return salt;
  }

  /**
   * Expected keys from an independent scrypt (OpenSSL through Python's
   * {@code hashlib.scrypt(pw, salt=bytes(range(64)), n, r, p, dklen=64)}), split k/r/encrypt.
   * r and p differ so that swapped arguments fail.
   */
  @ParameterizedTest(name = "N={0} r={1} p={2}")
  @CsvSource(delimiter = '|', value = {
    "1024|8|2|{\"mac\":{\"k\":\"Ze5OQmi/zhWK6b8Yd8BDOw==\",\"r\":\"8NKlmJpaFSxUayXpkPNTbA==\"},"
        + "\"encrypt\":\"xFnCoWLUVE6wM3rTn1oFMUTZcGRd4+0FyYmwjXTnDb8=\"}",
    "64|2|3|{\"mac\":{\"k\":\"PPkEGMFE2r3IlwCsav3fXg==\",\"r\":\"VnIKyGYwX7qvUn6kgWfyMw==\"},"
        + "\"encrypt\":\"ZLEqJdCBpc4jfiu2hG6lAoiMJ9iWljPGBUnIO8Q4zGM=\"}",
  })
  void derivesTheSameKeyAsAnIndependentScrypt(int n, int r, int p, String expectedJson) {
    byte[] password = Kdf.passwordBytes(PASSWORD.toCharArray());
    try (MasterKey key = Kdf.deriveUserKey(password, countingSalt(), n, r, p)) {
      assertThat(new String(key.toJson(), US_ASCII)).isEqualTo(expectedJson);
    }
  }

  @Test
  void passwordBytesAreUtf8WithWhitespaceKept() {
    assertThat(HexFormat.of().formatHex(Kdf.passwordBytes(PASSWORD.toCharArray())))
        .isEqualTo("636f727265637420686f72736520e2988320f09f908e");
    assertThat(Kdf.passwordBytes(" pw\n".toCharArray())).containsExactly(' ', 'p', 'w', '\n');
    assertThat(Kdf.passwordBytes(new char[0])).isEmpty();
  }

  @Test
  void passwordBytesRejectAnUnpairedSurrogate() {
    assertThatThrownBy(() -> Kdf.passwordBytes(new char[] {'a', '\uD83D', 'b'}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void saltsAreSixtyFourFreshBytes() {
    byte[] a = Kdf.newSalt();
    byte[] b = Kdf.newSalt();
    assertThat(a).hasSize(64);
    assertThat(b).hasSize(64).isNotEqualTo(a);
  }

  @Test
  void deriveRefusesSaltsResticWouldRefuse() {
    byte[] pw = {'x'};
    assertThatThrownBy(() -> Kdf.deriveUserKey(pw, new byte[32], 16, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64");
    assertThatThrownBy(() -> Kdf.deriveUserKey(pw, new byte[65], 16, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deriveRefusesParametersBeyondOneJavaArray() {
    assertThatThrownBy(() -> Kdf.deriveUserKey(new byte[1], new byte[64], 1 << 24, 8, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memory");
  }

  @Test
  void defaultsAreResticsUsualParameters() {
    assertThat(Kdf.Params.DEFAULT).isEqualTo(new Kdf.Params(32768, 8, 1));
  }

  @ParameterizedTest(name = "N={0} r={1} p={2}")
  @CsvSource({"2,1,1", "16384,8,1", "32768,8,9", "1048576,1,1", "16,1,1073741823",
      "16,32768,32767"})
  void paramsAcceptWhatResticAccepts(int n, int r, int p) {
    assertThat(new Kdf.Params(n, r, p).n()).isEqualTo(n);
  }

  @ParameterizedTest(name = "N={0} r={1} p={2}")
  @CsvSource({"0,8,1", "1,8,1", "-32768,8,1", "3,8,1", "6,8,1", "32767,8,1", "16384,0,1",
      "16384,-1,1", "16384,8,0", "16384,8,-5", "16,1,1073741824", "16,32768,32768",
      "16,1073741824,1"})
  void paramsRejectWhatResticRejects(int n, int r, int p) {
    assertThatThrownBy(() -> new Kdf.Params(n, r, p))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scrypt");
    assertThatThrownBy(() -> Kdf.deriveUserKey(new byte[1], new byte[64], n, r, p))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void calibratedParametersAreRestics() {
    Kdf.Params c = Kdf.Params.calibrated();
    assertThat(c.r()).isEqualTo(8);
    assertThat(c.n()).isGreaterThanOrEqualTo(Kdf.Params.DEFAULT.n());
    assertThat(128L * c.n() * c.r()).isLessThanOrEqualTo(60L << 20);
    assertThat(c.p()).isBetween(1, 64);
    assertThat(Kdf.Params.calibrated()).as("cached").isSameAs(c);
    c.requireAffordable();
  }

  @Test
  void hostileParametersAreRefusedBeforeDeriving() {
    byte[] salt = new byte[64];
    for (Kdf.Params p : java.util.List.of(new Kdf.Params(1 << 30, 8, 1),
        new Kdf.Params(1024, 8, 1 << 20), new Kdf.Params(1 << 20, 8, 1000))) {
      assertThatThrownBy(() -> Kdf.deriveUserKey(new byte[1], salt, p.n(), p.r(), p.p()))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
