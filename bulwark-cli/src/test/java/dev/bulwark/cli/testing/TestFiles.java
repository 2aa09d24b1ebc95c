package dev.bulwark.cli.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/** File helpers for end-to-end tests: random content, hashes of trees, repository listings. */
public final class TestFiles {
  private TestFiles() {}

  /** Writes {@code size} incompressible bytes from a PRNG seeded with {@code seed}. */
  public static Path writeRandom(Path file, long size, long seed) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    SplittableRandom random = new SplittableRandom(seed);
    ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      long left = size;
      while (left > 0) {
        buf.clear();
        while (buf.remaining() >= 8) {
          buf.putLong(random.nextLong());
        }
        buf.flip();
        buf.limit((int) Math.min(buf.limit(), left));
        left -= buf.remaining();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
    }
    return file;
  }

  /**
   * Overwrites chunks {@code phase}, {@code phase + every}, ... of {@code file} (chunks of
   * {@code chunkBytes}) with fresh seeded random bytes: a database rewriting pages in place.
   */
  public static void rewriteChunks(Path file, int chunkBytes, int every, int phase, long seed)
      throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] fresh = new byte[chunkBytes];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      long chunks = ch.size() / chunkBytes;
      for (long c = phase; c < chunks; c += every) {
        random.nextBytes(fresh);
        ByteBuffer buf = ByteBuffer.wrap(fresh);
        while (buf.hasRemaining()) {
          ch.write(buf, c * chunkBytes + buf.position());
        }
      }
    }
  }

  /** SHA-256 of a file's content, in hex. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Absolute path to SHA-256 of every regular file under {@code root}. */
  public static Map<String, String> hashes(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        out.put(f.toAbsolutePath().toString(), sha256(f));
      }
    }
    return out;
  }

  /**
   * Original absolute path to SHA-256 of every regular file restored under {@code target} (a
   * restore puts {@code /a/b} at {@code target/a/b}).
   */
  public static Map<String, String> restoredHashes(Path target) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(target)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        out.put("/" + target.relativize(f), sha256(f));
      }
    }
    return out;
  }

  /** Flips the lowest bit of the byte at {@code offset}. */
  public static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      if (ch.read(b, offset) != 1) {
        throw new IOException(file + " has no byte at " + offset);
      }
      b.put(0, (byte) (b.get(0) ^ 1));
      b.rewind();
      ch.write(b, offset);
      ch.force(true);
    }
  }

  /**
   * The files of one repository folder ({@code data}, {@code index}, {@code keys},
   * {@code locks}, {@code snapshots}) whose names are ids, i.e. not temp files.
   */
  public static List<Path> repoFiles(Path repo, String folder) throws IOException {
    Path dir = repo.resolve(folder);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    // A process may be writing there: a temp file can be renamed away while the walk reads its
    // attributes, which the walk reports as a missing file. Walk again then.
    for (int attempt = 1; ; attempt++) {
      try (Stream<Path> s = Files.walk(dir, folder.equals("data") ? 2 : 1)) {
        return s.filter(Files::isRegularFile)
            .filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}"))
            .sorted()
            .toList();
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof NoSuchFileException) || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  /** Every file under {@code root} named like an atomic-write temp file ({@code *-tmp-*}). */
  public static List<Path> tempFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().contains("-tmp-")).sorted().toList();
    }
  }

  /** The file name of {@code p}, which for repository files is the id. */
  public static String name(Path p) {
    return p.getFileName().toString();
  }
}
