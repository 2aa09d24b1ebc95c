package dev.bulwark.core.pack;

import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdIOException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * A blob's plaintext as a stream, hashed as it is read: at its end the SHA-256 and the length
 * must be the blob's, else the read throws {@link DamagedBlobException}; more bytes than the
 * blob's length are refused as soon as they appear (a decompression bomb stops there). A
 * zstd error underneath is reported the same way. Not thread-safe.
 */
final class VerifiedPlaintext extends InputStream {
  private final InputStream in;
  private final PackedBlob blob;
  private final String where;
  private final MessageDigest sha = Id.sha256();
  private long count;
  private boolean verified;
  private final byte[] one = new byte[1];

  VerifiedPlaintext(InputStream in, PackedBlob blob, String where) {
    this.in = in;
    this.blob = blob;
    this.where = where;
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int n;
    try {
      n = in.read(b, off, len);
    } catch (ZstdException | ZstdIOException e) {
      throw damaged("zstd: " + e.getMessage(), e);
    }
    if (n < 0) {
      verifyEnd();
      return -1;
    }
    count += n;
    if (count > blob.plaintextLength()) {
      throw damaged("more than its " + blob.plaintextLength() + " bytes", null);
    }
    sha.update(b, off, n);
    return n;
  }

  private void verifyEnd() throws DamagedBlobException {
    if (verified) {
      return;
    }
    if (count != blob.plaintextLength()) {
      throw damaged(count + " bytes, expected " + blob.plaintextLength(), null);
    }
    if (!Id.of(sha.digest()).equals(blob.id())) {
      throw damaged("does not match its id", null);
    }
    verified = true;
  }

  private DamagedBlobException damaged(String what, Exception cause) {
    String message = where + ": blob " + blob.id().shortForm() + " " + what;
    return new DamagedBlobException(cause == null ? new CorruptionException(message)
        : new CorruptionException(message, cause));
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
