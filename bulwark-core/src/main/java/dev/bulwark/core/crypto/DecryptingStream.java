package dev.bulwark.core.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;

/**
 * The plaintext of a sealed object whose tag {@link MasterKey#openStream} has already
 * verified, decrypted piece by piece as it is read. Not thread-safe.
 */
final class DecryptingStream extends InputStream {
  private static final int BUFFER = 64 * 1024;

  private final SealedBytes sealed;
  private final Cipher ctr;
  private final long end;
  private long position = MasterKey.IV_LENGTH;
  private final byte[] cipherText = new byte[BUFFER];
  private final byte[] one = new byte[1];

  DecryptingStream(AesKey encrypt, byte[] iv, SealedBytes sealed) {
    this.sealed = sealed;
    this.end = sealed.length() - MasterKey.MAC_LENGTH;
    try {
      ctr = Cipher.getInstance("AES/CTR/NoPadding");
      ctr.init(Cipher.DECRYPT_MODE, encrypt, new IvParameterSpec(iv));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR is required by every Java platform", e);
    }
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (position >= end) {
      return -1;
    }
    int n = (int) Math.min(Math.min(len, BUFFER), end - position);
    sealed.read(position, cipherText, 0, n);
    position += n;
    try {
      // CTR keeps no bytes back: a piece of ciphertext yields as much plaintext.
      int out = ctr.update(cipherText, 0, n, b, off);
      if (out != n) {
        throw new IllegalStateException("AES-CTR produced " + out + " bytes for " + n);
      }
    } catch (ShortBufferException e) {
      throw new IllegalStateException("AES-CTR output buffer too small", e);
    }
    return n;
  }
}
