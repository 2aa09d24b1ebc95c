package dev.bulwark.core.pack;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.bulwark.core.BlobType;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.crypto.MasterKey;
import dev.bulwark.core.crypto.SealedBytes;
import dev.bulwark.core.fs.PrivateTempFile;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * A blob sealed while its plaintext is written, into a temporary file instead of the heap: the
 * plaintext is hashed (its SHA-256 is the blob id), compressed and sealed as a stream, so a
 * blob of any size costs a few buffers. What a pack stores is the same as for a blob sealed in
 * memory ({@code IV || AES-256-CTR(zstd(plaintext)) || Poly1305-AES}, restic-format.md §3), so
 * restic reads it as any other. Made for a file's tree blob, whose content list at small
 * chunks runs to tens of megabytes of JSON.
 *
 * <p>The sealed bytes are handed over as a read-only buffer mapped from the file (outside the
 * heap); the file is created 0600 and removed as soon as it is mapped, so nothing is left
 * behind even if the process dies, and the mapping keeps the bytes until it is collected.
 */
public final class SpilledBlob {
  /** Writes a blob's plaintext. */
  @FunctionalInterface
  public interface Plaintext {
    /**
     * Writes the whole plaintext to {@code out} (without closing it).
     *
     * @param out where the plaintext goes
     * @throws IOException if writing fails
     */
    void writeTo(OutputStream out) throws IOException;
  }

  private static final int FILE_BUFFER = 256 * 1024;

  private final Id id;
  private final long plaintextLength;
  private final boolean compressed;
  private final ByteBuffer sealed;

  private SpilledBlob(Id id, long plaintextLength, boolean compressed, ByteBuffer sealed) {
    this.id = id;
    this.plaintextLength = plaintextLength;
    this.compressed = compressed;
    this.sealed = sealed;
  }

  /**
   * Seals the plaintext {@code plaintext} writes, compressed at {@code zstdLevel} (0: stored
   * raw, as in a version 1 repository), through a temporary file in {@code java.io.tmpdir}.
   *
   * @param key the key to seal with
   * @param zstdLevel the zstd level; 0 for none
   * @param plaintext writes the blob's plaintext
   * @return the sealed blob
   * @throws IOException if the temporary file cannot be written, or {@code plaintext} fails
   * @throws IllegalArgumentException if the plaintext is empty or longer than a pack entry
   *     can describe (restic's lengths are uint32; ours are {@code int})
   */
  public static SpilledBlob seal(MasterKey key, int zstdLevel, Plaintext plaintext)
      throws IOException {
    Path file = PrivateTempFile.create("bulwark-blob-");
    try {
      MessageDigest sha = Id.sha256();
      long[] count = {0};
      try (OutputStream sink = new BufferedOutputStream(Files.newOutputStream(file), FILE_BUFFER);
          OutputStream sealing = key.sealingStream(sink);
          OutputStream packed = zstdLevel == 0 ? sealing
              : new ZstdOutputStreamNoFinalizer(sealing, zstdLevel);
          OutputStream hashing = new FilterOutputStream(packed) {
            @Override
            public void write(int b) throws IOException {
              write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              sha.update(b, off, len);
              count[0] += len;
              out.write(b, off, len);
            }
          }) {
        plaintext.writeTo(hashing);
      }
      if (count[0] == 0 || count[0] > Integer.MAX_VALUE - MasterKey.OVERHEAD) {
        throw new IllegalArgumentException(
            "a streamed blob must hold 1 to 2^31 bytes, got " + count[0]);
      }
      ByteBuffer mapped;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        if (ch.size() > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("a sealed blob of " + ch.size() + " bytes");
        }
        mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).asReadOnlyBuffer();
      }
      SpilledBlob blob = new SpilledBlob(Id.of(sha.digest()), count[0], zstdLevel != 0, mapped);
      blob.verify(key);
      return blob;
    } finally {
      // A mapping outlives its file on the systems Bulwark runs on (POSIX unlink semantics).
      Files.deleteIfExists(file);
    }
  }

  /**
   * Opens what was sealed and checks it against the id and length, as restic 0.17 does for
   * every blob it seals: a fault in the streamed sealing (or in the file under it) would
   * otherwise be stored as a snapshot's tree and found only by a restore.
   */
  private void verify(MasterKey key) throws IOException {
    ByteBuffer b = sealed.duplicate();
    SealedBytes bytes = new SealedBytes() {
      @Override
      public long length() {
        return b.capacity();
      }

      @Override
      public void read(long position, byte[] dst, int off, int len) {
        b.get((int) position, dst, off, len);
      }
    };
    PackedBlob blob = new PackedBlob(BlobType.TREE, id, 0, b.capacity(), uncompressedLength());
    try (InputStream in = BlobCodec.openStream(key, bytes, blob, "a blob just sealed")) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (CorruptionException e) {
      throw new IOException("a blob just sealed does not open: " + e.getMessage(), e);
    }
  }

  /** The blob id: the SHA-256 of the plaintext. */
  public Id id() {
    return id;
  }

  /** Length of the plaintext in bytes. */
  public int plaintextLength() {
    return (int) plaintextLength;
  }

  /** The plaintext length if the sealed content is a zstd frame, else 0 (a pack entry's). */
  public int uncompressedLength() {
    return compressed ? (int) plaintextLength : 0;
  }

  /** The sealed blob, read-only and outside the heap; read it through duplicates. */
  public ByteBuffer sealed() {
    return sealed.duplicate();
  }
}
