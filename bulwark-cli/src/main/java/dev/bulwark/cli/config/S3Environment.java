package dev.bulwark.cli.config;

import dev.bulwark.s3.S3Settings;
import dev.bulwark.s3.S3SettingsException;
import java.util.Map;

/**
 * The environment an S3 repository of {@code bulwark.yml} is opened with: {@link
 * S3Settings#under}, its failures reported as a configuration error (exit status and message
 * as for any wrong field of the file).
 */
public final class S3Environment {
  private S3Environment() {}

  /**
   * {@code env} with {@code s3}'s settings added where {@code env} has none; credentials come
   * from {@code env} as a whole when it names any. Key files are read here, each time a
   * repository is opened, so a rotated key is picked up by the next open.
   *
   * @param where names the block in messages, e.g. {@code repositories.offsite.s3}
   * @throws ConfigException if a key file is missing, empty, or readable by others than its
   *     owner
   */
  public static Map<String, String> of(S3Settings s3, Map<String, String> env, String where)
      throws ConfigException {
    if (s3 == null) {
      return env;
    }
    try {
      return s3.under(env, where);
    } catch (S3SettingsException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }
}
