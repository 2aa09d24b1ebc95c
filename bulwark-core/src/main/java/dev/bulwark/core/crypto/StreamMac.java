package dev.bulwark.core.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * Poly1305-AES over a ciphertext given in pieces, with its own engines: a streamed object is
 * sealed or opened across many calls, and the per-thread {@link Engines} are re-initialised by
 * every other seal on the same thread. Not thread-safe.
 */
final class StreamMac {
  private final Poly1305 poly = new Poly1305();

  StreamMac(AesKey macK, byte[] macR, byte[] iv) {
    byte[] oneTimeKey = new byte[2 * Engines.BLOCK];
    try {
      System.arraycopy(macR, 0, oneTimeKey, 0, Engines.BLOCK);
      Engines.clamp(oneTimeKey);
      Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
      ecb.init(Cipher.ENCRYPT_MODE, macK);
      ecb.doFinal(iv, 0, Engines.BLOCK, oneTimeKey, Engines.BLOCK);
      poly.init(oneTimeKey, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-128 for the Poly1305 nonce failed", e);
    } finally {
      Arrays.fill(oneTimeKey, (byte) 0);
    }
  }

  void update(byte[] ciphertext, int off, int len) {
    poly.update(ciphertext, off, len);
  }

  /** The 16-byte tag; the MAC is used up. */
  byte[] finish() {
    byte[] tag = new byte[MasterKey.MAC_LENGTH];
    poly.finish(tag, 0);
    return tag;
  }
}
