package dev.bulwark.core.crypto;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;

/**
 * Seals what is written to it into {@code IV || AES-256-CTR(plaintext) || Poly1305-AES tag},
 * the layout of {@link MasterKey#seal}, without holding the plaintext: the IV goes out first,
 * ciphertext as plaintext arrives, the tag on {@link #close()}. For objects too large to seal
 * in one array (a file's tree blob at small chunks). Not thread-safe.
 */
final class SealingStream extends FilterOutputStream {
  private static final int BUFFER = 64 * 1024;

  private final Cipher ctr;
  private final StreamMac mac;
  private final byte[] buffer = new byte[BUFFER + Engines.BLOCK];
  private final byte[] one = new byte[1];
  private boolean closed;

  SealingStream(AesKey encrypt, AesKey macK, byte[] macR, byte[] iv, OutputStream sink)
      throws IOException {
    super(sink);
    try {
      ctr = Cipher.getInstance("AES/CTR/NoPadding");
      ctr.init(Cipher.ENCRYPT_MODE, encrypt, new IvParameterSpec(iv));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR is required by every Java platform", e);
    }
    mac = new StreamMac(macK, macR, iv);
    sink.write(iv);
  }

  @Override
  public void write(int b) throws IOException {
    one[0] = (byte) b;
    write(one, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("sealing stream is closed");
    }
    while (len > 0) {
      int n = Math.min(len, BUFFER);
      int out;
      try {
        out = ctr.update(b, off, n, buffer, 0);
      } catch (ShortBufferException e) {
        throw new IllegalStateException("AES-CTR output buffer too small", e);
      }
      mac.update(buffer, 0, out);
      this.out.write(buffer, 0, out);
      off += n;
      len -= n;
    }
  }

  /** Writes the rest of the ciphertext and the tag, then closes the sink. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      byte[] rest = ctr.doFinal();
      mac.update(rest, 0, rest.length);
      out.write(rest);
      out.write(mac.finish());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR failed", e);
    } finally {
      Arrays.fill(buffer, (byte) 0);
      out.close();
    }
  }
}
