package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.DurationText;
import dev.bulwark.cli.config.EffectiveConfig;
import dev.bulwark.cli.config.GroupConfig;
import dev.bulwark.cli.config.Origin;
import dev.bulwark.cli.config.RepositoryConfig;
import dev.bulwark.cli.config.RepositoryTarget;
import dev.bulwark.core.retention.RetentionPolicy;
import dev.bulwark.s3.S3Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The effective configuration as {@code config check} prints it, in the file's own shape.
 *
 * <p>Secrets: {@link #values} is the one place that decides what is printed, and it takes
 * only the configuration records, which hold the paths of the password, key and token files
 * and never their contents; nothing here reads those files or the environment.
 */
final class ConfigReport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./@~+-][A-Za-z0-9_./@~+:-]*");
  private static final int COMMENT_COLUMN = 48;

  private final EffectiveConfig effective;

  ConfigReport(EffectiveConfig effective) {
    this.effective = effective;
  }

  /** {@code {"file", "valid", "config", "overridden": {path: variable or flag}}}. */
  String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("file", effective.config().file().toAbsolutePath().toString());
    root.put("valid", true);
    root.set("config", values());
    ObjectNode overridden = root.putObject("overridden");
    effective.origins().forEach((path, origin) -> {
      if (origin.isOverride()) {
        overridden.put(path, origin.source());
      }
    });
    return root.toPrettyString();
  }

  /**
   * YAML a user can read beside the file: each value set by a variable or flag ends with
   * {@code # from NAME}, each default with {@code # default}.
   */
  String text() {
    StringBuilder out = new StringBuilder();
    out.append("# ").append(effective.config().file().toAbsolutePath()).append(": valid\n");
    object(out, values(), "", 0);
    return out.toString();
  }

  /** The configuration's values, every default filled in. */
  private ObjectNode values() {
    BulwarkConfig c = effective.config();
    ObjectNode n = JSON.createObjectNode();
    n.put("repository", c.repository());
    putPath(n, "password-file", c.passwordFile());
    paths(n.putArray("key-files"), c.keyFiles());
    ApiConfig a = c.api();
    ObjectNode api = n.putObject("api");
    api.put("enabled", a.enabled());
    api.put("host", a.host());
    api.put("port", a.port());
    putPath(api, "token-file", a.tokenFile());
    ObjectNode health = n.putObject("health");
    health.put("stale-after", a.health().staleAfterText());
    putDuration(health, "max-stream-lag", a.health().maxStreamLag());
    n.put("limit-upload", c.limits().uploadKiBps());
    n.put("limit-download", c.limits().downloadKiBps());
    if (!c.s3().isEmpty()) {
      // Only when given: a file without it is reported exactly as before.
      s3(n.putObject("s3"), c.s3());
    }
    ArrayNode dbs = n.putArray("databases");
    for (DatabaseConfig d : c.databases()) {
      ObjectNode db = dbs.addObject();
      db.put("name", d.name());
      db.put("kind", d.kind().name().toLowerCase(Locale.ROOT));
      putPath(db, "path", d.path());
      paths(db.putArray("files"), d.files());
      putDuration(db.putObject("schedule"), "every", d.every());
      retention(db.putObject("retention"), d.retention());
      putDuration(db.putObject("verify"), "every", d.verifyEvery());
      db.put("auto-restore", d.autoRestore());
      if (d.stream() == null) {
        db.putNull("stream");
      } else {
        ObjectNode stream = db.putObject("stream");
        putDuration(stream, "sync-interval", d.stream().syncInterval());
        putDuration(stream, "retention", d.stream().retention());
        stream.put("max-requests-per-hour", d.stream().maxRequestsPerHour());
        putDuration(stream, "snapshot-interval", d.stream().snapshotInterval());
      }
      if (!c.repositories().isEmpty()) {
        targets(db.putArray("repositories"), c.targets(d));
      }
    }
    if (!c.repositories().isEmpty()) {
      repositories(n.putObject("repositories"), c.repositories());
    }
    if (!c.groups().isEmpty()) {
      // Only when there are groups: a file without them is reported exactly as before.
      ArrayNode groups = n.putArray("groups");
      for (GroupConfig g : c.groups()) {
        ObjectNode group = groups.addObject();
        group.put("name", g.name());
        ArrayNode members = group.putArray("databases");
        g.databases().forEach(d -> members.add(d.name()));
        paths(group.putArray("files"), g.files());
        putDuration(group.putObject("schedule"), "every", g.every());
        retention(group.putObject("retention"), g.retention());
      }
    }
    return n;
  }

  /** The named repositories, unlock files and limits filled in from the top level. */
  private static void repositories(ObjectNode n, List<RepositoryConfig> repos) {
    for (RepositoryConfig r : repos) {
      ObjectNode o = n.putObject(r.name());
      o.put("location", r.location());
      putPath(o, "password-file", r.passwordFile());
      paths(o.putArray("key-files"), r.keyFiles());
      o.put("limit-upload", r.limits().uploadKiBps());
      o.put("limit-download", r.limits().downloadKiBps());
      if (!r.s3().isEmpty()) {
        s3(o.putObject("s3"), r.s3());
      }
    }
  }

  /**
   * The S3 settings given. Key and credentials files are shown by path: their content, the
   * secret, is read only when the repository is opened and never shown.
   */
  private static void s3(ObjectNode o, S3Settings s) {
    putIfSet(o, "endpoint", s.endpoint());
    putIfSet(o, "region", s.region());
    if (s.pathStyle() != null) {
      o.put("path-style", s.pathStyle());
    }
    if (s.connections() != null) {
      o.put("connections", s.connections());
    }
    if (s.credentialsFile() != null) {
      putPath(o, "credentials-file", s.credentialsFile());
    }
    putIfSet(o, "profile", s.profile());
    if (s.accessKeyFile() != null) {
      putPath(o, "access-key-file", s.accessKeyFile());
      putPath(o, "secret-key-file", s.secretKeyFile());
    }
  }

  private static void putIfSet(ObjectNode o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }

  /** Where a database goes, each with its effective schedule, retention and verification. */
  private static void targets(ArrayNode a, List<RepositoryTarget> targets) {
    for (RepositoryTarget t : targets) {
      ObjectNode o = a.addObject();
      o.put("name", t.repository());
      putDuration(o.putObject("schedule"), "every", t.every());
      retention(o.putObject("retention"), t.retention());
      putDuration(o.putObject("verify"), "every", t.verifyEvery());
    }
  }

  private static void retention(ObjectNode ret, RetentionPolicy r) {
    ret.put("keep-last", r.last());
    ret.put("keep-hourly", r.hourly());
    ret.put("keep-daily", r.daily());
    ret.put("keep-weekly", r.weekly());
    ret.put("keep-monthly", r.monthly());
    ret.put("keep-yearly", r.yearly());
    if (r.within().isZero()) {
      ret.putNull("keep-within");
    } else {
      ret.put("keep-within", r.within().toString());
    }
    r.tags().forEach(ret.putArray("keep-tag")::add);
  }

  private static void putPath(ObjectNode n, String key, Path p) {
    if (p == null) {
      n.putNull(key);
    } else {
      n.put(key, p.toString());
    }
  }

  private static void paths(ArrayNode a, List<Path> ps) {
    ps.forEach(p -> a.add(p.toString()));
  }

  private static void putDuration(ObjectNode n, String key, Duration d) {
    if (d == null) {
      n.putNull(key);
    } else {
      n.put(key, DurationText.format(d));
    }
  }

  // ------------------------------------------------------------------ text

  private void object(StringBuilder out, ObjectNode n, String path, int indent) {
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      String pad = " ".repeat(indent);
      JsonNode v = e.getValue();
      if (v.isObject()) {
        out.append(pad).append(e.getKey()).append(":\n");
        object(out, (ObjectNode) v, p, indent + 2);
      } else if (v.isArray() && v.size() > 0 && v.get(0).isObject()) {
        out.append(pad).append(e.getKey()).append(":\n");
        for (int i = 0; i < v.size(); i++) {
          // "- " stands in for the first two spaces of the item's indentation.
          StringBuilder item = new StringBuilder();
          object(item, (ObjectNode) v.get(i), p + "[" + i + "]", indent + 4);
          out.append(pad).append("  - ").append(item.substring(indent + 4));
        }
      } else {
        line(out, pad + e.getKey() + ": " + scalar(v), p);
      }
    }
  }

  private void line(StringBuilder out, String text, String path) {
    out.append(text);
    String note = effective.origin(path).map(ConfigReport::note)
        .orElse(blockGiven(path) ? "default" : defaultNote(path));
    if (!note.isEmpty()) {
      out.append(" ".repeat(Math.max(1, COMMENT_COLUMN - text.length()))).append("# ")
          .append(note);
    }
    out.append('\n');
  }

  /**
   * True for a value left out of a block that a database's repository entry gives (its
   * {@code retention:} with only {@code keep-daily}): a default, not the database's value.
   */
  private boolean blockGiven(String path) {
    java.util.regex.Matcher m = Pattern.compile(
        "(databases\\[\\d+]\\.repositories\\[\\d+]\\.[a-z-]+)\\..*").matcher(path);
    return m.matches() && effective.origins().keySet().stream()
        .anyMatch(k -> k.startsWith(m.group(1) + "."));
  }

  private static String defaultNote(String path) {
    if (path.startsWith("repositories.")) {
      // Left out of a named repository: the top level's unlock files and limits.
      return "as the top level's";
    }
    if (path.matches("databases\\[\\d+]\\.repositories\\[\\d+]\\..*")) {
      // Left out of a repository's block: the database's own value, not a default.
      return path.endsWith("].name") ? "" : "as the database's";
    }
    if (path.endsWith(".schedule.every")) {
      return "default: backups on demand only";
    }
    if (path.endsWith(".verify.every")) {
      return "default: never";
    }
    if (path.endsWith(".stream")) {
      return "default: not streamed";
    }
    if (path.endsWith(".stream.retention")) {
      return "default: segments kept until pruned";
    }
    if (path.endsWith(".stream.max-requests-per-hour")) {
      return "default: 0, no ceiling";
    }
    if (path.endsWith(".stream.snapshot-interval")) {
      return "default: 1h";
    }
    return "default";
  }

  private static String note(Origin o) {
    return o.isOverride() ? "from " + o.source() : "";
  }

  private static String scalar(JsonNode v) {
    if (v.isArray()) {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < v.size(); i++) {
        b.append(i == 0 ? "" : ", ").append(scalar(v.get(i)));
      }
      return b.append(']').toString();
    }
    if (v.isNull()) {
      return "null";
    }
    if (!v.isTextual()) {
      return v.asText();
    }
    String s = v.asText();
    boolean plain = PLAIN.matcher(s).matches()
        && !List.of("true", "false", "null", "~").contains(s.toLowerCase(Locale.ROOT));
    return plain ? s : "'" + s.replace("'", "''") + "'";
  }
}
