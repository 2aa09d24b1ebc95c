package dev.bulwark.cli.http;

import dev.bulwark.cli.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The secret every API call must present as {@code Authorization: Bearer <token>}.
 *
 * <p>Only the SHA-256 of the token is kept, and a presented token is compared by hashing it
 * and comparing the two digests with {@link MessageDigest#isEqual}: the time taken depends on
 * neither the content nor the length of the real token. {@link #toString()} never shows it.
 * Thread-safe (immutable).
 */
final class BearerToken {
  /** RFC 6750's b64token: what can travel in the header unquoted. */
  private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
  private static final String PREFIX = "Bearer ";

  private final byte[] digest;

  private BearerToken(byte[] digest) {
    this.digest = digest;
  }

  /**
   * Reads the token from {@code file}: surrounding whitespace is removed, as for password files.
   *
   * @throws ConfigException if no file is configured, it is missing, empty, not a plain token,
   *     or readable or writable by group or others (the message says how to fix it and never
   *     contains the token)
   */
  static BearerToken read(Path file) throws ConfigException, IOException {
    if (file == null) {
      throw new ConfigException("api: token-file is not set; the API refuses to run without a "
          + "token (e.g. openssl rand -hex 32 > token && chmod 600 token)");
    }
    // A symlink is followed (Kubernetes mounts secrets as links into a ..data folder); what is
    // checked is the file the link finally names, which is what would be read.
    Path real;
    PosixFileAttributes attrs;
    try {
      real = file.toRealPath();
      attrs = Files.readAttributes(real, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new ConfigException("api: token file " + file + " does not exist"
          + (Files.isSymbolicLink(file) ? " (it is a link to nothing)" : ""), e);
    } catch (UnsupportedOperationException e) {
      throw new ConfigException("api: cannot check the permissions of token file " + file
          + " (no POSIX permissions on this file system)", e);
    }
    String shown = real.equals(file) ? file.toString() : file + " (-> " + real + ")";
    if (!attrs.isRegularFile()) {
      throw new ConfigException("api: token file " + shown + " is not a regular file");
    }
    if (attrs.permissions().stream().anyMatch(GROUP_OR_OTHERS::contains)) {
      throw new ConfigException("api: token file " + shown + " is accessible by group or "
          + "others; run chmod 600 " + real + " (Kubernetes: defaultMode: 0400 on the secret "
          + "volume)");
    }
    String owner = attrs.owner().getName();
    String me = System.getProperty("user.name", "");
    // Root may own it too: root can read anything of ours anyway.
    if (!owner.equals(me) && !owner.equals("root") && !me.isEmpty()) {
      throw new ConfigException("api: token file " + shown + " is owned by " + owner
          + ", not by " + me + " who runs bulwark; run chown " + me + " " + real);
    }
    byte[] raw = Files.readAllBytes(real);
    try {
      String token = new String(raw, StandardCharsets.UTF_8).strip();
      if (token.isEmpty()) {
        throw new ConfigException("api: token file " + file + " is empty");
      }
      if (!B64TOKEN.matcher(token).matches()) {
        throw new ConfigException("api: token file " + file + " must hold one token of letters, "
            + "digits and -._~+/ (e.g. openssl rand -hex 32)");
      }
      return new BearerToken(sha256(token.getBytes(StandardCharsets.US_ASCII)));
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** True if {@code authorization} (the header's value, may be null) carries this token. */
  boolean accepts(String authorization) {
    if (authorization == null || authorization.length() <= PREFIX.length()
        || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    byte[] presented = authorization.substring(PREFIX.length()).strip()
        .getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(digest, sha256(presented));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "BearerToken[***]";
  }
}
