package dev.bulwark.core.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Known answers for the sealed format, checked against a deliberately naive reference written
 * here from the definitions: Poly1305 as BigInteger arithmetic mod 2^130-5, Poly1305-AES's
 * {@code s} and the CTR keystream from single AES-ECB blocks with a BigInteger counter. Nothing
 * below shares code with {@link MasterKey} or {@link Engines}.
 */
class Poly1305AesTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final BigInteger P = BigInteger.ONE.shiftLeft(130).subtract(BigInteger.valueOf(5));
  private static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);
  /** RFC 8439's clamp, as one little-endian 128-bit mask. */
  private static final BigInteger CLAMP = new BigInteger("0ffffffc0ffffffc0ffffffc0fffffff", 16);
  private static final byte[] ENCRYPT = HEX.parseHex(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  private static final long SEED = Long.getLong("bulwark.test.seed", System.nanoTime());
  private final Random random = new Random(SEED);

  /** Bernstein, "The Poly1305-AES message-authentication code" (2005), appendix B. */
  private static final String[][] PAPER_VECTORS = { // msg, r, k, nonce, tag
    {"f3f6", "851fc40c3467ac0be05cc20404f3f700", "ec074c835580741701425b623235add6",
      "fb447350c4e868c52ac3275cf9d4327e", "f4c633c3044fc145f84f335cb81953de"},
    {"", "a0f3080000f46400d0c7e9076c834403", "75deaa25c09f208e1dc4ce6b5cad3fbf",
      "61ee09218d29b0aaed7e154a2c5509cc", "dd3fab2251f11ac759f0887129cc2ee7"},
    {"663cea190ffb83d89593f3f476b6bc24d7e679107ea26adb8caf6652d0656136",
      "48443d0bb0d21109c89a100b5ce2c208", "6acb5f61a7176dd320c5c1eb2edcdc74",
      "ae212a55399729595dea458bc621ff0e", "0ee1c16bb73f0f4fd19881753c01cdbe"},
    {"ab0812724a7f1e342742cbed374d94d136c6b8795d45b3819830f2c04491faf0"
        + "990c62e48b8018b2c3e4a0fa3134cb67fa83e158c994d961c4cb21095c1bf9",
      "12976a08c4426d0ce8a82407c4f48207", "e1a5668a4d5b66a5f68cc5424ed5982d",
      "9ae831e743978d3a23527c7128149e3a", "5154ad0d2cb26e01274fc51148491f1b"},
  };

  @Test
  void referenceImplementationReproducesThePaperVectors() throws Exception {
    for (String[] v : PAPER_VECTORS) {
      byte[] tag = referenceTag(hex(v[2]), hex(v[1]), hex(v[3]), hex(v[0]), 0, v[0].length() / 2);
      assertThat(HEX.formatHex(tag)).isEqualTo(v[4]);
    }
  }

  @Test
  void masterKeyAcceptsExactlyThePaperTags() throws Exception {
    for (String[] v : PAPER_VECTORS) {
      byte[] msg = hex(v[0]);
      byte[] sealed = concat(hex(v[3]), msg, hex(v[4]));
      try (MasterKey key = keyFromParts(ENCRYPT, hex(v[2]), hex(v[1]))) {
        byte[] expectedPlaintext = referenceCtr(ENCRYPT, hex(v[3]), msg);
        assertThat(key.open(sealed)).isEqualTo(expectedPlaintext);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> key.open(sealed)).isInstanceOf(UnauthenticatedException.class);
      }
    }
  }

  /** restic's own vector (internal/crypto/crypto_int_test.go); its stored r is not clamped. */
  @Test
  void opensResticsTestCiphertext() throws Exception {
    byte[] encrypt = hex("303e8687b1d7db18421bdc6bb8588ccadac4d59ee87b8ff70c44e635790cafef");
    byte[] k = hex("ef4d8824cb80b2bcc5fbff8a9b12a42c");
    byte[] r = hex("cc8d4b948ee0ebfe1d415de921d10353");
    byte[] sealed = hex("69fb41c62d12def4593bd71757138606338f621aeaeb39da0fe4f99233f8037a54ea6333"
        + "8a813bcf3f75d8c3cc75dddf8750");
    try (MasterKey key = keyFromParts(encrypt, k, r)) {
      assertThat(new String(key.open(sealed), US_ASCII)).isEqualTo("Dies ist ein Test!");
    }
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 15, 16, 17, 33, 1000, 65_539})
  void sealMatchesTheReferenceCtrAndTag(int length) throws Exception {
    byte[] plaintext = new byte[length];
    random.nextBytes(plaintext);
    try (MasterKey key = MasterKey.generate()) {
      byte[][] parts = parts(key);
      byte[] sealed = key.seal(plaintext);
      byte[] iv = Arrays.copyOf(sealed, 16);
      byte[] ciphertext = Arrays.copyOfRange(sealed, 16, 16 + length);
      byte[] tag = Arrays.copyOfRange(sealed, 16 + length, sealed.length);
      assertThat(ciphertext).as("seed %d", SEED).isEqualTo(referenceCtr(parts[0], iv, plaintext));
      assertThat(tag).as("seed %d", SEED)
          .isEqualTo(referenceTag(parts[1], parts[2], iv, sealed, 16, length));
    }
  }

  @ParameterizedTest(name = "IV {0}")
  @ValueSource(strings = {
    "0000000000000000ffffffffffffffff", // carry out of the low 64 bits
    "01fffffffffffffffffffffffffffffe", // carry through 15 bytes
    "ffffffffffffffffffffffffffffffff", // wraps to zero, as Go's CTR does
  })
  void counterIsOneBigEndian128BitNumber(String ivHex) throws Exception {
    byte[] iv = hex(ivHex);
    byte[] plaintext = new byte[16 * 5 + 3];
    random.nextBytes(plaintext);
    try (MasterKey key = MasterKey.generate()) {
      byte[] sealed = referenceSeal(parts(key), iv, plaintext);
      assertThat(key.open(sealed)).as("seed %d", SEED).isEqualTo(plaintext);
    }
  }

  @Test
  void openRejectsAnAllZeroIvEvenWithAValidTag() throws Exception {
    try (MasterKey key = MasterKey.generate()) {
      byte[] sealed = referenceSeal(parts(key), new byte[16], new byte[40]);
      assertThatThrownBy(() -> key.open(sealed))
          .isInstanceOf(UnauthenticatedException.class)
          .hasMessageContaining("all-zero IV");
    }
  }

  @Test
  void rIsClampedOnUseSoAnUnclampedCopyOpensTheSameObjects() throws Exception {
    byte[] plaintext = "clamp me".getBytes(US_ASCII);
    try (MasterKey key = MasterKey.generate()) {
      byte[][] parts = parts(key);
      byte[] unclamped = parts[2].clone();
      for (int i : new int[] {3, 7, 11, 15}) {
        unclamped[i] |= (byte) 0xf0;
      }
      for (int i : new int[] {4, 8, 12}) {
        unclamped[i] |= 0x03;
      }
      try (MasterKey loose = keyFromParts(parts[0], parts[1], unclamped)) {
        assertThat(loose.open(key.seal(plaintext))).isEqualTo(plaintext);
        assertThat(key.open(loose.seal(plaintext))).isEqualTo(plaintext);
      }
    }
  }

  // --- the reference, written from the definitions -------------------------------------------

  /** Poly1305-AES_{k,r}(nonce, msg[off, off+len)) per Bernstein 2005. */
  static byte[] referenceTag(byte[] k, byte[] r, byte[] nonce, byte[] msg, int off, int len)
      throws Exception {
    BigInteger rNum = littleEndian(r).and(CLAMP);
    BigInteger acc = BigInteger.ZERO;
    for (int i = 0; i < len; i += 16) {
      int n = Math.min(16, len - i);
      BigInteger chunk = littleEndian(Arrays.copyOfRange(msg, off + i, off + i + n))
          .add(BigInteger.ONE.shiftLeft(8 * n));
      acc = acc.add(chunk).multiply(rNum).mod(P);
    }
    BigInteger s = littleEndian(aesBlock(k, nonce));
    return toLittleEndian16(acc.add(s).mod(TWO_128));
  }

  /** AES-CTR with the counter block as one big-endian 128-bit integer starting at iv. */
  static byte[] referenceCtr(byte[] key, byte[] iv, byte[] in) throws Exception {
    byte[] out = new byte[in.length];
    BigInteger counter = new BigInteger(1, iv);
    for (int i = 0; i < in.length; i += 16) {
      byte[] block = counter.mod(TWO_128).add(TWO_128).toByteArray(); // 17 bytes, leading 0x01
      byte[] keystream = aesBlock(key, Arrays.copyOfRange(block, 1, 17));
      for (int j = i; j < Math.min(i + 16, in.length); j++) {
        out[j] = (byte) (in[j] ^ keystream[j - i]);
      }
      counter = counter.add(BigInteger.ONE);
    }
    return out;
  }

  static byte[] referenceSeal(byte[][] parts, byte[] iv, byte[] plaintext) throws Exception {
    byte[] ciphertext = referenceCtr(parts[0], iv, plaintext);
    byte[] tag = referenceTag(parts[1], parts[2], iv, ciphertext, 0, ciphertext.length);
    return concat(iv, ciphertext, tag);
  }

  /** encrypt, mac.k, mac.r of {@code key}, read back through its JSON. */
  static byte[][] parts(MasterKey key) {
    String json = new String(key.toJson(), US_ASCII);
    Matcher m = Pattern.compile(
        "\\{\"mac\":\\{\"k\":\"([^\"]+)\",\"r\":\"([^\"]+)\"},\"encrypt\":\"([^\"]+)\"}")
        .matcher(json);
    assertThat(m.matches()).as(json).isTrue();
    Base64.Decoder b64 = Base64.getDecoder();
    return new byte[][] {b64.decode(m.group(3)), b64.decode(m.group(1)), b64.decode(m.group(2))};
  }

  static MasterKey keyFromParts(byte[] encrypt, byte[] k, byte[] r) throws Exception {
    Base64.Encoder b64 = Base64.getEncoder();
    String json = "{\"mac\":{\"k\":\"" + b64.encodeToString(k) + "\",\"r\":\""
        + b64.encodeToString(r) + "\"},\"encrypt\":\"" + b64.encodeToString(encrypt) + "\"}";
    return MasterKey.fromJson(json.getBytes(US_ASCII));
  }

  private static byte[] aesBlock(byte[] key, byte[] block) throws Exception {
    Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
    ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
    return ecb.doFinal(block);
  }

  private static BigInteger littleEndian(byte[] b) {
    byte[] be = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      be[i] = b[b.length - 1 - i];
    }
    return new BigInteger(1, be);
  }

  private static byte[] toLittleEndian16(BigInteger v) {
    byte[] out = new byte[16];
    for (int i = 0; i < 16; i++) {
      out[i] = v.shiftRight(8 * i).byteValue();
    }
    return out;
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static byte[] hex(String s) {
    return HEX.parseHex(s);
  }
}
