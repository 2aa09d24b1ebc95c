package dev.bulwark.cli.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.core.testing.Tools;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code restic} binary bound to one repository, with the test password
 * ({@link Cli#PASSWORD}) and a private cache folder. Skips the calling test when restic is not
 * installed, or fails it when {@code BULWARK_REQUIRE_TOOLS=1} (see {@link Tools#require}).
 */
public final class Restic {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path exe;
  private final Path cwd;
  private final Map<String, String> env;

  private Restic(Path exe, Path cwd, Map<String, String> env) {
    this.exe = exe;
    this.cwd = cwd;
    this.env = env;
  }

  /** restic for {@code repo}, caching under {@code cacheDir}. */
  public static Restic forRepo(Path repo, Path cacheDir) {
    Path exe = Tools.require("restic");
    try {
      java.nio.file.Files.createDirectories(cacheDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Restic(exe, cacheDir, Map.of("RESTIC_PASSWORD", Cli.PASSWORD,
        "RESTIC_REPOSITORY", repo.toString(), "RESTIC_CACHE_DIR", cacheDir.toString()));
  }

  /**
   * restic for a repository given as a location string, such as {@code
   * s3:http://127.0.0.1:PORT/bucket/prefix}, with {@code extraEnv} (e.g. AWS credentials) in its
   * environment, caching under {@code cacheDir}.
   */
  public static Restic forRepository(String repository, Path cacheDir,
      Map<String, String> extraEnv) {
    Restic r = forRepo(Path.of("unused"), cacheDir);
    Map<String, String> e = new LinkedHashMap<>(r.env);
    e.putAll(extraEnv);
    e.put("RESTIC_REPOSITORY", repository);
    return new Restic(r.exe, r.cwd, Map.copyOf(e));
  }

  /** The same restic with one more environment variable, e.g. {@code TZ}. */
  public Restic withEnv(String name, String value) {
    Map<String, String> e = new LinkedHashMap<>(env);
    e.put(name, value);
    return new Restic(exe, cwd, Map.copyOf(e));
  }

  /** The same restic with another password. */
  public Restic withPassword(String pw) {
    Map<String, String> e = new LinkedHashMap<>(env);
    e.put("RESTIC_PASSWORD", pw);
    return new Restic(exe, cwd, Map.copyOf(e));
  }

  /**
   * Runs a restic command that must fail; returns the failure text (exit code and stderr).
   *
   * @throws AssertionError if restic exits 0
   */
  public String fails(String... args) {
    String out;
    try {
      out = run(args);
    } catch (AssertionError expected) {
      return expected.getMessage();
    }
    throw new AssertionError("restic " + String.join(" ", args) + " should have failed but "
        + "exited 0:\n" + out);
  }

  /** Runs {@code restic args...} and returns stdout; fails the test with stderr on exit != 0. */
  public String run(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(exe.toString());
    cmd.addAll(List.of(args));
    return Tools.run(cwd, env, cmd.toArray(String[]::new));
  }

  /** Exit code and interleaved stdout and stderr of a run. */
  public record Outcome(int exitCode, String output) {
    /** Lines that mention errors, hints, warnings or damage (restic's ways of complaining). */
    public List<String> complaints() {
      return output.lines()
          .filter(l -> !l.strip().equals("no errors were found"))
          .filter(l -> l.toLowerCase(java.util.Locale.ROOT).matches(
              ".*(error|hint|warn|fatal|damaged|not referenced|does not match|unexpected"
                  + "|invalid|missing|failed|unable|could not).*"))
          .toList();
    }
  }

  /** Runs {@code restic args...} with stderr merged into stdout; never fails by itself. */
  public Outcome runMerged(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(exe.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(name -> name.startsWith("RESTIC_"));
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    try {
      Process p = pb.start();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
        try (var in = p.getInputStream()) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("restic " + String.join(" ", args) + " did not finish");
      }
      return new Outcome(p.exitValue(), out.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * {@code restic backup --json args...} and the full id of the snapshot it saved (restic 0.14
   * reports a short id in its summary line; it is resolved against the listing).
   */
  public String backup(String... args) {
    List<String> all = new ArrayList<>(List.of("backup", "--json"));
    all.addAll(List.of(args));
    String out = run(all.toArray(String[]::new));
    for (String line : out.lines().toList()) {
      JsonNode n = parse(line);
      if ("summary".equals(n.path("message_type").asText())) {
        String reported = n.path("snapshot_id").asText();
        List<String> ids = parseSnapshots(run("snapshots", "--json")).keySet().stream()
            .filter(id -> !reported.isEmpty() && id.startsWith(reported)).toList();
        if (ids.size() != 1) {
          throw new AssertionError("restic reported snapshot " + reported + ", listed: " + ids);
        }
        return ids.get(0);
      }
    }
    throw new AssertionError("no summary in restic backup output:\n" + out);
  }

  /** The fields both tools print for a snapshot, in comparable form. */
  public record SnapshotInfo(String id, String shortId, Instant time, String tree, String parent,
      List<String> paths, String hostname, String username, List<String> tags) {}

  /**
   * Parses a {@code snapshots --json} listing (restic's or Bulwark's) into id -> snapshot, in
   * listing order.
   */
  public static Map<String, SnapshotInfo> parseSnapshots(String json) {
    Map<String, SnapshotInfo> out = new LinkedHashMap<>();
    JsonNode arr = parse(json);
    if (!arr.isArray()) {
      throw new AssertionError("not a JSON array: " + json);
    }
    for (JsonNode n : arr) {
      SnapshotInfo s = new SnapshotInfo(n.path("id").asText(), n.path("short_id").asText(),
          OffsetDateTime.parse(n.path("time").asText()).toInstant(), n.path("tree").asText(),
          n.path("parent").asText(""), strings(n.path("paths")), n.path("hostname").asText(""),
          n.path("username").asText(""), strings(n.path("tags")));
      if (out.put(s.id(), s) != null) {
        throw new AssertionError("snapshot " + s.id() + " listed twice in " + json);
      }
    }
    return out;
  }

  private static List<String> strings(JsonNode arr) {
    List<String> out = new ArrayList<>();
    arr.forEach(s -> out.add(s.asText()));
    return out;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }
}
