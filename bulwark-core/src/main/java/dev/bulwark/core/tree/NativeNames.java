package dev.bulwark.core.tree;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Crosses between the bytes of file names and {@link Path}s without loss, with public JDK API
 * only.
 *
 * <p>The JDK decodes file names with {@code sun.jnu.encoding} (UTF-8, or ASCII under {@code
 * LC_ALL=C}) and puts U+FFFD in {@link Path#toString()} for bytes it cannot decode, but a Unix
 * {@code Path} keeps the raw bytes it was made from. Its {@code file:} URI percent-encodes those
 * bytes, and a {@code Path} made from such a URI holds exactly the bytes encoded in it. The URI
 * is used only when the string form is not exact, so ordinary names cost nothing extra.
 */
public final class NativeNames {
  private static final boolean JNU_UTF8 = jnuIsUtf8();
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private NativeNames() {}

  private static boolean jnuIsUtf8() {
    String enc = System.getProperty("sun.jnu.encoding");
    try {
      return enc != null && Charset.forName(enc).equals(StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The bytes of {@code path} as the file system sees them (an absolute path stays absolute). */
  public static byte[] bytesOf(Path path) {
    String s = path.toString();
    if (exact(s)) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    boolean relative = !path.isAbsolute();
    Path abs = relative ? Path.of("/").resolve(path) : path;
    String raw = abs.toUri().getRawPath();
    // toUri appends '/' to a directory's path. A Path read from a symlink keeps a trailing '/'
    // of its own, which its string form shows too.
    if (raw.length() > 1 && raw.endsWith("/") && !s.endsWith("/")) {
      raw = raw.substring(0, raw.length() - 1);
    }
    byte[] b = percentDecode(raw);
    return relative ? Arrays.copyOfRange(b, 1, b.length) : b;
  }

  /** The name of the last element of {@code path} (which must have one). */
  public static FileName fileName(Path path) {
    byte[] b = bytesOf(path);
    int slash = b.length - 1;
    while (slash >= 0 && b[slash] != '/') {
      slash--;
    }
    return FileName.of(Arrays.copyOfRange(b, slash + 1, b.length));
  }

  /** {@code dir}'s child named {@code name}, byte for byte. */
  public static Path resolve(Path dir, FileName name) {
    byte[] b = name.bytes();
    if (exact(b)) {
      return dir.resolve(new String(b, StandardCharsets.UTF_8));
    }
    return dir.resolve(fromBytes(b, true).getFileName());
  }

  /**
   * A path of these bytes (relative if they do not start with {@code /}), for a symlink target.
   * The JDK folds repeated and trailing slashes of any path it builds (though not of one it reads
   * from a link), so {@code a//b/} becomes {@code a/b}; check with {@link #bytesOf}.
   *
   * @throws IllegalArgumentException if the bytes hold a NUL
   */
  public static Path path(byte[] bytes) {
    if (exact(bytes)) {
      return Path.of(new String(bytes, StandardCharsets.UTF_8));
    }
    boolean absolute = bytes.length > 0 && bytes[0] == '/';
    Path abs = fromBytes(bytes, !absolute);
    return absolute ? abs : abs.subpath(0, abs.getNameCount());
  }

  private static Path fromBytes(byte[] bytes, boolean prependSlash) {
    StringBuilder uri = new StringBuilder("file://");
    if (prependSlash) {
      uri.append('/');
    }
    for (byte x : bytes) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
        uri.append((char) c);
      } else {
        uri.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
      }
    }
    try {
      return Path.of(new URI(uri.toString()));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a path: " + GoQuote.quote(bytes), e);
    }
  }

  /** Whether {@code s} is exactly what the JDK encodes to and from the file system. */
  private static boolean exact(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80 && (!JNU_UTF8 || c == '\uFFFD' || Character.isSurrogate(c))) {
        return false;
      }
    }
    return true;
  }

  /** Whether a string made of these bytes is exactly what the JDK encodes back to them. */
  private static boolean exact(byte[] b) {
    boolean ascii = true;
    for (byte x : b) {
      if (x == 0) {
        return false;
      }
      ascii &= x > 0;
    }
    return ascii || (JNU_UTF8 && Utf8.isValid(b) && noReplacement(b));
  }

  /** U+FFFD literally in a name goes the URI way, so it is never confused with a lost byte. */
  private static boolean noReplacement(byte[] b) {
    return new String(b, StandardCharsets.UTF_8).indexOf('\uFFFD') < 0;
  }

  private static byte[] percentDecode(String raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length()) {
        out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }
}
