package dev.bulwark.core.pack;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.crypto.MasterKey;
import dev.bulwark.core.crypto.SealedBytes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Turns a blob's plaintext into what a pack stores and back: zstd, then seal; open, then
 * unzstd and verify the id.
 */
public final class BlobCodec {
  /**
   * One zstd context per thread: the one-shot calls create and free a context (hundreds of KiB
   * of tables) per blob, which cost more than compressing a 64 KiB chunk.
   */
  private static final ThreadLocal<ZstdCompressCtx> COMPRESS =
      ThreadLocal.withInitial(ZstdCompressCtx::new);
  private static final ThreadLocal<ZstdDecompressCtx> DECOMPRESS =
      ThreadLocal.withInitial(ZstdDecompressCtx::new);
  private static final ThreadLocal<int[]> LEVEL = ThreadLocal.withInitial(() -> new int[] {
      Integer.MIN_VALUE});

  private BlobCodec() {}

  /** A zstd frame of {@code plain[off, off+len)} at {@code level}. */
  public static byte[] compress(byte[] plain, int off, int len, int level) {
    ZstdCompressCtx ctx = COMPRESS.get();
    int[] current = LEVEL.get();
    if (current[0] != level) {
      ctx.setLevel(level);
      current[0] = level;
    }
    byte[] dst = new byte[(int) Zstd.compressBound(len)];
    int n = ctx.compressByteArray(dst, 0, dst.length, plain, off, len);
    return java.util.Arrays.copyOf(dst, n);
  }

  /**
   * Opens a sealed blob, decompresses it if needed and checks its SHA-256 against {@code id}.
   *
   * @throws CorruptionException naming {@code where} if any step fails
   */
  public static byte[] open(MasterKey key, byte[] sealed, int off, PackedBlob blob, String where)
      throws CorruptionException {
    byte[] stored;
    try {
      stored = key.open(sealed, off, blob.length());
    } catch (CorruptionException e) {
      throw new CorruptionException(where + ": blob " + blob.id().shortForm() + ": "
          + e.getMessage(), e);
    }
    byte[] plain;
    if (blob.isCompressed()) {
      plain = decompress(stored, blob.uncompressedLength(), where);
    } else {
      plain = stored;
    }
    if (!Id.hash(plain).equals(blob.id())) {
      throw new CorruptionException(where + ": blob " + blob.id().shortForm()
          + " does not match its id");
    }
    return plain;
  }

  /**
   * Opens a sealed blob as a stream, for blobs too large to hold: the MAC is verified over all
   * of the ciphertext first, then the plaintext is decrypted and decompressed as it is read,
   * and checked against the blob's id and length when the stream reaches its end (a read that
   * finds it damaged throws {@link DamagedBlobException}). Read it to the end before trusting
   * anything taken from it.
   *
   * @param sealed the sealed blob, read twice (see {@link SealedBytes})
   * @throws CorruptionException naming {@code where} if the MAC does not verify
   */
  public static InputStream openStream(MasterKey key, SealedBytes sealed, PackedBlob blob,
      String where) throws IOException, CorruptionException {
    InputStream plain;
    try {
      plain = key.openStream(sealed);
    } catch (CorruptionException e) {
      throw new CorruptionException(where + ": blob " + blob.id().shortForm() + ": "
          + e.getMessage(), e);
    }
    if (blob.isCompressed()) {
      plain = new ZstdInputStreamNoFinalizer(plain);
    }
    return new VerifiedPlaintext(plain, blob, where);
  }

  /** Decompresses a zstd frame whose content is exactly {@code length} bytes. */
  public static byte[] decompress(byte[] frame, int length, String where)
      throws CorruptionException {
    try {
      byte[] out = new byte[length];
      long n = DECOMPRESS.get().decompressByteArray(out, 0, length, frame, 0, frame.length);
      if (n != length) {
        throw new CorruptionException(where + ": decompressed " + n + " bytes, expected " + length);
      }
      return out;
    } catch (ZstdException e) {
      throw new CorruptionException(where + ": zstd: " + e.getMessage(), e);
    }
  }

  /** Decompresses a frame of unknown content size, as restic writes small ones. */
  public static byte[] decompressUnknownSize(byte[] frame, int off, int len, String where)
      throws CorruptionException {
    try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(frame, off, len))) {
      return in.readAllBytes();
    } catch (IOException | ZstdException e) {
      throw new CorruptionException(where + ": zstd: " + e.getMessage(), e);
    }
  }
}
