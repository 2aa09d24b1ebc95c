package dev.bulwark.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code bulwark.*} properties of an application that uses the starter. Names follow
 * {@code bulwark.yml} where they mean the same ({@code repository}, {@code password-file},
 * {@code schedule.every}, {@code retention.keep-*}, {@code verify.every}, {@code stream.*}).
 *
 * <p>There is no property holding the repository password itself: it comes from {@code
 * password-file} or the output of {@code password-command}, so it never shows in
 * {@code /actuator/configprops}, the environment or a log.
 */
@ConfigurationProperties(prefix = "bulwark")
public class BulwarkProperties {
  /** The repository: a folder path, {@code local:PATH}, or {@code s3:...} (with bulwark-s3). */
  private @Nullable String repository;
  /** A file holding the repository password (whitespace around it removed). */
  private @Nullable Path passwordFile;
  /** A command run through {@code /bin/sh -c} whose standard output is the password. */
  private @Nullable String passwordCommand;
  /** Create the repository at start if there is none yet. */
  private boolean createIfMissing = false;
  /** Upload limit in KiB/s (0: unlimited). */
  private int limitUpload = 0;
  /** Download limit in KiB/s (0: unlimited). */
  private int limitDownload = 0;
  /**
   * Restore the newest snapshot at start, before the DataSource is created, when the database
   * is missing and the repository has a snapshot of it.
   */
  private boolean autoRestore = true;
  private final DatabaseProps database = new DatabaseProps();
  private final Startup startup = new Startup();
  private final Every schedule = new Every();
  private final Retention retention = new Retention();
  private final Every verify = new Every();
  private final Stream stream = new Stream();
  private final Health health = new Health();
  private final S3 s3 = new S3();

  /** Every property at its default; Spring Boot binds {@code bulwark.*} onto it. */
  public BulwarkProperties() {}

  /**
   * Returns {@code bulwark.repository}.
   *
   * @return the repository: a folder path, {@code local:PATH}, or {@code s3:...} (with bulwark-s3)
   */
  public @Nullable String getRepository() {
    return repository;
  }

  /**
   * Sets {@code bulwark.repository}.
   *
   * @param repository the repository: a folder path, {@code local:PATH}, or {@code s3:...} (with
   *     bulwark-s3)
   */
  public void setRepository(@Nullable String repository) {
    this.repository = repository;
  }

  /**
   * Returns {@code bulwark.password-file}.
   *
   * @return a file holding the repository password (whitespace around it removed)
   */
  public @Nullable Path getPasswordFile() {
    return passwordFile;
  }

  /**
   * Sets {@code bulwark.password-file}.
   *
   * @param passwordFile a file holding the repository password (whitespace around it removed)
   */
  public void setPasswordFile(@Nullable Path passwordFile) {
    this.passwordFile = passwordFile;
  }

  /**
   * Returns {@code bulwark.password-command}.
   *
   * @return a command run through {@code /bin/sh -c} whose standard output is the password
   */
  public @Nullable String getPasswordCommand() {
    return passwordCommand;
  }

  /**
   * Sets {@code bulwark.password-command}.
   *
   * @param passwordCommand a command run through {@code /bin/sh -c} whose standard output is the
   *     password
   */
  public void setPasswordCommand(@Nullable String passwordCommand) {
    this.passwordCommand = passwordCommand;
  }

  /**
   * Returns {@code bulwark.create-if-missing}.
   *
   * @return true to create the repository at start if there is none yet
   */
  public boolean isCreateIfMissing() {
    return createIfMissing;
  }

  /**
   * Sets {@code bulwark.create-if-missing}.
   *
   * @param createIfMissing true to create the repository at start if there is none yet
   */
  public void setCreateIfMissing(boolean createIfMissing) {
    this.createIfMissing = createIfMissing;
  }

  /**
   * Returns {@code bulwark.limit-upload}.
   *
   * @return upload limit in KiB/s (0: unlimited)
   */
  public int getLimitUpload() {
    return limitUpload;
  }

  /**
   * Sets {@code bulwark.limit-upload}.
   *
   * @param limitUpload upload limit in KiB/s (0: unlimited)
   */
  public void setLimitUpload(int limitUpload) {
    this.limitUpload = limitUpload;
  }

  /**
   * Returns {@code bulwark.limit-download}.
   *
   * @return download limit in KiB/s (0: unlimited)
   */
  public int getLimitDownload() {
    return limitDownload;
  }

  /**
   * Sets {@code bulwark.limit-download}.
   *
   * @param limitDownload download limit in KiB/s (0: unlimited)
   */
  public void setLimitDownload(int limitDownload) {
    this.limitDownload = limitDownload;
  }

  /**
   * Returns {@code bulwark.auto-restore}.
   *
   * @return true to restore the newest snapshot at start, before the DataSource is created, when
   *     the database is missing and the repository has a snapshot of it. /
   */
  public boolean isAutoRestore() {
    return autoRestore;
  }

  /**
   * Sets {@code bulwark.auto-restore}.
   *
   * @param autoRestore true to restore the newest snapshot at start, before the DataSource is
   *     created, when the database is missing and the repository has a snapshot of it. /
   */
  public void setAutoRestore(boolean autoRestore) {
    this.autoRestore = autoRestore;
  }

  /**
   * The {@code bulwark.database.*} properties.
   *
   * @return the database the application keeps its state in
   */
  public DatabaseProps getDatabase() {
    return database;
  }

  /**
   * The {@code bulwark.startup.*} properties.
   *
   * @return what the start-up check lets through
   */
  public Startup getStartup() {
    return startup;
  }

  /**
   * The {@code bulwark.schedule.*} properties.
   *
   * @return how often a snapshot is taken ({@code bulwark.schedule.every})
   */
  public Every getSchedule() {
    return schedule;
  }

  /**
   * The {@code bulwark.retention.*} properties.
   *
   * @return the forget rules for the database's snapshots
   */
  public Retention getRetention() {
    return retention;
  }

  /**
   * The {@code bulwark.verify.*} properties.
   *
   * @return how often the newest snapshot is verified ({@code bulwark.verify.every})
   */
  public Every getVerify() {
    return verify;
  }

  /**
   * The {@code bulwark.stream.*} properties.
   *
   * @return how the database is streamed
   */
  public Stream getStream() {
    return stream;
  }

  /**
   * The {@code bulwark.health.*} properties.
   *
   * @return what the health indicator counts as down
   */
  public Health getHealth() {
    return health;
  }

  /**
   * The {@code bulwark.s3.*} properties.
   *
   * @return how to reach an {@code s3:} repository
   */
  public S3 getS3() {
    return s3;
  }

  /** The database the application keeps its state in. */
  public static class DatabaseProps {
    /** Its name in logs, metrics ({@code database} tag) and health; default: the file name. */
    private @Nullable String name;
    /** {@code sqlite} (a file) or {@code rocksdb} (a folder; needs bulwark-rocksdb). */
    private Kind kind = Kind.SQLITE;
    /** The database file (SQLite) or folder (RocksDB). */
    private @Nullable Path path;
    /** Files that travel with it in every snapshot (keys, configs), restored with it. */
    private List<Path> files = new ArrayList<>();

    /** Every property at its default. */
    public DatabaseProps() {}

    /**
     * Returns {@code bulwark.database.name}.
     *
     * @return its name in logs, metrics ({@code database} tag) and health; default: the file name
     */
    public @Nullable String getName() {
      return name;
    }

    /**
     * Sets {@code bulwark.database.name}.
     *
     * @param name its name in logs, metrics ({@code database} tag) and health; default: the file
     *     name
     */
    public void setName(@Nullable String name) {
      this.name = name;
    }

    /**
     * Returns {@code bulwark.database.kind}.
     *
     * @return {@code sqlite} (a file) or {@code rocksdb} (a folder; needs bulwark-rocksdb)
     */
    public Kind getKind() {
      return kind;
    }

    /**
     * Sets {@code bulwark.database.kind}.
     *
     * @param kind {@code sqlite} (a file) or {@code rocksdb} (a folder; needs bulwark-rocksdb)
     */
    public void setKind(Kind kind) {
      this.kind = kind;
    }

    /**
     * Returns {@code bulwark.database.path}.
     *
     * @return the database file (SQLite) or folder (RocksDB)
     */
    public @Nullable Path getPath() {
      return path;
    }

    /**
     * Sets {@code bulwark.database.path}.
     *
     * @param path the database file (SQLite) or folder (RocksDB)
     */
    public void setPath(@Nullable Path path) {
      this.path = path;
    }

    /**
     * Returns {@code bulwark.database.files}.
     *
     * @return files that travel with it in every snapshot (keys, configs), restored with it
     */
    public List<Path> getFiles() {
      return files;
    }

    /**
     * Sets {@code bulwark.database.files}.
     *
     * @param files files that travel with it in every snapshot (keys, configs), restored with it
     */
    public void setFiles(List<Path> files) {
      this.files = files;
    }
  }

  /** The database kinds. */
  public enum Kind {
    /** A SQLite database: one file (with its WAL while open). */
    SQLITE,
    /** A RocksDB database: a folder (needs bulwark-rocksdb). */
    ROCKSDB
  }

  /**
   * What the start-up check of a streamed database lets through. Meant for one start, as the
   * CLI's flags of the same names: set them on the command line, not in application.yml.
   */
  public static class Startup {
    /** Accept a database behind its stream (a new generation starts) instead of refusing. */
    private boolean acceptOlderDatabase = false;
    /** Replace a binding file that names another repository or stream. */
    private boolean rebind = false;

    /** Every property at its default. */
    public Startup() {}

    /**
     * Returns {@code bulwark.startup.accept-older-database}.
     *
     * @return true to accept a database behind its stream (a new generation starts) instead of
     *     refusing
     */
    public boolean isAcceptOlderDatabase() {
      return acceptOlderDatabase;
    }

    /**
     * Sets {@code bulwark.startup.accept-older-database}.
     *
     * @param acceptOlderDatabase true to accept a database behind its stream (a new generation
     *     starts) instead of refusing
     */
    public void setAcceptOlderDatabase(boolean acceptOlderDatabase) {
      this.acceptOlderDatabase = acceptOlderDatabase;
    }

    /**
     * Returns {@code bulwark.startup.rebind}.
     *
     * @return true to replace a binding file that names another repository or stream
     */
    public boolean isRebind() {
      return rebind;
    }

    /**
     * Sets {@code bulwark.startup.rebind}.
     *
     * @param rebind true to replace a binding file that names another repository or stream
     */
    public void setRebind(boolean rebind) {
      this.rebind = rebind;
    }
  }

  /** A period: {@code schedule.every}, {@code verify.every}. */
  public static class Every {
    /** How often; none: only on demand (the actuator endpoint). */
    private @Nullable Duration every;

    /** Every property at its default. */
    public Every() {}

    /**
     * Returns {@code bulwark.schedule.every} or {@code bulwark.verify.every}.
     *
     * @return how often; none: only on demand (the actuator endpoint)
     */
    public @Nullable Duration getEvery() {
      return every;
    }

    /**
     * Sets {@code bulwark.schedule.every} or {@code bulwark.verify.every}.
     *
     * @param every how often; none: only on demand (the actuator endpoint)
     */
    public void setEvery(@Nullable Duration every) {
      this.every = every;
    }
  }

  /** restic's forget rules for this host's snapshots of the database; none: keep all. */
  public static class Retention {
    /** Keep the newest N snapshots (0: rule off). */
    private int keepLast;
    /** Keep the newest snapshot of each of the last N hours that have one. */
    private int keepHourly;
    /** Keep the newest snapshot of each of the last N days that have one. */
    private int keepDaily;
    /** Keep the newest snapshot of each of the last N weeks that have one. */
    private int keepWeekly;
    /** Keep the newest snapshot of each of the last N months that have one. */
    private int keepMonthly;
    /** Keep the newest snapshot of each of the last N years that have one. */
    private int keepYearly;
    /** A span such as {@code 7d}, {@code 36h}, {@code 1y6m} (units y, m, d, h). */
    private @Nullable String keepWithin;
    /** Keep snapshots carrying these tags; each entry is one alternative ("a,b": both). */
    private List<String> keepTag = new ArrayList<>();
    /** Remove the data of forgotten snapshots (prune) right after a forget removed some. */
    private boolean prune = true;

    /** Every property at its default. */
    public Retention() {}

    /**
     * Returns {@code bulwark.retention.keep-last}.
     *
     * @return keep the newest N snapshots (0: rule off)
     */
    public int getKeepLast() {
      return keepLast;
    }

    /**
     * Sets {@code bulwark.retention.keep-last}.
     *
     * @param keepLast keep the newest N snapshots (0: rule off)
     */
    public void setKeepLast(int keepLast) {
      this.keepLast = keepLast;
    }

    /**
     * Returns {@code bulwark.retention.keep-hourly}.
     *
     * @return keep the newest snapshot of each of the last N hours that have one
     */
    public int getKeepHourly() {
      return keepHourly;
    }

    /**
     * Sets {@code bulwark.retention.keep-hourly}.
     *
     * @param keepHourly keep the newest snapshot of each of the last N hours that have one
     */
    public void setKeepHourly(int keepHourly) {
      this.keepHourly = keepHourly;
    }

    /**
     * Returns {@code bulwark.retention.keep-daily}.
     *
     * @return keep the newest snapshot of each of the last N days that have one
     */
    public int getKeepDaily() {
      return keepDaily;
    }

    /**
     * Sets {@code bulwark.retention.keep-daily}.
     *
     * @param keepDaily keep the newest snapshot of each of the last N days that have one
     */
    public void setKeepDaily(int keepDaily) {
      this.keepDaily = keepDaily;
    }

    /**
     * Returns {@code bulwark.retention.keep-weekly}.
     *
     * @return keep the newest snapshot of each of the last N weeks that have one
     */
    public int getKeepWeekly() {
      return keepWeekly;
    }

    /**
     * Sets {@code bulwark.retention.keep-weekly}.
     *
     * @param keepWeekly keep the newest snapshot of each of the last N weeks that have one
     */
    public void setKeepWeekly(int keepWeekly) {
      this.keepWeekly = keepWeekly;
    }

    /**
     * Returns {@code bulwark.retention.keep-monthly}.
     *
     * @return keep the newest snapshot of each of the last N months that have one
     */
    public int getKeepMonthly() {
      return keepMonthly;
    }

    /**
     * Sets {@code bulwark.retention.keep-monthly}.
     *
     * @param keepMonthly keep the newest snapshot of each of the last N months that have one
     */
    public void setKeepMonthly(int keepMonthly) {
      this.keepMonthly = keepMonthly;
    }

    /**
     * Returns {@code bulwark.retention.keep-yearly}.
     *
     * @return keep the newest snapshot of each of the last N years that have one
     */
    public int getKeepYearly() {
      return keepYearly;
    }

    /**
     * Sets {@code bulwark.retention.keep-yearly}.
     *
     * @param keepYearly keep the newest snapshot of each of the last N years that have one
     */
    public void setKeepYearly(int keepYearly) {
      this.keepYearly = keepYearly;
    }

    /**
     * Returns {@code bulwark.retention.keep-within}.
     *
     * @return a span such as {@code 7d}, {@code 36h}, {@code 1y6m} (units y, m, d, h)
     */
    public @Nullable String getKeepWithin() {
      return keepWithin;
    }

    /**
     * Sets {@code bulwark.retention.keep-within}.
     *
     * @param keepWithin a span such as {@code 7d}, {@code 36h}, {@code 1y6m} (units y, m, d, h)
     */
    public void setKeepWithin(@Nullable String keepWithin) {
      this.keepWithin = keepWithin;
    }

    /**
     * Returns {@code bulwark.retention.keep-tag}.
     *
     * @return keep snapshots carrying these tags; each entry is one alternative ("a,b": both)
     */
    public List<String> getKeepTag() {
      return keepTag;
    }

    /**
     * Sets {@code bulwark.retention.keep-tag}.
     *
     * @param keepTag keep snapshots carrying these tags; each entry is one alternative ("a,b":
     *     both)
     */
    public void setKeepTag(List<String> keepTag) {
      this.keepTag = keepTag;
    }

    /**
     * Returns {@code bulwark.retention.prune}.
     *
     * @return true to remove the data of forgotten snapshots (prune) right after a forget removed
     *     some
     */
    public boolean isPrune() {
      return prune;
    }

    /**
     * Sets {@code bulwark.retention.prune}.
     *
     * @param prune true to remove the data of forgotten snapshots (prune) right after a forget
     *     removed some
     */
    public void setPrune(boolean prune) {
      this.prune = prune;
    }
  }

  /** Continuous capture of a SQLite database (WAL mode) while the application runs. */
  public static class Stream {
    /** Stream every committed transaction (SQLite only). */
    private boolean enabled = true;
    /** How often committed transactions are shipped: the most a lost machine loses. */
    private Duration syncInterval = Duration.ofSeconds(1);
    /** How long every second stays restorable; none: segments kept. */
    private @Nullable Duration retention;
    /** Ceiling on uploads per hour (0: none). */
    private int maxRequestsPerHour = 0;
    /** How often a snapshot is built from the stream (0s: never). */
    private Duration snapshotInterval = Duration.ofHours(1);
    /** Where the replicator keeps its position; none: a hidden folder beside the database. */
    private @Nullable Path stateDir;

    /** Every property at its default. */
    public Stream() {}

    /**
     * Returns {@code bulwark.stream.enabled}.
     *
     * @return true to stream every committed transaction (SQLite only)
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets {@code bulwark.stream.enabled}.
     *
     * @param enabled true to stream every committed transaction (SQLite only)
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * Returns {@code bulwark.stream.sync-interval}.
     *
     * @return how often committed transactions are shipped: the most a lost machine loses
     */
    public Duration getSyncInterval() {
      return syncInterval;
    }

    /**
     * Sets {@code bulwark.stream.sync-interval}.
     *
     * @param syncInterval how often committed transactions are shipped: the most a lost machine
     *     loses
     */
    public void setSyncInterval(Duration syncInterval) {
      this.syncInterval = syncInterval;
    }

    /**
     * Returns {@code bulwark.stream.retention}.
     *
     * @return how long every second stays restorable; none: segments kept
     */
    public @Nullable Duration getRetention() {
      return retention;
    }

    /**
     * Sets {@code bulwark.stream.retention}.
     *
     * @param retention how long every second stays restorable; none: segments kept
     */
    public void setRetention(@Nullable Duration retention) {
      this.retention = retention;
    }

    /**
     * Returns {@code bulwark.stream.max-requests-per-hour}.
     *
     * @return ceiling on uploads per hour (0: none)
     */
    public int getMaxRequestsPerHour() {
      return maxRequestsPerHour;
    }

    /**
     * Sets {@code bulwark.stream.max-requests-per-hour}.
     *
     * @param maxRequestsPerHour ceiling on uploads per hour (0: none)
     */
    public void setMaxRequestsPerHour(int maxRequestsPerHour) {
      this.maxRequestsPerHour = maxRequestsPerHour;
    }

    /**
     * Returns {@code bulwark.stream.snapshot-interval}.
     *
     * @return how often a snapshot is built from the stream (0s: never)
     */
    public Duration getSnapshotInterval() {
      return snapshotInterval;
    }

    /**
     * Sets {@code bulwark.stream.snapshot-interval}.
     *
     * @param snapshotInterval how often a snapshot is built from the stream (0s: never)
     */
    public void setSnapshotInterval(Duration snapshotInterval) {
      this.snapshotInterval = snapshotInterval;
    }

    /**
     * Returns {@code bulwark.stream.state-dir}.
     *
     * @return where the replicator keeps its position; none: a hidden folder beside the database
     */
    public @Nullable Path getStateDir() {
      return stateDir;
    }

    /**
     * Sets {@code bulwark.stream.state-dir}.
     *
     * @param stateDir where the replicator keeps its position; none: a hidden folder beside the
     *     database
     */
    public void setStateDir(@Nullable Path stateDir) {
      this.stateDir = stateDir;
    }
  }

  /** What the {@code bulwark} health indicator counts as down. */
  public static class Health {
    /** DOWN when the stream's oldest unshipped transaction has waited longer than this. */
    private Duration maxLag = Duration.ofMinutes(1);

    /** Every property at its default. */
    public Health() {}

    /**
     * Returns {@code bulwark.health.max-lag}.
     *
     * @return DOWN when the stream's oldest unshipped transaction has waited longer than this
     */
    public Duration getMaxLag() {
      return maxLag;
    }

    /**
     * Sets {@code bulwark.health.max-lag}.
     *
     * @param maxLag DOWN when the stream's oldest unshipped transaction has waited longer than this
     */
    public void setMaxLag(Duration maxLag) {
      this.maxLag = maxLag;
    }
  }

  /**
   * How to reach an {@code s3:} repository, as {@code bulwark.yml}'s {@code s3:} block. Each
   * S3 environment variable that is set ({@code AWS_ENDPOINT_URL}, {@code AWS_REGION}, {@code
   * BULWARK_S3_PATH_STYLE}, {@code BULWARK_S3_CONNECTIONS}) wins over its property; if any
   * credential variable is set ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY},
   * {@code AWS_PROFILE}, {@code AWS_SHARED_CREDENTIALS_FILE}), the credentials here are not
   * used at all. Keys are never properties, only files that hold them.
   */
  public static class S3 {
    /** The service's URL for s3://bucket/prefix repositories, e.g. https://minio.example:9000. */
    private @Nullable String endpoint;
    /** The signing region, e.g. eu-west-1 (default us-east-1). */
    private @Nullable String region;
    /**
     * Path-style addressing (true) or virtual-host (false); default: virtual-host for
     * s3://bucket, path-style for s3:https://host/bucket.
     */
    private @Nullable Boolean pathStyle;
    /** Parallel transfers, 1 to 128 (default 5). */
    private @Nullable Integer connections;
    /** A file holding the access key id alone (owner-only, 0600); with secret-key-file. */
    private @Nullable Path accessKeyFile;
    /** A file holding the secret access key alone (owner-only, 0600); with access-key-file. */
    private @Nullable Path secretKeyFile;
    /** An AWS-style credentials file (owner-only, 0600); instead of the two key files. */
    private @Nullable Path credentialsFile;
    /** The profile to take from the credentials file, or the SDK's usual files. */
    private @Nullable String profile;

    /** Every property at its default. */
    public S3() {}

    /**
     * Returns {@code bulwark.s3.endpoint}.
     *
     * @return the service's URL for s3://bucket/prefix repositories, e.g.
     *     https://minio.example:9000
     */
    public @Nullable String getEndpoint() {
      return endpoint;
    }

    /**
     * Sets {@code bulwark.s3.endpoint}.
     *
     * @param endpoint the service's URL for s3://bucket/prefix repositories, e.g.
     *     https://minio.example:9000
     */
    public void setEndpoint(@Nullable String endpoint) {
      this.endpoint = endpoint;
    }

    /**
     * Returns {@code bulwark.s3.region}.
     *
     * @return the signing region, e.g. eu-west-1 (default us-east-1)
     */
    public @Nullable String getRegion() {
      return region;
    }

    /**
     * Sets {@code bulwark.s3.region}.
     *
     * @param region the signing region, e.g. eu-west-1 (default us-east-1)
     */
    public void setRegion(@Nullable String region) {
      this.region = region;
    }

    /**
     * Returns {@code bulwark.s3.path-style}.
     *
     * @return path-style addressing (true) or virtual-host (false), or null: virtual-host for
     *     s3://bucket, path-style for s3:https://host/bucket
     */
    public @Nullable Boolean getPathStyle() {
      return pathStyle;
    }

    /**
     * Sets {@code bulwark.s3.path-style}.
     *
     * @param pathStyle path-style addressing (true) or virtual-host (false), or null: the
     *     location's default
     */
    public void setPathStyle(@Nullable Boolean pathStyle) {
      this.pathStyle = pathStyle;
    }

    /**
     * Returns {@code bulwark.s3.connections}.
     *
     * @return parallel transfers, 1 to 128 (default 5)
     */
    public @Nullable Integer getConnections() {
      return connections;
    }

    /**
     * Sets {@code bulwark.s3.connections}.
     *
     * @param connections parallel transfers, 1 to 128 (default 5)
     */
    public void setConnections(@Nullable Integer connections) {
      this.connections = connections;
    }

    /**
     * Returns {@code bulwark.s3.access-key-file}.
     *
     * @return a file holding the access key id alone (owner-only, 0600); with secret-key-file
     */
    public @Nullable Path getAccessKeyFile() {
      return accessKeyFile;
    }

    /**
     * Sets {@code bulwark.s3.access-key-file}.
     *
     * @param accessKeyFile a file holding the access key id alone (owner-only, 0600); with
     *     secret-key-file
     */
    public void setAccessKeyFile(@Nullable Path accessKeyFile) {
      this.accessKeyFile = accessKeyFile;
    }

    /**
     * Returns {@code bulwark.s3.secret-key-file}.
     *
     * @return a file holding the secret access key alone (owner-only, 0600); with access-key-file
     */
    public @Nullable Path getSecretKeyFile() {
      return secretKeyFile;
    }

    /**
     * Sets {@code bulwark.s3.secret-key-file}.
     *
     * @param secretKeyFile a file holding the secret access key alone (owner-only, 0600); with
     *     access-key-file
     */
    public void setSecretKeyFile(@Nullable Path secretKeyFile) {
      this.secretKeyFile = secretKeyFile;
    }

    /**
     * Returns {@code bulwark.s3.credentials-file}.
     *
     * @return an AWS-style credentials file (owner-only, 0600); instead of the two key files
     */
    public @Nullable Path getCredentialsFile() {
      return credentialsFile;
    }

    /**
     * Sets {@code bulwark.s3.credentials-file}.
     *
     * @param credentialsFile an AWS-style credentials file (owner-only, 0600); instead of the two
     *     key files
     */
    public void setCredentialsFile(@Nullable Path credentialsFile) {
      this.credentialsFile = credentialsFile;
    }

    /**
     * Returns {@code bulwark.s3.profile}.
     *
     * @return the profile to take from the credentials file, or the SDK's usual files
     */
    public @Nullable String getProfile() {
      return profile;
    }

    /**
     * Sets {@code bulwark.s3.profile}.
     *
     * @param profile the profile to take from the credentials file, or the SDK's usual files
     */
    public void setProfile(@Nullable String profile) {
      this.profile = profile;
    }
  }
}
