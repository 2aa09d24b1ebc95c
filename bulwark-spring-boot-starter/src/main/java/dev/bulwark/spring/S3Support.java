package dev.bulwark.spring;

import dev.bulwark.s3.S3Settings;
import dev.bulwark.s3.S3SettingsException;
import java.util.Map;
import org.springframework.util.ClassUtils;

/**
 * The one place that names bulwark-s3, an optional dependency: turns {@code bulwark.s3.*} into
 * the environment an {@code s3:} repository is opened with, by the same rules as {@code
 * bulwark.yml}'s {@code s3:} block. The JVM loads bulwark-s3 only when a property is set.
 */
final class S3Support {
  /** The prefix of the properties, as messages name them. */
  static final String PREFIX = "bulwark.s3";
  private static final String MODULE_CLASS = "dev.bulwark.s3.S3Settings";

  private S3Support() {}

  /**
   * {@code env} with the settings of {@code s3} added where {@code env} has none; {@code env}
   * itself when no {@code bulwark.s3.*} property is set.
   *
   * @throws BulwarkStartupException naming the property when one is wrong or a key file is
   *     missing, empty or readable by others, or when bulwark-s3 is not on the class path
   */
  static Map<String, String> environment(BulwarkProperties.S3 s3, Map<String, String> env) {
    if (s3.getEndpoint() == null && s3.getRegion() == null && s3.getPathStyle() == null
        && s3.getConnections() == null && s3.getAccessKeyFile() == null
        && s3.getSecretKeyFile() == null && s3.getCredentialsFile() == null
        && s3.getProfile() == null) {
      return env;
    }
    if (!ClassUtils.isPresent(MODULE_CLASS, S3Support.class.getClassLoader())) {
      throw new BulwarkStartupException(PREFIX + ".* is set, but bulwark-s3 is not on the "
          + "class path", "Add the dependency dev.bulwark:bulwark-s3.");
    }
    return Holder.environment(s3, env);
  }

  /** Kept apart so that S3Support itself loads without bulwark-s3. */
  private static final class Holder {
    static Map<String, String> environment(BulwarkProperties.S3 p, Map<String, String> env) {
      S3Settings settings = new S3Settings(p.getEndpoint(), p.getRegion(), p.getPathStyle(),
          p.getConnections(), p.getCredentialsFile(), p.getProfile(), p.getAccessKeyFile(),
          p.getSecretKeyFile());
      try {
        settings.check(PREFIX);
        return settings.under(env, PREFIX);
      } catch (S3SettingsException e) {
        // The message names the property and, for a key file, the chmod that fixes it.
        throw new BulwarkStartupException(e.getMessage(), "Correct " + PREFIX + ".* in "
            + "application.yml (key files: owner-only, holding the key alone), or set the "
            + "AWS_* variables instead.", e);
      }
    }
  }
}
