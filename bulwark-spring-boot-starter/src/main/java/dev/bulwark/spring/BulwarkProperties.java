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

  public @Nullable String getRepository() {
    return repository;
  }

  public void setRepository(@Nullable String repository) {
    this.repository = repository;
  }

  public @Nullable Path getPasswordFile() {
    return passwordFile;
  }

  public void setPasswordFile(@Nullable Path passwordFile) {
    this.passwordFile = passwordFile;
  }

  public @Nullable String getPasswordCommand() {
    return passwordCommand;
  }

  public void setPasswordCommand(@Nullable String passwordCommand) {
    this.passwordCommand = passwordCommand;
  }

  public boolean isCreateIfMissing() {
    return createIfMissing;
  }

  public void setCreateIfMissing(boolean createIfMissing) {
    this.createIfMissing = createIfMissing;
  }

  public int getLimitUpload() {
    return limitUpload;
  }

  public void setLimitUpload(int limitUpload) {
    this.limitUpload = limitUpload;
  }

  public int getLimitDownload() {
    return limitDownload;
  }

  public void setLimitDownload(int limitDownload) {
    this.limitDownload = limitDownload;
  }

  public boolean isAutoRestore() {
    return autoRestore;
  }

  public void setAutoRestore(boolean autoRestore) {
    this.autoRestore = autoRestore;
  }

  public DatabaseProps getDatabase() {
    return database;
  }

  public Startup getStartup() {
    return startup;
  }

  public Every getSchedule() {
    return schedule;
  }

  public Retention getRetention() {
    return retention;
  }

  public Every getVerify() {
    return verify;
  }

  public Stream getStream() {
    return stream;
  }

  public Health getHealth() {
    return health;
  }

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

    public @Nullable String getName() {
      return name;
    }

    public void setName(@Nullable String name) {
      this.name = name;
    }

    public Kind getKind() {
      return kind;
    }

    public void setKind(Kind kind) {
      this.kind = kind;
    }

    public @Nullable Path getPath() {
      return path;
    }

    public void setPath(@Nullable Path path) {
      this.path = path;
    }

    public List<Path> getFiles() {
      return files;
    }

    public void setFiles(List<Path> files) {
      this.files = files;
    }
  }

  /** The database kinds. */
  public enum Kind { SQLITE, ROCKSDB }

  /**
   * What the start-up check of a streamed database lets through. Meant for one start, as the
   * CLI's flags of the same names: set them on the command line, not in application.yml.
   */
  public static class Startup {
    /** Accept a database behind its stream (a new generation starts) instead of refusing. */
    private boolean acceptOlderDatabase = false;
    /** Replace a binding file that names another repository or stream. */
    private boolean rebind = false;

    public boolean isAcceptOlderDatabase() {
      return acceptOlderDatabase;
    }

    public void setAcceptOlderDatabase(boolean acceptOlderDatabase) {
      this.acceptOlderDatabase = acceptOlderDatabase;
    }

    public boolean isRebind() {
      return rebind;
    }

    public void setRebind(boolean rebind) {
      this.rebind = rebind;
    }
  }

  /** A period: {@code schedule.every}, {@code verify.every}. */
  public static class Every {
    /** How often; none: only on demand (the actuator endpoint). */
    private @Nullable Duration every;

    public @Nullable Duration getEvery() {
      return every;
    }

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

    public int getKeepLast() {
      return keepLast;
    }

    public void setKeepLast(int keepLast) {
      this.keepLast = keepLast;
    }

    public int getKeepHourly() {
      return keepHourly;
    }

    public void setKeepHourly(int keepHourly) {
      this.keepHourly = keepHourly;
    }

    public int getKeepDaily() {
      return keepDaily;
    }

    public void setKeepDaily(int keepDaily) {
      this.keepDaily = keepDaily;
    }

    public int getKeepWeekly() {
      return keepWeekly;
    }

    public void setKeepWeekly(int keepWeekly) {
      this.keepWeekly = keepWeekly;
    }

    public int getKeepMonthly() {
      return keepMonthly;
    }

    public void setKeepMonthly(int keepMonthly) {
      this.keepMonthly = keepMonthly;
    }

    public int getKeepYearly() {
      return keepYearly;
    }

    public void setKeepYearly(int keepYearly) {
      this.keepYearly = keepYearly;
    }

    public @Nullable String getKeepWithin() {
      return keepWithin;
    }

    public void setKeepWithin(@Nullable String keepWithin) {
      this.keepWithin = keepWithin;
    }

    public List<String> getKeepTag() {
      return keepTag;
    }

    public void setKeepTag(List<String> keepTag) {
      this.keepTag = keepTag;
    }

    public boolean isPrune() {
      return prune;
    }

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

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getSyncInterval() {
      return syncInterval;
    }

    public void setSyncInterval(Duration syncInterval) {
      this.syncInterval = syncInterval;
    }

    public @Nullable Duration getRetention() {
      return retention;
    }

    public void setRetention(@Nullable Duration retention) {
      this.retention = retention;
    }

    public int getMaxRequestsPerHour() {
      return maxRequestsPerHour;
    }

    public void setMaxRequestsPerHour(int maxRequestsPerHour) {
      this.maxRequestsPerHour = maxRequestsPerHour;
    }

    public Duration getSnapshotInterval() {
      return snapshotInterval;
    }

    public void setSnapshotInterval(Duration snapshotInterval) {
      this.snapshotInterval = snapshotInterval;
    }

    public @Nullable Path getStateDir() {
      return stateDir;
    }

    public void setStateDir(@Nullable Path stateDir) {
      this.stateDir = stateDir;
    }
  }

  /** What the {@code bulwark} health indicator counts as down. */
  public static class Health {
    /** DOWN when the stream's oldest unshipped transaction has waited longer than this. */
    private Duration maxLag = Duration.ofMinutes(1);

    public Duration getMaxLag() {
      return maxLag;
    }

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
    /** Path-style addressing (true) or virtual-host (false); default: virtual-host. */
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

    public @Nullable String getEndpoint() {
      return endpoint;
    }

    public void setEndpoint(@Nullable String endpoint) {
      this.endpoint = endpoint;
    }

    public @Nullable String getRegion() {
      return region;
    }

    public void setRegion(@Nullable String region) {
      this.region = region;
    }

    public @Nullable Boolean getPathStyle() {
      return pathStyle;
    }

    public void setPathStyle(@Nullable Boolean pathStyle) {
      this.pathStyle = pathStyle;
    }

    public @Nullable Integer getConnections() {
      return connections;
    }

    public void setConnections(@Nullable Integer connections) {
      this.connections = connections;
    }

    public @Nullable Path getAccessKeyFile() {
      return accessKeyFile;
    }

    public void setAccessKeyFile(@Nullable Path accessKeyFile) {
      this.accessKeyFile = accessKeyFile;
    }

    public @Nullable Path getSecretKeyFile() {
      return secretKeyFile;
    }

    public void setSecretKeyFile(@Nullable Path secretKeyFile) {
      this.secretKeyFile = secretKeyFile;
    }

    public @Nullable Path getCredentialsFile() {
      return credentialsFile;
    }

    public void setCredentialsFile(@Nullable Path credentialsFile) {
      this.credentialsFile = credentialsFile;
    }

    public @Nullable String getProfile() {
      return profile;
    }

    public void setProfile(@Nullable String profile) {
      this.profile = profile;
    }
  }
}
