package dev.bulwark.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Our 64-bit Poly1305 against RFC 8439's vectors and Bouncy Castle on random input. */
class Poly1305Test {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] ours(byte[] key, byte[] msg, int off, int len, int[] splits) {
    Poly1305 p = new Poly1305();
    p.init(key, 0);
    int pos = off;
    for (int s : splits) {
      int n = Math.min(s, off + len - pos);
      p.update(msg, pos, n);
      pos += n;
    }
    p.update(msg, pos, off + len - pos);
    byte[] tag = new byte[16];
    p.finish(tag, 0);
    return tag;
  }

  private static byte[] bouncyCastle(byte[] key, byte[] msg, int off, int len) {
    org.bouncycastle.crypto.macs.Poly1305 p = new org.bouncycastle.crypto.macs.Poly1305();
    p.init(new KeyParameter(key));
    p.update(msg, off, len);
    byte[] tag = new byte[16];
    p.doFinal(tag, 0);
    return tag;
  }

  @Test
  void matchesRfc8439Vector() {
    byte[] key = HEX.parseHex(
        "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
    byte[] msg = "Cryptographic Forum Research Group".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(HEX.formatHex(ours(key, msg, 0, msg.length, new int[0])))
        .isEqualTo("a8061dc1305136c6c22b8baf0c0127a9");
  }

  /**
   * RFC 8439 Appendix A.3, all eleven vectors: a 32-byte one-time key r || s, the message and
   * the tag. They are for Poly1305 itself, not restic's Poly1305-AES (which derives s with AES),
   * so they go to the class that takes r and s directly. Vector 2 has r = 0 (the tag is s),
   * vector 3 s = 0; 5 to 11 drive the final reduction and carries to their edges.
   */
  static Stream<Arguments> rfc8439AppendixA3() {
    String ietf = "Any submission to the IETF intended by the Contributor for publication as all"
        + " or part of an IETF Internet-Draft or RFC and any statement made within the context"
        + " of an IETF activity is considered an \"IETF Contribution\". Such statements include"
        + " oral statements in IETF sessions, as well as written and electronic communications"
        + " made at any time or place, which are addressed to";
    String jabberwocky = "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:"
        + "\nAll mimsy were the borogoves,\nAnd the mome raths outgrabe.";
    String zero16 = "00".repeat(16);
    String ff16 = "ff".repeat(16);
    String r1 = "01" + "00".repeat(15);
    String r2 = "02" + "00".repeat(15);
    String r10 = "0100000000000000" + "0400000000000000";
    String msg10 = "e33594d7505e43b900000000000000003394d7505e4379cd0100000000000000"
        + zero16;
    return Stream.of(
        Arguments.of(1, zero16 + zero16, "00".repeat(64), zero16),
        Arguments.of(2, zero16 + "36e5f6b5c5e06070f0efca96227a863e", ascii(ietf),
            "36e5f6b5c5e06070f0efca96227a863e"),
        Arguments.of(3, "36e5f6b5c5e06070f0efca96227a863e" + zero16, ascii(ietf),
            "f3477e7cd95417af89a6b8794c310cf0"),
        Arguments.of(4, "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0",
            ascii(jabberwocky), "4541669a7eaaee61e708dc7cbcc5eb62"),
        Arguments.of(5, r2 + zero16, ff16, "03" + "00".repeat(15)),
        Arguments.of(6, r2 + ff16, "02" + "00".repeat(15), "03" + "00".repeat(15)),
        Arguments.of(7, r1 + zero16, ff16 + "f0" + "ff".repeat(15) + "11" + "00".repeat(15),
            "05" + "00".repeat(15)),
        Arguments.of(8, r1 + zero16, ff16 + "fb" + "fe".repeat(15) + "01".repeat(16), zero16),
        Arguments.of(9, r2 + zero16, "fd" + "ff".repeat(15), "fa" + "ff".repeat(15)),
        Arguments.of(10, r10 + zero16, msg10 + "01" + "00".repeat(15),
            "14000000000000005500000000000000"),
        Arguments.of(11, r10 + zero16, msg10, "13" + "00".repeat(15)));
  }

  private static String ascii(String s) {
    return HEX.formatHex(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  @ParameterizedTest(name = "vector {0}")
  @MethodSource("rfc8439AppendixA3")
  void matchesRfc8439AppendixA3(int vector, String key, String msg, String tag) {
    byte[] k = HEX.parseHex(key);
    byte[] m = HEX.parseHex(msg);
    assertThat(k).hasSize(32);
    assertThat(HEX.formatHex(ours(k, m, 0, m.length, new int[0]))).isEqualTo(tag);
    // The same in pieces that cut the 16-byte blocks, so buffering is covered too.
    assertThat(HEX.formatHex(ours(k, m, 0, m.length, new int[] {1, 15, 17}))).isEqualTo(tag);
  }

  @Test
  void matchesBouncyCastleForEveryLengthOffsetAndSplit() {
    SplittableRandom rnd = new SplittableRandom(1305);
    for (int len = 0; len <= 300; len++) {
      for (int trial = 0; trial < 4; trial++) {
        byte[] key = new byte[32];
        rnd.nextBytes(key);
        byte[] msg = new byte[len + 40];
        rnd.nextBytes(msg);
        int off = rnd.nextInt(20);
        int[] splits = {rnd.nextInt(1, 20), rnd.nextInt(1, 40)};
        assertThat(ours(key, msg, off, len, trial % 2 == 0 ? new int[0] : splits))
            .as("len %d off %d", len, off).isEqualTo(bouncyCastle(key, msg, off, len));
      }
    }
  }

  @Test
  void matchesBouncyCastleOnExtremeValues() {
    // All-ones keys and messages drive every limb and carry to its maximum.
    for (byte fill : new byte[] {(byte) 0xff, 0, 1, (byte) 0x80}) {
      byte[] key = new byte[32];
      java.util.Arrays.fill(key, fill);
      for (int len : new int[] {15, 16, 17, 64, 1000, 65536}) {
        byte[] msg = new byte[len];
        java.util.Arrays.fill(msg, (byte) 0xff);
        assertThat(ours(key, msg, 0, len, new int[0])).isEqualTo(bouncyCastle(key, msg, 0, len));
      }
    }
  }

  @Test
  void largeRandomMessagesAgree() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 20; i++) {
      byte[] key = new byte[32];
      rnd.nextBytes(key);
      byte[] msg = new byte[1 << 20];
      rnd.nextBytes(msg);
      assertThat(ours(key, msg, 0, msg.length, new int[0]))
          .isEqualTo(bouncyCastle(key, msg, 0, msg.length));
    }
  }
}
