package dev.bulwark.cli.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The environment an S3 repository is opened with: the process's variables, and for each
 * setting of {@link S3Config} that no variable sets, the variable that the S3 backend reads.
 * Credentials go as a whole: if the environment names any ({@code AWS_ACCESS_KEY_ID}, {@code
 * AWS_SECRET_ACCESS_KEY}, {@code AWS_PROFILE}, {@code AWS_SHARED_CREDENTIALS_FILE}), the file's
 * are not used, so that keys from two places are never mixed.
 */
public final class S3Environment {
  private static final List<String> CREDENTIAL_VARIABLES = List.of("AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE");
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private S3Environment() {}

  /**
   * {@code env} with {@code s3}'s settings added where {@code env} has none. Key files are
   * read here, each time a repository is opened, so a rotated key is picked up by the next
   * open; their content goes into the returned map only, never into a log or a message.
   *
   * @param where names the block in messages, e.g. {@code repositories.offsite.s3}
   * @throws ConfigException if a key file is missing, empty, or readable by others than its
   *     owner
   */
  public static Map<String, String> of(S3Config s3, Map<String, String> env, String where)
      throws ConfigException {
    if (s3 == null || s3.isEmpty()) {
      return env;
    }
    Map<String, String> out = new HashMap<>(env);
    if (s3.endpoint() != null && !anySet(env, "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3")) {
      out.put("AWS_ENDPOINT_URL", s3.endpoint());
    }
    if (s3.region() != null && !anySet(env, "AWS_REGION", "AWS_DEFAULT_REGION")) {
      out.put("AWS_REGION", s3.region());
    }
    if (s3.pathStyle() != null && !anySet(env, "BULWARK_S3_PATH_STYLE")) {
      out.put("BULWARK_S3_PATH_STYLE", s3.pathStyle().toString());
    }
    if (s3.connections() != null && !anySet(env, "BULWARK_S3_CONNECTIONS")) {
      out.put("BULWARK_S3_CONNECTIONS", s3.connections().toString());
    }
    if (anySet(env, CREDENTIAL_VARIABLES.toArray(String[]::new))) {
      return out;
    }
    if (s3.accessKeyFile() != null) {
      out.put("AWS_ACCESS_KEY_ID", secret(s3.accessKeyFile(), where + ".access-key-file"));
      out.put("AWS_SECRET_ACCESS_KEY", secret(s3.secretKeyFile(), where + ".secret-key-file"));
    } else if (s3.credentialsFile() != null) {
      ownerOnly(s3.credentialsFile(), where + ".credentials-file");
      out.put("AWS_SHARED_CREDENTIALS_FILE", s3.credentialsFile().toString());
    }
    if (s3.profile() != null) {
      out.put("AWS_PROFILE", s3.profile());
    }
    return out;
  }

  private static boolean anySet(Map<String, String> env, String... names) {
    for (String n : names) {
      String v = env.get(n);
      if (v != null && !v.isBlank()) {
        return true;
      }
    }
    return false;
  }

  private static String secret(Path file, String field) throws ConfigException {
    ownerOnly(file, field);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new ConfigException(field + ": cannot read " + file + ": " + e.getMessage(), e);
    }
    if (text.isEmpty()) {
      throw new ConfigException(field + ": " + file + " is empty; it should hold the key alone");
    }
    return text;
  }

  private static void ownerOnly(Path file, String field) throws ConfigException {
    if (!Files.exists(file)) {
      throw new ConfigException(field + ": " + file + " does not exist");
    }
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException e) {
      return; // no POSIX permissions here (not Linux or macOS): nothing to check
    } catch (IOException e) {
      throw new ConfigException(field + ": cannot read " + file + ": " + e.getMessage(), e);
    }
    if (perms.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
      throw new ConfigException(field + ": " + file + " holds a secret but is accessible by "
          + "group or others; run: chmod 600 " + file);
    }
  }
}
