package dev.bulwark.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/** Our 64-bit Poly1305 against RFC 8439's vector and Bouncy Castle on random input. */
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
