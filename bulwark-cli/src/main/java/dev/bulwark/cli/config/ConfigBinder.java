package dev.bulwark.cli.config;

import dev.bulwark.core.backend.RateLimits;
import dev.bulwark.core.chunk.FixedChunker;
import dev.bulwark.core.retention.KeepWithin;
import dev.bulwark.core.retention.RetentionPolicy;
import dev.bulwark.s3.S3Settings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns the merged tree (file, environment, flags) into the configuration records, refusing
 * anything unknown, mistyped, out of range or missing with one line:
 * {@code <origin>: <field path>: <what is wrong>}.
 */
final class ConfigBinder {
  /** Names go into URLs, metric labels, snapshot tags and variable names: keep them plain. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:.*");
  private static final Pattern HTTP_URL = Pattern.compile("https?://[^/@\\s]+/?");
  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final String DURATION_HINT = "(use 30s, 15m, 1h, 1d)";
  private static final String FINE_DURATION_HINT = "(use 500ms, 1s, 10s, 1m)";

  private final Path file;
  private final Map<String, Origin> origins = new LinkedHashMap<>();

  private ConfigBinder(Path file) {
    this.file = file;
  }

  /**
   * The configuration in {@code root}.
   *
   * @throws ConfigException naming the origin and the field of the first problem found
   */
  static EffectiveConfig bind(Path file, YamlNode.Mapping root) throws ConfigException {
    ConfigBinder b = new ConfigBinder(file);
    BulwarkConfig config = b.top(root);
    return new EffectiveConfig(config, b.origins);
  }

  private BulwarkConfig top(YamlNode.Mapping root) throws ConfigException {
    checkFields(root, "", ConfigSchema.TOP);
    YamlNode.Scalar repo = scalar(root, "", "repository");
    if (repo == null || repo.text().isBlank()) {
      throw missing(root, "repository", "where backups go, e.g. /backups/repo (or set "
          + "BULWARK_REPOSITORY, or --repo)");
    }
    Path passwordFile = path(root, "", "password-file");
    List<Path> keyFiles = paths(root, "", "key-files");
    if (passwordFile == null && keyFiles.isEmpty()) {
      throw missing(root, "password-file", "give a password-file or key-files to unlock the "
          + "repository (or set BULWARK_PASSWORD_FILE, or --password-file)");
    }
    // KiB/s as restic's --limit-upload/--limit-download; 0 = unlimited.
    long maxKiBps = Long.MAX_VALUE / 1024;
    RateLimits limits = new RateLimits(integer(root, "", "limit-upload", 0, 0, maxKiBps),
        integer(root, "", "limit-download", 0, 0, maxKiBps));
    S3Settings s3 = s3(root, "");
    List<RepositoryConfig> repositories = repositories(root, passwordFile, keyFiles, limits, s3);
    List<DatabaseConfig> databases = databases(root);
    Map<String, List<RepositoryTarget>> targets = targets(root, databases, repositories);
    return new BulwarkConfig(file, repository(repo, "repository"), passwordFile, keyFiles,
        api(root), databases, limits, groups(root, databases), repositories, targets, s3);
  }

  private String repository(YamlNode.Scalar s, String p) throws ConfigException {
    String r = s.text().strip();
    if (r.startsWith("local:")) {
      return "local:" + resolve(s, p, r.substring("local:".length()));
    }
    // A URL (s3:..., rclone:...) is taken as written; a plain path is resolved like any path.
    return SCHEME.matcher(r).matches() ? r : resolve(s, p, r).toString();
  }

  /**
   * The named repositories of {@code repositories:}; what a block leaves out (unlock files,
   * limits) is the top level's.
   */
  private List<RepositoryConfig> repositories(YamlNode.Mapping root, Path passwordFile,
      List<Path> keyFiles, RateLimits limits, S3Settings s3) throws ConfigException {
    List<RepositoryConfig> out = new ArrayList<>();
    YamlNode node = child(root, "repositories");
    if (node == null) {
      return out;
    }
    if (!(node instanceof YamlNode.Mapping map)) {
      throw fail(node, "repositories", "expected a mapping of names to repositories "
          + "(offsite: {location: ...}), found " + node.description());
    }
    for (Map.Entry<String, YamlNode> e : map.fields().entrySet()) {
      String name = e.getKey();
      String p = "repositories." + name;
      if (RepositoryConfig.DEFAULT.equals(name)) {
        throw fail(e.getValue(), p, "'default' is the top-level 'repository'; give this one "
            + "another name");
      }
      if (!NAME.matcher(name).matches()) {
        throw fail(e.getValue(), p, "'" + name + "' is not a valid name (letters, digits, "
            + "'.', '_' and '-', starting with a letter or digit, at most 64)");
      }
      YamlNode.Mapping r = mapping(map, "repositories", name, ConfigSchema.REPOSITORY);
      if (r == null) {
        throw fail(e.getValue(), p, "expected a mapping (location: ...), found "
            + e.getValue().description());
      }
      YamlNode.Scalar location = scalar(r, p, "location");
      if (location == null || location.text().isBlank()) {
        throw missing(r, p + ".location", "where this repository is, e.g. /backups/second "
            + "or s3:https://host/bucket/prefix");
      }
      Path pw = path(r, p, "password-file");
      List<Path> keys = paths(r, p, "key-files");
      if (pw == null && keys.isEmpty()) {
        pw = passwordFile;
        keys = keyFiles;
      }
      long maxKiBps = Long.MAX_VALUE / 1024;
      RateLimits own = new RateLimits(
          integer(r, p, "limit-upload", limits.uploadKiBps(), 0, maxKiBps),
          integer(r, p, "limit-download", limits.downloadKiBps(), 0, maxKiBps));
      // A block without s3 settings shares the top level's (one account, one endpoint).
      S3Settings ownS3 = child(r, "s3") == null ? s3 : s3(r, p);
      out.add(new RepositoryConfig(name, repository(location, p + ".location"), pw, keys, own,
          ownS3));
    }
    return out;
  }

  /**
   * Each database's {@code repositories:} list: a name (the database's own schedule, retention
   * and verification there) or a block with its own. A database without the list is absent
   * from the map: it goes to the default repository only.
   */
  private Map<String, List<RepositoryTarget>> targets(YamlNode.Mapping root,
      List<DatabaseConfig> databases, List<RepositoryConfig> repositories)
      throws ConfigException {
    Map<String, List<RepositoryTarget>> out = new LinkedHashMap<>();
    YamlNode.Sequence list = sequence(root, "", "databases");
    List<String> known = new ArrayList<>();
    known.add(RepositoryConfig.DEFAULT);
    repositories.forEach(r -> known.add(r.name()));
    for (int i = 0; i < databases.size(); i++) {
      String p = "databases[" + i + "]";
      DatabaseConfig db = databases.get(i);
      YamlNode.Sequence names = sequence((YamlNode.Mapping) list.items().get(i), p,
          "repositories");
      if (names == null) {
        continue;
      }
      if (names.items().isEmpty()) {
        throw fail(names, p + ".repositories", "is empty; name at least one repository ("
            + String.join(", ", known) + "), or leave it out for the default one");
      }
      List<RepositoryTarget> targets = new ArrayList<>();
      Map<String, Integer> seen = new HashMap<>();
      for (int j = 0; j < names.items().size(); j++) {
        String ip = p + ".repositories[" + j + "]";
        YamlNode item = names.items().get(j);
        RepositoryTarget t = target(item, ip, db);
        // A block's own line is the one before its first field: blame its name.
        if (item instanceof YamlNode.Mapping m && m.fields().get("name") != null) {
          item = m.fields().get("name");
        }
        if (!known.contains(t.repository())) {
          throw fail(item, ip, "no repository is named '" + t.repository() + "'"
              + NearestName.hint(t.repository(), known) + "; known: " + String.join(", ", known));
        }
        Integer before = seen.putIfAbsent(t.repository(), j);
        if (before != null) {
          throw fail(item, ip, "'" + t.repository() + "' is already " + p + ".repositories["
              + before + "]; name each repository once");
        }
        targets.add(t);
      }
      out.put(db.name(), targets);
    }
    return out;
  }

  private RepositoryTarget target(YamlNode item, String ip, DatabaseConfig db)
      throws ConfigException {
    if (item instanceof YamlNode.Scalar s && !s.isNull() && !s.text().isBlank()) {
      origins.put(ip, s.origin());
      return new RepositoryTarget(s.text().strip(), db.every(), db.retention(),
          db.verifyEvery());
    }
    if (!(item instanceof YamlNode.Mapping m)) {
      throw fail(item, ip, "expected a repository name or a mapping (name, schedule, "
          + "retention, verify), found " + item.description());
    }
    checkFields(m, ip, ConfigSchema.TARGET);
    YamlNode.Scalar name = scalar(m, ip, "name");
    if (name == null || name.text().isBlank()) {
      throw missing(m, ip + ".name", "the name of a repository of 'repositories:' or 'default'");
    }
    // Left out here: the database's own value, so a block may change only its retention.
    YamlNode.Mapping schedule = mapping(m, ip, "schedule", ConfigSchema.SCHEDULE);
    Duration every = schedule == null ? db.every() : duration(schedule, ip + ".schedule",
        "every");
    YamlNode.Mapping verify = mapping(m, ip, "verify", ConfigSchema.VERIFY);
    Duration verifyEvery = verify == null ? db.verifyEvery()
        : duration(verify, ip + ".verify", "every");
    YamlNode.Mapping retention = mapping(m, ip, "retention", ConfigSchema.RETENTION);
    RetentionPolicy policy = retention == null ? db.retention()
        : retention(retention, ip + ".retention");
    return new RepositoryTarget(name.text().strip(), every, policy, verifyEvery);
  }

  private ApiConfig api(YamlNode.Mapping root) throws ConfigException {
    YamlNode.Mapping api = mapping(root, "", "api", ConfigSchema.API);
    if (api == null) {
      api = new YamlNode.Mapping(Map.of(), root.origin());
    }
    boolean enabled = bool(api, "api", "enabled", true);
    YamlNode.Scalar hostNode = scalar(api, "api", "host");
    String host = hostNode == null ? ApiConfig.DEFAULT_HOST : hostNode.text().strip();
    if (host.isEmpty()) {
      throw fail(hostNode, "api.host", "is empty; use an address such as 127.0.0.1");
    }
    int port = (int) integer(api, "api", "port", ApiConfig.DEFAULT_PORT, 0, 65535);
    Path tokenFile = path(api, "api", "token-file");
    if (enabled && tokenFile == null) {
      throw missing(api, "api.token-file", "the API needs a file holding its bearer token "
          + "(or set api.enabled: false)");
    }
    return new ApiConfig(host, port, tokenFile, enabled, health(root));
  }

  /** The {@code s3:} block in {@code m} (at path {@code p}), or {@link S3Settings#NONE}. */
  private S3Settings s3(YamlNode.Mapping m, String p) throws ConfigException {
    YamlNode.Mapping b = mapping(m, p, "s3", ConfigSchema.S3);
    if (b == null) {
      return S3Settings.NONE;
    }
    String bp = join(p, "s3");
    String endpoint = null;
    YamlNode.Scalar ep = scalar(b, bp, "endpoint");
    if (ep != null) {
      endpoint = ep.text().strip();
      if (!HTTP_URL.matcher(endpoint).matches()) {
        throw fail(ep, bp + ".endpoint", "'" + ep.text() + "' is not an http(s) URL such as "
            + "https://minio.example:9000 (no bucket, no credentials)");
      }
    }
    String region = word(b, bp, "region", "a region such as eu-west-1");
    Boolean pathStyle = scalar(b, bp, "path-style") == null ? null
        : bool(b, bp, "path-style", false);
    Integer connections = scalar(b, bp, "connections") == null ? null
        : (int) integer(b, bp, "connections", 0, 1, 128);
    Path credentials = path(b, bp, "credentials-file");
    String profile = word(b, bp, "profile", "a profile name of the credentials file");
    Path accessKey = path(b, bp, "access-key-file");
    Path secretKey = path(b, bp, "secret-key-file");
    if ((accessKey == null) != (secretKey == null)) {
      throw missing(b, bp + (accessKey == null ? ".access-key-file" : ".secret-key-file"),
          "access-key-file and secret-key-file go together; give both");
    }
    if (accessKey != null && credentials != null) {
      throw fail(b.fields().get("credentials-file"), bp + ".credentials-file", "give either "
          + "credentials-file or access-key-file and secret-key-file, not both");
    }
    return new S3Settings(endpoint, region, pathStyle, connections, credentials, profile,
        accessKey, secretKey);
  }

  /** A plain word (letters, digits, '-', '_', '.'), or null if absent. */
  private String word(YamlNode.Mapping m, String p, String key, String what)
      throws ConfigException {
    YamlNode.Scalar s = scalar(m, p, key);
    if (s == null) {
      return null;
    }
    String t = s.text().strip();
    if (!WORD.matcher(t).matches()) {
      throw fail(s, join(p, key), "'" + s.text() + "' is not " + what);
    }
    return t;
  }

  private HealthConfig health(YamlNode.Mapping root) throws ConfigException {
    YamlNode.Mapping h = mapping(root, "", "health", ConfigSchema.HEALTH);
    if (h == null) {
      return HealthConfig.DEFAULTS;
    }
    double intervals = HealthConfig.DEFAULT_STALE_AFTER_INTERVALS;
    Duration fixed = null;
    YamlNode.Scalar stale = scalar(h, "health", "stale-after");
    if (stale != null) {
      String t = stale.text().strip();
      String bad = "'" + stale.text() + "' is neither a number of schedule intervals (2x, 1.5x) "
          + "nor a duration " + DURATION_HINT;
      if (t.endsWith("x")) {
        try {
          intervals = Double.parseDouble(t.substring(0, t.length() - 1));
        } catch (NumberFormatException e) {
          throw fail(stale, "health.stale-after", bad);
        }
        if (!(intervals >= 1) || Double.isInfinite(intervals)) {
          throw fail(stale, "health.stale-after", "'" + stale.text() + "' is less than one "
              + "interval: every backup would be stale before the next is due (use 2x)");
        }
      } else {
        try {
          fixed = DurationText.parse(t);
        } catch (IllegalArgumentException e) {
          throw fail(stale, "health.stale-after", bad);
        }
      }
    }
    Duration lag = duration(h, "health", "max-stream-lag");
    return new HealthConfig(intervals, fixed,
        lag == null ? HealthConfig.DEFAULT_MAX_STREAM_LAG : lag);
  }

  private List<DatabaseConfig> databases(YamlNode.Mapping root) throws ConfigException {
    YamlNode.Sequence list = sequence(root, "", "databases");
    List<DatabaseConfig> out = new ArrayList<>();
    if (list == null) {
      return out;
    }
    Map<String, String> seenNames = new HashMap<>();
    Map<String, String> seenPrefixes = new HashMap<>();
    for (int i = 0; i < list.items().size(); i++) {
      String p = "databases[" + i + "]";
      if (!(list.items().get(i) instanceof YamlNode.Mapping db)) {
        throw fail(list.items().get(i), p, "expected a mapping (name: ..., kind: ..., "
            + "path: ...), found " + list.items().get(i).description());
      }
      checkFields(db, p, ConfigSchema.DATABASE);
      YamlNode.Scalar nameNode = scalar(db, p, "name");
      if (nameNode == null) {
        throw missing(db, p + ".name", "a unique name such as 'node'");
      }
      String name = nameNode.text().strip();
      if (!NAME.matcher(name).matches()) {
        throw fail(nameNode, p + ".name", "'" + name + "' is not a valid name (letters, digits, "
            + "'.', '_' and '-', starting with a letter or digit, at most 64)");
      }
      String where = p + " (line " + nameNode.origin().line() + ")";
      String before = seenNames.putIfAbsent(name, where);
      if (before != null) {
        throw fail(nameNode, p + ".name", "'" + name + "' is already the name of " + before);
      }
      String prefix = ConfigSchema.databasePrefix(name);
      before = seenPrefixes.putIfAbsent(prefix, where);
      if (before != null) {
        throw fail(nameNode, p + ".name", "'" + name + "' and " + before + " would share the "
            + "environment variables " + prefix + "*; rename one");
      }
      out.add(database(db, p, name));
    }
    return out;
  }

  /**
   * {@code groups:}: each a name, its member databases by their names under {@code databases:},
   * and the group's own files, schedule and retention.
   */
  private List<GroupConfig> groups(YamlNode.Mapping root, List<DatabaseConfig> databases)
      throws ConfigException {
    YamlNode.Sequence list = sequence(root, "", "groups");
    List<GroupConfig> out = new ArrayList<>();
    if (list == null) {
      return out;
    }
    Map<String, DatabaseConfig> byName = new LinkedHashMap<>();
    databases.forEach(d -> byName.put(d.name(), d));
    Map<String, String> seenNames = new HashMap<>();
    for (int i = 0; i < list.items().size(); i++) {
      String p = "groups[" + i + "]";
      if (!(list.items().get(i) instanceof YamlNode.Mapping g)) {
        throw fail(list.items().get(i), p, "expected a mapping (name: ..., databases: [...]), "
            + "found " + list.items().get(i).description());
      }
      checkFields(g, p, ConfigSchema.GROUP);
      YamlNode.Scalar nameNode = scalar(g, p, "name");
      if (nameNode == null) {
        throw missing(g, p + ".name", "a unique name such as 'node'");
      }
      String name = nameNode.text().strip();
      if (!NAME.matcher(name).matches()) {
        throw fail(nameNode, p + ".name", "'" + name + "' is not a valid name (letters, digits, "
            + "'.', '_' and '-', starting with a letter or digit, at most 64)");
      }
      if (byName.containsKey(name)) {
        throw fail(nameNode, p + ".name", "'" + name + "' is already the name of a database; "
            + "a group needs a name of its own (the API finds both by name)");
      }
      String where = p + " (line " + nameNode.origin().line() + ")";
      String before = seenNames.putIfAbsent(name, where);
      if (before != null) {
        throw fail(nameNode, p + ".name", "'" + name + "' is already the name of " + before);
      }
      List<DatabaseConfig> members = new ArrayList<>();
      List<YamlNode.Scalar> refs = scalars(g, p, "databases");
      if (refs.isEmpty()) {
        throw missing(g, p + ".databases", "the names of its databases, configured under "
            + "databases:, e.g. [app, chain]");
      }
      for (int j = 0; j < refs.size(); j++) {
        YamlNode.Scalar ref = refs.get(j);
        String mp = p + ".databases[" + j + "]";
        String member = ref.text().strip();
        DatabaseConfig db = byName.get(member);
        if (db == null) {
          throw fail(ref, mp, "'" + member + "' is not a configured database"
              + NearestName.hint(member, byName.keySet()) + "; a group names databases "
              + "configured under databases:");
        }
        if (members.contains(db)) {
          throw fail(ref, mp, "'" + member + "' is already a member of this group");
        }
        if (db.isStreamed()) {
          throw fail(ref, mp, "'" + member + "' is streamed; streaming stays per single SQLite "
              + "database, so remove its 'stream' or leave it out of the group");
        }
        members.add(db);
      }
      List<Path> files = paths(g, p, "files");
      YamlNode.Mapping schedule = mapping(g, p, "schedule", ConfigSchema.SCHEDULE);
      Duration every = schedule == null ? null : duration(schedule, p + ".schedule", "every");
      YamlNode.Mapping retention = mapping(g, p, "retention", ConfigSchema.RETENTION);
      RetentionPolicy policy = retention == null ? RetentionPolicy.KEEP_ALL
          : retention(retention, p + ".retention");
      out.add(new GroupConfig(name, members, files, every, policy));
    }
    return out;
  }

  private DatabaseConfig database(YamlNode.Mapping db, String p, String name)
      throws ConfigException {
    YamlNode.Scalar kindNode = scalar(db, p, "kind");
    if (kindNode == null) {
      throw missing(db, p + ".kind", "sqlite or rocksdb");
    }
    DatabaseType kind = kind(kindNode, p + ".kind");
    Path path = path(db, p, "path");
    if (path == null) {
      throw missing(db, p + ".path", "the database file (sqlite) or folder (rocksdb)");
    }
    List<Path> files = paths(db, p, "files");
    YamlNode.Mapping schedule = mapping(db, p, "schedule", ConfigSchema.SCHEDULE);
    // No schedule: backups only on demand (API or CLI).
    Duration every = schedule == null ? null : duration(schedule, p + ".schedule", "every");
    YamlNode.Mapping verify = mapping(db, p, "verify", ConfigSchema.VERIFY);
    Duration verifyEvery = verify == null ? null : duration(verify, p + ".verify", "every");
    YamlNode.Mapping retention = mapping(db, p, "retention", ConfigSchema.RETENTION);
    RetentionPolicy policy = retention == null ? RetentionPolicy.KEEP_ALL
        : retention(retention, p + ".retention");
    boolean autoRestore = bool(db, p, "auto-restore", false);
    StreamConfig stream = stream(db, p, kind);
    Path yieldFile = path(db, p, "yield-file");
    Integer chunkBytes = chunkSize(db, p);
    return new DatabaseConfig(name, kind, path, files, every, policy, verifyEvery, autoRestore,
        stream, yieldFile, chunkBytes);
  }

  /** {@code chunk-size: 8K}, within what the chunker takes; null when not set. */
  private Integer chunkSize(YamlNode.Mapping db, String p) throws ConfigException {
    YamlNode.Scalar s = scalar(db, p, "chunk-size");
    if (s == null) {
      return null;
    }
    int n;
    try {
      n = SizeText.parse(s.text());
    } catch (IllegalArgumentException e) {
      throw fail(s, p + ".chunk-size", e.getMessage());
    }
    if (n < FixedChunker.MIN_CHUNK_BYTES || n > FixedChunker.MAX_CHUNK_BYTES) {
      throw fail(s, p + ".chunk-size", "'" + s.text().strip() + "' is out of range ("
          + FixedChunker.MIN_CHUNK_BYTES / 1024 + "K to " + FixedChunker.MAX_CHUNK_BYTES / 1024
          + "K)");
    }
    return n;
  }

  /** {@code stream: {sync-interval, retention}}, or null when the database is not streamed. */
  private StreamConfig stream(YamlNode.Mapping db, String p, DatabaseType kind)
      throws ConfigException {
    String sp = p + ".stream";
    YamlNode node = child(db, "stream");
    if (node == null) {
      return null;
    }
    if (kind != DatabaseType.SQLITE) {
      throw fail(node, sp, "only a SQLite database streams its transactions; remove 'stream' "
          + "from this " + kind.name().toLowerCase(Locale.ROOT) + " database (its schedule "
          + "backs it up)");
    }
    YamlNode.Mapping m = mapping(db, p, "stream", ConfigSchema.STREAM);
    Duration interval = null;
    YamlNode.Scalar s = scalar(m, sp, "sync-interval");
    if (s != null) {
      try {
        interval = DurationText.parseFine(s.text());
      } catch (IllegalArgumentException e) {
        throw fail(s, sp + ".sync-interval", e.getMessage() + " " + FINE_DURATION_HINT);
      }
      if (interval.compareTo(StreamConfig.MAX_SYNC_INTERVAL) > 0) {
        throw fail(s, sp + ".sync-interval", "'" + s.text().strip() + "' is longer than "
            + "the most a stream may wait, 1h; a longer wait is what the schedule is for");
      }
    }
    Duration retention = duration(m, sp, "retention");
    int ceiling = (int) integer(m, sp, "max-requests-per-hour", 0, 0, 3_600_000);
    Duration snapshots = duration(m, sp, "snapshot-interval");
    return new StreamConfig(interval, retention, ceiling, snapshots);
  }

  private RetentionPolicy retention(YamlNode.Mapping r, String p) throws ConfigException {
    int[] counts = new int[6];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = (int) integer(r, p, ConfigSchema.RETENTION.get(i), 0, 0, Integer.MAX_VALUE);
    }
    KeepWithin within = KeepWithin.NONE;
    YamlNode.Scalar w = scalar(r, p, "keep-within");
    if (w != null) {
      try {
        within = KeepWithin.parse(w.text());
      } catch (IllegalArgumentException e) {
        throw fail(w, p + ".keep-within", e.getMessage() + " (use e.g. 7d, 36h, 1y6m)");
      }
    }
    List<String> tags = new ArrayList<>();
    for (YamlNode.Scalar t : scalars(r, p, "keep-tag")) {
      tags.add(t.text().strip());
    }
    return new RetentionPolicy(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5],
        within, tags);
  }

  // ------------------------------------------------------------------ shapes

  private void checkFields(YamlNode.Mapping m, String p, List<String> known)
      throws ConfigException {
    for (Map.Entry<String, YamlNode> e : m.fields().entrySet()) {
      if (!known.contains(e.getKey())) {
        throw fail(e.getValue(), join(p, e.getKey()), "unknown field"
            + NearestName.hint(e.getKey(), known) + "; known here: " + String.join(", ", known));
      }
    }
  }

  /** The value at {@code key}, null when absent or YAML null. */
  private static YamlNode child(YamlNode.Mapping m, String key) {
    YamlNode n = m.fields().get(key);
    return n instanceof YamlNode.Scalar s && s.isNull() ? null : n;
  }

  private YamlNode.Scalar scalar(YamlNode.Mapping m, String p, String key)
      throws ConfigException {
    YamlNode n = child(m, key);
    if (n == null) {
      return null;
    }
    if (!(n instanceof YamlNode.Scalar s)) {
      throw fail(n, join(p, key), "expected a single value, found " + n.description());
    }
    origins.put(join(p, key), s.origin());
    return s;
  }

  private YamlNode.Mapping mapping(YamlNode.Mapping m, String p, String key, List<String> known)
      throws ConfigException {
    YamlNode n = child(m, key);
    if (n == null) {
      return null;
    }
    if (!(n instanceof YamlNode.Mapping inner)) {
      throw fail(n, join(p, key), "expected a mapping (" + String.join(", ", known)
          + "), found " + n.description());
    }
    checkFields(inner, join(p, key), known);
    return inner;
  }

  private YamlNode.Sequence sequence(YamlNode.Mapping m, String p, String key)
      throws ConfigException {
    YamlNode n = child(m, key);
    if (n == null) {
      return null;
    }
    if (!(n instanceof YamlNode.Sequence s)) {
      throw fail(n, join(p, key), "expected a list ('- item' lines or [a, b]), found "
          + n.description());
    }
    origins.put(join(p, key), s.origin());
    return s;
  }

  private List<YamlNode.Scalar> scalars(YamlNode.Mapping m, String p, String key)
      throws ConfigException {
    YamlNode.Sequence s = sequence(m, p, key);
    List<YamlNode.Scalar> out = new ArrayList<>();
    if (s == null) {
      return out;
    }
    for (int i = 0; i < s.items().size(); i++) {
      YamlNode item = s.items().get(i);
      String ip = join(p, key) + "[" + i + "]";
      if (!(item instanceof YamlNode.Scalar sc)) {
        throw fail(item, ip, "expected a single value, found " + item.description());
      }
      if (sc.isNull() || sc.text().isBlank()) {
        throw fail(item, ip, "is empty");
      }
      out.add(sc);
    }
    return out;
  }

  // ------------------------------------------------------------------ values

  private Path path(YamlNode.Mapping m, String p, String key) throws ConfigException {
    YamlNode.Scalar s = scalar(m, p, key);
    if (s == null) {
      return null;
    }
    if (s.text().isBlank()) {
      throw fail(s, join(p, key), "is empty; give a path");
    }
    return resolve(s, join(p, key), s.text().strip());
  }

  private List<Path> paths(YamlNode.Mapping m, String p, String key) throws ConfigException {
    List<Path> out = new ArrayList<>();
    for (YamlNode.Scalar s : scalars(m, p, key)) {
      out.add(resolve(s, join(p, key), s.text().strip()));
    }
    return out;
  }

  /** Relative to the file's folder for file values, to the working directory otherwise. */
  private Path resolve(YamlNode.Scalar s, String p, String text) throws ConfigException {
    try {
      return s.origin().base().resolve(text).normalize();
    } catch (InvalidPathException e) {
      throw fail(s, p, "'" + text + "' is not a valid path");
    }
  }

  private long integer(YamlNode.Mapping m, String p, String key, long dflt, long min, long max)
      throws ConfigException {
    YamlNode.Scalar s = scalar(m, p, key);
    if (s == null) {
      return dflt;
    }
    long v;
    try {
      v = Long.parseLong(s.text().strip());
    } catch (NumberFormatException e) {
      throw fail(s, join(p, key), "'" + s.text() + "' is not a whole number");
    }
    if (v < min && min == 0) {
      throw fail(s, join(p, key), v + " cannot be negative" + (key.startsWith("keep-")
          ? " (0 turns the rule off)" : ""));
    }
    if (v < min || v > max) {
      throw fail(s, join(p, key), v + " is out of range (" + min + " to " + max + ")");
    }
    return v;
  }

  private boolean bool(YamlNode.Mapping m, String p, String key, boolean dflt)
      throws ConfigException {
    YamlNode.Scalar s = scalar(m, p, key);
    if (s == null) {
      return dflt;
    }
    return switch (s.text().strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw fail(s, join(p, key), "'" + s.text() + "' is not true or false");
    };
  }

  private Duration duration(YamlNode.Mapping m, String p, String key) throws ConfigException {
    YamlNode.Scalar s = scalar(m, p, key);
    if (s == null) {
      return null;
    }
    try {
      return DurationText.parse(s.text());
    } catch (IllegalArgumentException e) {
      throw fail(s, join(p, key), e.getMessage() + " " + DURATION_HINT);
    }
  }

  private DatabaseType kind(YamlNode.Scalar s, String p) throws ConfigException {
    String k = s.text().strip().toLowerCase(Locale.ROOT);
    for (DatabaseType t : DatabaseType.values()) {
      if (t.name().toLowerCase(Locale.ROOT).equals(k)) {
        return t;
      }
    }
    throw fail(s, p, "'" + s.text() + "' is not a database kind (use sqlite or rocksdb)");
  }

  // ------------------------------------------------------------------ errors

  private static String join(String p, String key) {
    return p.isEmpty() ? key : p + "." + key;
  }

  private static ConfigException fail(YamlNode at, String path, String message) {
    return new ConfigException(at.origin() + ": " + path + ": " + message);
  }

  private static ConfigException missing(YamlNode.Mapping in, String path, String what) {
    return new ConfigException(in.origin() + ": " + path + ": missing; " + what);
  }
}
