package dev.bulwark.cli.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The names in {@code bulwark.yml}, and the environment variable of each value. One table, so
 * that the loader, the overrides and the documentation cannot disagree on a name.
 *
 * <p>Environment names: {@code BULWARK_} then the field's path upper-cased with {@code -} and
 * {@code .} turned into {@code _} ({@code api.token-file} is {@code BULWARK_API_TOKEN_FILE});
 * a database's fields are {@code BULWARK_DB_<NAME>_<FIELD>}, {@code NAME} being the database's
 * name upper-cased with every character other than a letter or digit turned into {@code _}
 * ({@code BULWARK_DB_NODE_SCHEDULE_EVERY}).
 */
final class ConfigSchema {
  static final List<String> TOP = List.of("repository", "password-file", "key-files", "api",
      "databases", "limit-upload", "limit-download", "groups", "repositories", "health", "s3");
  static final List<String> API = List.of("enabled", "host", "port", "token-file");
  /** When {@code /healthz} reports a problem. */
  static final List<String> HEALTH = List.of("stale-after", "max-stream-lag");
  static final List<String> DATABASE = List.of("name", "kind", "path", "files", "schedule",
      "retention", "verify", "auto-restore", "stream", "yield-file", "chunk-size",
      "repositories");
  /** A group's fields; groups take no environment variables (their members do). */
  static final List<String> GROUP = List.of("name", "databases", "files", "schedule",
      "retention");
  /** One named repository of the top-level {@code repositories:} map. */
  static final List<String> REPOSITORY = List.of("location", "password-file", "key-files",
      "limit-upload", "limit-download", "s3");
  /**
   * How to reach a repository on S3; no {@code BULWARK_*} variables: the S3 backend's own
   * variables ({@code AWS_ENDPOINT_URL}, ...) override these (see {@link S3Environment}).
   */
  static final List<String> S3 = List.of("endpoint", "region", "path-style", "connections",
      "credentials-file", "profile", "access-key-file", "secret-key-file");
  /** One entry of a database's {@code repositories:} list, when it is a mapping. */
  static final List<String> TARGET = List.of("name", "schedule", "retention", "verify");
  static final List<String> SCHEDULE = List.of("every");
  static final List<String> VERIFY = List.of("every");
  static final List<String> STREAM = List.of("sync-interval", "retention",
      "max-requests-per-hour", "snapshot-interval");
  static final List<String> RETENTION = List.of("keep-last", "keep-hourly", "keep-daily",
      "keep-weekly", "keep-monthly", "keep-yearly", "keep-within", "keep-tag");

  /** Every value outside {@code databases}, as a dotted path. */
  static final List<String> TOP_VALUES = List.of("repository", "password-file", "key-files",
      "api.enabled", "api.host", "api.port", "api.token-file", "limit-upload", "limit-download",
      "health.stale-after", "health.max-stream-lag");

  /**
   * Every value of one database, as a dotted path below it. Not {@code name}: the name is how
   * a variable finds its database, so it cannot itself be overridden.
   */
  static final List<String> DATABASE_VALUES = List.of("kind", "path", "files", "schedule.every",
      "retention.keep-last", "retention.keep-hourly", "retention.keep-daily",
      "retention.keep-weekly", "retention.keep-monthly", "retention.keep-yearly",
      "retention.keep-within", "retention.keep-tag", "verify.every", "auto-restore",
      "stream.sync-interval", "stream.retention", "stream.max-requests-per-hour",
      "stream.snapshot-interval", "yield-file", "chunk-size");

  /**
   * A database's values that are not its own record's: where it is backed up ({@code
   * BULWARK_DB_<NAME>_REPOSITORIES}, names separated by commas).
   */
  static final List<String> DATABASE_TARGET_VALUES = List.of("repositories");

  /**
   * Every value of one named repository, as a dotted path below it; its variable is {@code
   * BULWARK_REPO_<NAME>_<FIELD>} ({@code BULWARK_REPO_OFFSITE_LOCATION}), for a repository the
   * file names.
   */
  static final List<String> REPOSITORY_VALUES = List.of("location", "password-file",
      "key-files", "limit-upload", "limit-download");

  /** Values that are lists of paths: in a variable, separated by the path separator. */
  static final Set<String> PATH_LISTS = Set.of("key-files", "files");

  /** Values that are lists of words: in a variable, separated by commas. */
  static final Set<String> WORD_LISTS = Set.of("retention.keep-tag", "repositories");

  /**
   * {@code BULWARK_*} variables that are not configuration values, and so are not typos:
   * where the file is, the password itself (for the one-shot commands), the launcher's JVM
   * options, the test suite's switch, the S3 backend's settings (read by bulwark-s3 from
   * the environment), the long jobs' checkpoint interval and local state folder (which
   * {@code run} passes to its jobs too), and the source repository of {@code copy} and
   * {@code init --copy-chunker-params}.
   */
  static final Set<String> OTHER_VARIABLES = Set.of("BULWARK_CONFIG", "BULWARK_PASSWORD",
      "BULWARK_OPTS", "BULWARK_REQUIRE_TOOLS", "BULWARK_PRUNE_BATCH", "BULWARK_S3_PATH_STYLE",
      "BULWARK_S3_CONNECTIONS", "BULWARK_S3_ATTEMPTS", "BULWARK_S3_BACKOFF_MS",
      "BULWARK_LEASE_EXPIRY", "BULWARK_LEASE_HOST", "BULWARK_CHECKPOINT_EVERY",
      "BULWARK_STATE_DIR", "BULWARK_FROM_REPOSITORY", "BULWARK_FROM_PASSWORD_FILE",
      "BULWARK_FROM_PASSWORD");

  static final String PREFIX = "BULWARK_";
  static final String DATABASE_PREFIX = "BULWARK_DB_";
  static final String REPOSITORY_PREFIX = "BULWARK_REPO_";

  private ConfigSchema() {}

  /** {@code api.token-file} becomes {@code BULWARK_API_TOKEN_FILE}. */
  static String variable(String path) {
    return PREFIX + variableSuffix(path);
  }

  /** {@code node}, {@code schedule.every} becomes {@code BULWARK_DB_NODE_SCHEDULE_EVERY}. */
  static String variable(String database, String path) {
    return databasePrefix(database) + variableSuffix(path);
  }

  /** {@code BULWARK_DB_<NAME>_}: what all of one database's variables start with. */
  static String databasePrefix(String database) {
    return DATABASE_PREFIX + database.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_";
  }

  /** {@code BULWARK_REPO_<NAME>_}: what all of one named repository's variables start with. */
  static String repositoryPrefix(String repository) {
    return REPOSITORY_PREFIX + repository.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")
        + "_";
  }

  /** {@code schedule.every} becomes {@code SCHEDULE_EVERY}. */
  static String variableSuffix(String path) {
    return path.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }
}
