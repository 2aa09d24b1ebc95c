package dev.bulwark.s3;

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
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How to reach a repository on S3, as configured in a file ({@code bulwark.yml}'s {@code s3:}
 * block, a Spring application's {@code bulwark.s3.*} properties) rather than in the
 * environment. Every field may be null: the environment variable the S3 backend reads, or its
 * default, applies. {@link #under} turns the settings into that environment, where each
 * variable that is set wins over the setting; keys are never settings themselves, only files
 * that hold them.
 *
 * @param endpoint the service's URL for {@code s3://bucket} locations ({@code AWS_ENDPOINT_URL})
 * @param region the signing region ({@code AWS_REGION})
 * @param pathStyle true for path-style addressing, false for virtual-host ({@code
 *     BULWARK_S3_PATH_STYLE})
 * @param connections parallel transfers, 1 to 128 ({@code BULWARK_S3_CONNECTIONS})
 * @param credentialsFile an AWS-style credentials file ({@code AWS_SHARED_CREDENTIALS_FILE})
 * @param profile the profile to take from it, or from the SDK's usual files ({@code
 *     AWS_PROFILE}); {@code default} when a credentials file is given without one
 * @param accessKeyFile a file holding the access key id ({@code AWS_ACCESS_KEY_ID})
 * @param secretKeyFile a file holding the secret access key ({@code AWS_SECRET_ACCESS_KEY})
 */
public record S3Settings(@Nullable String endpoint, @Nullable String region,
    @Nullable Boolean pathStyle, @Nullable Integer connections, @Nullable Path credentialsFile,
    @Nullable String profile, @Nullable Path accessKeyFile, @Nullable Path secretKeyFile) {
  /** Nothing set: the environment and the backend's defaults decide everything. */
  public static final S3Settings NONE = new S3Settings(null, null, null, null, null, null, null,
      null);
  /** The fewest parallel transfers a setting may ask for. */
  public static final int MIN_CONNECTIONS = 1;
  /** The most parallel transfers a setting may ask for. */
  public static final int MAX_CONNECTIONS = 128;

  /** A scheme and an authority, nothing else: no bucket, no credentials. */
  private static final Pattern HTTP_URL = Pattern.compile("https?://[^/@\\s]+/?");
  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final List<String> CREDENTIAL_VARIABLES = List.of("AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE");
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  /**
   * Whether nothing is set.
   *
   * @return true if every field is null
   */
  public boolean isEmpty() {
    return equals(NONE);
  }

  /**
   * Checks each value on its own and the pairs that go together: the endpoint is an http(s)
   * URL with no path or credentials, the region and profile are plain words, connections is
   * within {@value #MIN_CONNECTIONS} to {@value #MAX_CONNECTIONS}, the key files come both or
   * neither, and not together with a credentials file. Files are not read here (see {@link
   * #under}).
   *
   * @param where the block's name in messages, e.g. {@code bulwark.s3}
   * @throws S3SettingsException naming the first wrong setting as {@code where.name}
   */
  public void check(String where) throws S3SettingsException {
    if (endpoint != null && !HTTP_URL.matcher(endpoint).matches()) {
      throw new S3SettingsException(where + ".endpoint: '" + endpoint + "' is not an http(s) "
          + "URL such as https://minio.example:9000 (no bucket, no credentials)");
    }
    if (region != null && !WORD.matcher(region).matches()) {
      throw new S3SettingsException(where + ".region: '" + region + "' is not a region such "
          + "as eu-west-1");
    }
    if (connections != null && (connections < MIN_CONNECTIONS || connections > MAX_CONNECTIONS)) {
      throw new S3SettingsException(where + ".connections: " + connections + " is out of range "
          + "(" + MIN_CONNECTIONS + " to " + MAX_CONNECTIONS + ")");
    }
    if (profile != null && !WORD.matcher(profile).matches()) {
      throw new S3SettingsException(where + ".profile: '" + profile + "' is not a profile name "
          + "of the credentials file");
    }
    if ((accessKeyFile == null) != (secretKeyFile == null)) {
      throw new S3SettingsException(where + (accessKeyFile == null ? ".access-key-file"
          : ".secret-key-file") + ": missing; access-key-file and secret-key-file go together; "
          + "give both");
    }
    if (accessKeyFile != null && credentialsFile != null) {
      throw new S3SettingsException(where + ".credentials-file: give either credentials-file "
          + "or access-key-file and secret-key-file, not both");
    }
  }

  /**
   * {@code env} with these settings added where {@code env} has none: the environment the S3
   * backend opens a repository with. Credentials go as a whole: if {@code env} names any
   * ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_PROFILE}, {@code
   * AWS_SHARED_CREDENTIALS_FILE}), the settings' are not used, so that keys from two places
   * are never mixed. Key files are read here, each time a repository is opened, so a rotated
   * key is picked up by the next open; their content goes into the returned map only, never
   * into a log or a message.
   *
   * @param env the process's environment (not changed)
   * @param where names the block in messages, e.g. {@code repositories.offsite.s3}
   * @return {@code env} itself if nothing is set, else a new map
   * @throws S3SettingsException if a key or credentials file is missing, empty, or accessible
   *     by others than its owner
   */
  public Map<String, String> under(Map<String, String> env, String where)
      throws S3SettingsException {
    if (isEmpty()) {
      return env;
    }
    Map<String, String> out = new HashMap<>(env);
    if (endpoint != null && !anySet(env, "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3")) {
      out.put("AWS_ENDPOINT_URL", endpoint);
    }
    if (region != null && !anySet(env, "AWS_REGION", "AWS_DEFAULT_REGION")) {
      out.put("AWS_REGION", region);
    }
    if (pathStyle != null && !anySet(env, S3Location.PATH_STYLE)) {
      out.put(S3Location.PATH_STYLE, pathStyle.toString());
    }
    if (connections != null && !anySet(env, S3Location.CONNECTIONS)) {
      out.put(S3Location.CONNECTIONS, connections.toString());
    }
    if (anySet(env, CREDENTIAL_VARIABLES.toArray(String[]::new))) {
      return out;
    }
    if (accessKeyFile != null && secretKeyFile != null) {
      out.put("AWS_ACCESS_KEY_ID", secret(accessKeyFile, where + ".access-key-file"));
      out.put("AWS_SECRET_ACCESS_KEY", secret(secretKeyFile, where + ".secret-key-file"));
    } else if (credentialsFile != null) {
      ownerOnly(credentialsFile, where + ".credentials-file");
      out.put(S3BackendProvider.CREDENTIALS_FILE, credentialsFile.toString());
    }
    if (profile != null) {
      out.put("AWS_PROFILE", profile);
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

  private static String secret(Path file, String field) throws S3SettingsException {
    ownerOnly(file, field);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new S3SettingsException(field + ": cannot read " + file + ": " + e.getMessage(), e);
    }
    if (text.isEmpty()) {
      throw new S3SettingsException(field + ": " + file + " is empty; it should hold the key "
          + "alone");
    }
    return text;
  }

  private static void ownerOnly(Path file, String field) throws S3SettingsException {
    if (!Files.exists(file)) {
      throw new S3SettingsException(field + ": " + file + " does not exist");
    }
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException e) {
      return; // no POSIX permissions here (not Linux or macOS): nothing to check
    } catch (IOException e) {
      throw new S3SettingsException(field + ": cannot read " + file + ": " + e.getMessage(), e);
    }
    if (perms.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
      throw new S3SettingsException(field + ": " + file + " holds a secret but is accessible "
          + "by group or others; run: chmod 600 " + file);
    }
  }
}
