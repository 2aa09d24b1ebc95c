package dev.bulwark.core.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;

/**
 * One thread's cipher and MAC engines, so sealing a blob costs a re-init rather than a provider
 * lookup and fresh objects. Engines hold no key between calls except what JCE caches inside its
 * AES implementation (the last key schedule used on this thread), which we cannot reach.
 *
 * <p>AES runs through JCE because the JDK's AES-CTR uses AES-NI intrinsics; Bouncy Castle's AES is
 * pure Java and several times slower. Poly1305 is our own 64-bit {@link Poly1305} (the JDK's is
 * not public and Bouncy Castle's was the bottleneck). Like restic, we compute the Poly1305-AES
 * {@code s = AES-128(k, nonce)} ourselves and use the plain Poly1305 one-time key {@code r ‖ s}.
 */
final class Engines {
  static final int BLOCK = 16;

  private static final ThreadLocal<Engines> PER_THREAD = ThreadLocal.withInitial(Engines::new);

  private final Cipher ctr;
  private final Cipher ecb;
  private final Poly1305 poly = new Poly1305();
  private final byte[] oneTimeKey = new byte[2 * BLOCK];

  private Engines() {
    try {
      ctr = Cipher.getInstance("AES/CTR/NoPadding");
      ecb = Cipher.getInstance("AES/ECB/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES is required by every Java platform", e);
    }
  }

  static Engines forCurrentThread() {
    return PER_THREAD.get();
  }

  /**
   * AES-CTR over {@code in[off, off+len)} into {@code out} at {@code outOff}; the counter block
   * starts at {@code iv} and is incremented as one 128-bit big-endian number, like Go's
   * {@code cipher.NewCTR}. JCE's {@code doFinal} is copy-safe, so the ranges may overlap.
   */
  void ctr(AesKey key, byte[] iv, byte[] in, int off, int len, byte[] out, int outOff) {
    try {
      // Encrypt and decrypt are the same keystream XOR in CTR mode.
      ctr.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
      int n = ctr.doFinal(in, off, len, out, outOff);
      if (n != len) {
        throw new IllegalStateException("AES-CTR produced " + n + " bytes for " + len);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR failed", e);
    }
  }

  /**
   * Poly1305-AES of {@code msg[off, off+len)} with nonce {@code iv}, written to {@code tag} at
   * {@code tagOff}. {@code r} is clamped here on every call: restic stores it clamped but Go's
   * poly1305 clamps regardless, so a stored unclamped r must give the same tag.
   */
  void mac(AesKey k, byte[] r, byte[] iv, byte[] msg, int off, int len, byte[] tag, int tagOff) {
    try {
      System.arraycopy(r, 0, oneTimeKey, 0, BLOCK);
      clamp(oneTimeKey);
      ecb.init(Cipher.ENCRYPT_MODE, k);
      ecb.doFinal(iv, 0, BLOCK, oneTimeKey, BLOCK);
      poly.init(oneTimeKey, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-128 for the Poly1305 nonce failed", e);
    } finally {
      Arrays.fill(oneTimeKey, (byte) 0);
    }
    poly.update(msg, off, len);
    poly.finish(tag, tagOff);
  }

  /** The Poly1305 clamp on the first 16 bytes of {@code r}. */
  static void clamp(byte[] r) {
    r[3] &= 0x0f;
    r[7] &= 0x0f;
    r[11] &= 0x0f;
    r[15] &= 0x0f;
    r[4] &= (byte) 0xfc;
    r[8] &= (byte) 0xfc;
    r[12] &= (byte) 0xfc;
  }
}
