package dev.bulwark.core.repo;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.crypto.MasterKey;
import dev.bulwark.core.crypto.SealedBytes;
import dev.bulwark.core.fs.PrivateTempFile;
import dev.bulwark.core.index.BlobLocation;
import dev.bulwark.core.pack.BlobCodec;
import dev.bulwark.core.pack.DamagedBlobException;
import dev.bulwark.core.tree.Tree;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a blob too large to hold (see {@link LargeBlobs}) without holding it: the sealed
 * blob is copied from its pack into a 0600 temporary file in pieces, its MAC verified over the
 * whole ciphertext there, and only then is it decrypted, decompressed and parsed as a stream,
 * checked against its id at the end. The file is ours and local, so the bytes parsed are the
 * bytes authenticated; it is deleted when the read ends. Trees are parsed so; check only
 * verifies.
 */
final class LargeBlobReads {
  /** Bytes fetched from the pack at a time. */
  private static final int PIECE_BYTES = 4 * 1024 * 1024;

  private LargeBlobReads() {}

  /**
   * The tree at {@code loc}, read as a stream.
   *
   * @param where names the pack for messages
   * @throws CorruptionException if the pack is missing or truncated, or the blob damaged
   */
  static Tree load(Repository repo, MasterKey key, BlobLocation loc, String where)
      throws IOException, BulwarkException {
    Path file = PrivateTempFile.create("bulwark-tree-");
    try {
      spool(repo, loc, file, where);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
          InputStream plain = BlobCodec.openStream(key, sealedIn(ch), loc.blob(), where)) {
        return Tree.parse(plain);
      } catch (DamagedBlobException e) {
        throw e.corruption();
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * Verifies the blob at {@code loc} as {@link #load} reads a tree, and returns its plaintext
   * length.
   *
   * @throws CorruptionException if the pack is missing or truncated, or the blob damaged
   */
  static long verify(Repository repo, MasterKey key, BlobLocation loc, String where)
      throws IOException, BulwarkException {
    Path file = PrivateTempFile.create("bulwark-blob-");
    try {
      spool(repo, loc, file, where);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
          InputStream plain = BlobCodec.openStream(key, sealedIn(ch), loc.blob(), where)) {
        return plain.transferTo(OutputStream.nullOutputStream());
      } catch (DamagedBlobException e) {
        throw e.corruption();
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void spool(Repository repo, BlobLocation loc, Path file, String where)
      throws IOException, CorruptionException {
    Id blob = loc.blob().id();
    long offset = loc.blob().offset();
    long end = offset + loc.blob().length();
    try (OutputStream out = Files.newOutputStream(file)) {
      while (offset < end) {
        int n = (int) Math.min(PIECE_BYTES, end - offset);
        out.write(repo.loadPackRange(loc.pack(), offset, n));
        offset += n;
      }
    } catch (NoSuchFileException e) {
      throw new CorruptionException(where + " is missing (needed for blob " + blob.shortForm()
          + ")", e);
    } catch (EOFException e) {
      throw new CorruptionException(where + " is truncated (needed for blob "
          + blob.shortForm() + ")", e);
    }
  }

  private static SealedBytes sealedIn(FileChannel ch) throws IOException {
    long size = ch.size();
    return new SealedBytes() {
      @Override
      public long length() {
        return size;
      }

      @Override
      public void read(long position, byte[] b, int off, int len) throws IOException {
        ByteBuffer dst = ByteBuffer.wrap(b, off, len);
        while (dst.hasRemaining()) {
          if (ch.read(dst, position + dst.position() - off) < 0) {
            throw new EOFException("temporary copy of a tree blob ended early");
          }
        }
      }
    };
  }
}
