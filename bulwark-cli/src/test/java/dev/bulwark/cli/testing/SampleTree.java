package dev.bulwark.cli.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Builds the awkward file trees the interoperability tests back up: sizes around page and
 * chunk boundaries, incompressible, compressible and mixed content, deep folders, symlinks,
 * names with spaces, backslashes, quotes, control characters and characters beyond the BMP,
 * and special permissions. Everything is derived from a seed, so a failure reproduces.
 */
public final class SampleTree {
  /** Nested four levels deep, with unicode in the path. */
  public static final String DEEP_FILE =
      "dir with space/ünïcödé ＡＢ 😀/level3/level4/deep file.txt";

  private static final String[] WORDS = ("the quick brown fox jumps over a lazy dog while "
      + "backups of databases run every night and restic reads what bulwark writes page index "
      + "pack blob tree snapshot key lock").split(" ");

  private SampleTree() {}

  /**
   * Creates the sample tree under {@code root} (which must not exist yet).
   *
   * @param bigBytes size of {@code mixed.bin}, the large file of mixed content
   */
  public static void create(Path root, long bigBytes, long seed) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    Files.createDirectories(root);
    Files.write(root.resolve("empty"), new byte[0]);
    writeRandom(root.resolve("one-byte"), 1, rnd.nextLong());
    writeRandom(root.resolve("page-minus-one.bin"), 4095, rnd.nextLong());
    writeRandom(root.resolve("page.bin"), 4096, rnd.nextLong());
    writeRandom(root.resolve("chunk-plus-one.bin"), 65537, rnd.nextLong());
    writeRandom(root.resolve("random-1m.bin"), (1 << 20) + 4321, rnd.nextLong());
    writeText(root.resolve("text-5m.txt"), 5L * (1 << 20) + 17, rnd.nextLong());
    writeMixed(root.resolve("mixed.bin"), bigBytes, rnd.nextLong());

    Path deep = root.resolve(DEEP_FILE);
    Files.createDirectories(deep.getParent());
    writeText(deep, 10_000, rnd.nextLong());
    writeRandom(deep.resolveSibling("level4 random.bin"), 300_000, rnd.nextLong());
    Path unicodeDir = root.resolve("dir with space/ünïcödé ＡＢ 😀");
    // Ordered differently by UTF-16 (Java) and by UTF-8 bytes (Go): U+FF21 vs U+1F600.
    Files.writeString(unicodeDir.resolve("Ａ"), "fullwidth A\n");
    Files.writeString(unicodeDir.resolve("😀"), "emoji\n");
    Files.writeString(unicodeDir.resolve("cafe\u0301 nfd.txt"), "combining accent\n");
    Files.writeString(root.resolve("back\\slash name.txt"), "backslash\n");
    Files.writeString(root.resolve("quote\"d 'name'.txt"), "quotes\n");
    Files.writeString(root.resolve("tab\tand\nnewline"), "control characters\n");
    Files.writeString(root.resolve("dir with space/plain.txt"), "plain\n");

    Path many = Files.createDirectories(root.resolve("many"));
    for (int i = 0; i < 40; i++) {
      writeText(many.resolve(String.format("small-%02d.txt", i)), 1 + rnd.nextInt(3000),
          rnd.nextLong());
    }

    Path script = root.resolve("run.sh");
    Files.writeString(script, "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path secret = root.resolve("secret.key");
    writeRandom(secret, 64, rnd.nextLong());
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Path privateDir = Files.createDirectories(root.resolve("private"));
    Files.writeString(privateDir.resolve("inside.txt"), "private\n");
    Files.setPosixFilePermissions(privateDir, PosixFilePermissions.fromString("rwx------"));
    Path old = root.resolve("old.txt");
    Files.writeString(old, "from 2001\n");
    Files.setLastModifiedTime(old, FileTime.from(Instant.parse("2001-02-03T04:05:06.123456789Z")));

    Files.createSymbolicLink(root.resolve("link-relative"), Path.of(DEEP_FILE));
    Files.createSymbolicLink(root.resolve("link-absolute"), root.resolve("run.sh").toAbsolutePath());
    Files.createSymbolicLink(root.resolve("link-dangling"), Path.of("does/not/exist"));
    Files.createSymbolicLink(root.resolve("link to dir"), Path.of("dir with space"));
  }

  /**
   * Changes a tree made by {@link #create}: rewrites parts of the big file and appends to it,
   * shifts the text file, deletes, truncates, adds and renames entries, retargets a symlink and
   * changes permissions.
   */
  public static void modify(Path root, long seed) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    Path big = root.resolve("mixed.bin");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      long len = f.length();
      for (long at : new long[] {0, len / 3, len / 2 + 12345, Math.max(0, len - 5000)}) {
        byte[] b = new byte[4096];
        rnd.nextBytes(b);
        f.seek(at);
        f.write(b);
      }
      f.seek(f.length());
      byte[] tail = new byte[12345];
      rnd.nextBytes(tail);
      f.write(tail);
    }
    Path text = root.resolve("text-5m.txt");
    byte[] old = Files.readAllBytes(text);
    try (OutputStream out = Files.newOutputStream(text, StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write("a new first line shifts everything\n".getBytes(StandardCharsets.UTF_8));
      out.write(old);
    }
    Files.delete(root.resolve("one-byte"));
    Files.write(root.resolve("page.bin"), new byte[0]);
    writeRandom(root.resolve("new file ✓.bin"), 200_000, rnd.nextLong());
    Files.writeString(root.resolve("many/small-07.txt"), "rewritten\n");
    Files.delete(root.resolve("many/small-08.txt"));
    Path level4 = root.resolve(DEEP_FILE).getParent();
    Files.move(level4, level4.resolveSibling("level4 renamed"));
    Files.delete(root.resolve("link-relative"));
    Files.createSymbolicLink(root.resolve("link-relative"), Path.of("run.sh"));
    Files.setPosixFilePermissions(root.resolve("secret.key"),
        PosixFilePermissions.fromString("rw-r-----"));
  }

  /** Incompressible bytes from a seeded generator; returns their SHA-256 in hex. */
  public static String writeRandom(Path f, long size, long seed) throws IOException {
    Xorshift gen = new Xorshift(seed);
    java.security.MessageDigest md = dev.bulwark.core.Id.sha256();
    ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      for (long left = size; left > 0; ) {
        gen.fill(buf);
        buf.flip();
        buf.limit((int) Math.min(buf.capacity(), left));
        left -= buf.remaining();
        md.update(buf.duplicate());
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }


  /** Compressible text: lines of words from a small vocabulary. */
  public static void writeText(Path f, long size, long seed) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder();
    byte[] out;
    try (OutputStream os = Files.newOutputStream(f, StandardOpenOption.CREATE_NEW)) {
      long written = 0;
      while (written < size) {
        sb.setLength(0);
        int n = 4 + rnd.nextInt(12);
        sb.append(written).append(':');
        for (int i = 0; i < n; i++) {
          sb.append(' ').append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        sb.append('\n');
        out = sb.toString().getBytes(StandardCharsets.UTF_8);
        int len = (int) Math.min(out.length, size - written);
        os.write(out, 0, len);
        written += len;
      }
    }
  }

  /**
   * Mixed content in 256 KiB stretches: random, zeros, text, a repeated 4 KiB pattern, so that
   * the file has incompressible, compressible and duplicate chunks.
   */
  public static void writeMixed(Path f, long size, long seed) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    Xorshift gen = new Xorshift(seed ^ 0x5DEECE66DL);
    int stretch = 256 * 1024;
    ByteBuffer buf = ByteBuffer.allocate(stretch).order(ByteOrder.LITTLE_ENDIAN);
    byte[] pattern = new byte[4096];
    rnd.nextBytes(pattern);
    byte[] text = String.join(" ", WORDS).getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      for (long left = size; left > 0; ) {
        buf.clear();
        switch (rnd.nextInt(4)) {
          case 0 -> gen.fill(buf);
          case 1 -> buf.put(new byte[stretch]);
          case 2 -> {
            while (buf.hasRemaining()) {
              buf.put(text, 0, Math.min(text.length, buf.remaining()));
            }
          }
          default -> {
            while (buf.hasRemaining()) {
              buf.put(pattern);
            }
          }
        }
        buf.flip();
        buf.limit((int) Math.min(stretch, left));
        left -= buf.remaining();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
    }
  }

  /** xorshift64*: fast, seeded, good enough that no two 64 KiB blocks repeat. */
  public static final class Xorshift {
    private long state;

    public Xorshift(long seed) {
      state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    public long next() {
      state ^= state >>> 12;
      state ^= state << 25;
      state ^= state >>> 27;
      return state * 0x2545F4914F6CDD1DL;
    }

    /** Clears {@code buf} and fills it to its capacity (the caller flips it for reading). */
    public void fill(ByteBuffer buf) {
      buf.clear();
      while (buf.remaining() >= 8) {
        buf.putLong(next());
      }
      while (buf.hasRemaining()) {
        buf.put((byte) next());
      }
    }
  }
}
