package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.core.Id;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.Slow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real restic 0.14 is the oracle for {@code bulwark forget}: on one synthetic history
 * (seeded; ~150 snapshots over three years, clusters within an hour and a day, three hosts,
 * three path sets, tags, plus a few snapshots restic itself wrote in +09:00 just after local
 * midnight), both tools' {@code forget --dry-run --json} must keep and remove the same snapshots
 * for the same reasons in the same groups; really forgetting on two copies must leave the same
 * snapshot files; and restic check must accept what bulwark forget leaves.
 */
@Slow
class ForgetMatchesResticTest {
  private static final long SEED = Long.getLong("bulwark.test.seed", new Random().nextLong());
  private static final String TOKYO = "Asia/Tokyo";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Commands whose outcome no time zone or locale changes run in this JVM. */
  private static final Cli IN_PROCESS = Cli.withPassword().inProcess();
  private static final List<String> HOSTS = List.of("db-1", "db-2", "edge");
  private static final List<List<String>> PATHS =
      List.of(List.of("/srv/a"), List.of("/srv/b"), List.of("/srv/a", "/srv/b"));
  private static final List<String> TAGS = List.of("nightly", "keep", "db");

  @TempDir static Path dir;
  private static Path repo;

  @BeforeAll
  static void buildHistory() throws Exception {
    System.out.println("ForgetMatchesResticTest seed: " + SEED
        + " (rerun with -Dbulwark.test.seed=" + SEED + ")");
    repo = dir.resolve("repo");
    Path file = Files.writeString(dir.resolve("tiny.txt"), "tiny");
    Cli cli = Cli.withPassword().inProcess();
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), "--host", "seed", file.toString()).assertOk();
    Random rnd = new Random(SEED);
    try (Repository r = Repository.open(LocalBackend.open(repo),
        Cli.PASSWORD.getBytes(StandardCharsets.UTF_8))) {
      Snapshot seed = r.snapshots().get(0);
      r.removeSnapshot(seed.id());
      Set<Instant> used = new HashSet<>();
      Instant start = Instant.parse("2023-01-01T00:00:00Z");
      int made = 0;
      while (made < 150) {
        // A cluster: one to five snapshots in the same hour or the same day.
        Instant base = start.plus(rnd.nextInt(3 * 365 * 24), ChronoUnit.HOURS);
        int size = 1 + rnd.nextInt(5);
        long spreadSeconds = rnd.nextBoolean() ? 3600 : 86_400;
        String host = HOSTS.get(rnd.nextInt(HOSTS.size()));
        List<String> paths = PATHS.get(rnd.nextInt(PATHS.size()));
        for (int i = 0; i < size && made < 150; i++) {
          Instant t = base.plusSeconds(rnd.nextLong(spreadSeconds)).plusMillis(rnd.nextInt(1000));
          if (!used.add(t)) {
            continue; // restic orders equal times arbitrarily; keep the oracle deterministic
          }
          List<String> tags = new ArrayList<>();
          for (String tag : TAGS) {
            if (rnd.nextInt(4) == 0) {
              tags.add(tag);
            }
          }
          r.saveSnapshot(Snapshot.create(t, seed.tree(), paths, host, "bulwark", 0, 0, tags,
              null));
          made++;
        }
      }
    }
    // Snapshots restic writes in Tokyo time: 00:30+09:00 is the previous day in UTC, so daily
    // and hourly buckets differ unless the offset is honoured.
    Restic tokyo = restic(repo).withEnv("TZ", TOKYO);
    DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    LocalDateTime day = LocalDateTime.parse("2025-11-03T00:30:00");
    for (int i = 0; i < 6; i++) {
      LocalDateTime t = day.plusDays(i / 2).plusMinutes(i % 2 == 0 ? 0 : -60);
      tokyo.run("backup", "--host", "db-1", "--time", f.format(t), file.toString());
    }
  }

  private static Restic restic(Path r) {
    return Restic.forRepo(r, dir.resolve("cache-" + r.getFileName()));
  }

  static Stream<List<String>> policies() {
    return Stream.of(
        List.of("--keep-last", "7"),
        List.of("--keep-hourly", "30"),
        List.of("--keep-daily", "25"),
        List.of("--keep-weekly", "20"),
        List.of("--keep-monthly", "12"),
        List.of("--keep-yearly", "5"),
        List.of("--keep-last", "500"),
        List.of("--keep-within", "3m"),
        List.of("--keep-within", "1y2m3d4h"),
        List.of("--keep-tag", "keep"),
        List.of("--keep-tag", "nightly,db", "--keep-tag", "keep"),
        List.of("--keep-last", "2", "--keep-daily", "7", "--keep-weekly", "4",
            "--keep-monthly", "6", "--keep-yearly", "2"),
        List.of("--keep-hourly", "5", "--keep-within", "2m", "--keep-tag", "db"),
        List.of("--keep-daily", "10", "--group-by", ""),
        List.of("--keep-weekly", "6", "--group-by", "host"),
        List.of("--keep-monthly", "4", "--group-by", "tags"),
        List.of("--keep-last", "3", "--keep-monthly", "3", "--group-by", "host,tags"),
        List.of("--keep-daily", "4", "--group-by", "paths"),
        List.of("--keep-last", "4", "--host", "db-1", "--host", "edge"),
        List.of("--keep-weekly", "3", "--tag", "nightly", "--tag", "keep,db"),
        List.of("--keep-daily", "3", "--path", "/srv/a", "--group-by", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void dryRunKeepsAndRemovesWhatResticDoes(List<String> policy) {
    compare(policy, Map.of());
  }

  @Test
  void bucketsAgreeWhenBothRunInAnotherTimeZone() {
    compare(List.of("--keep-daily", "40", "--keep-hourly", "40", "--keep-weekly", "10"),
        Map.of("TZ", TOKYO));
    compare(List.of("--keep-daily", "15", "--group-by", ""), Map.of("TZ", "America/New_York"));
  }

  private static void compare(List<String> policy, Map<String, String> extraEnv) {
    List<String> args = new ArrayList<>(List.of("forget", "--dry-run", "--json"));
    args.addAll(policy);
    Restic restic = restic(repo);
    Map<String, String> env = new java.util.HashMap<>(Map.of("BULWARK_PASSWORD", Cli.PASSWORD));
    for (var e : extraEnv.entrySet()) {
      restic = restic.withEnv(e.getKey(), e.getValue());
      env.put(e.getKey(), e.getValue());
    }
    List<String> ours = new ArrayList<>(args);
    ours.addAll(List.of("--repo", repo.toString()));
    Map<String, Group> bulwark = groups(Cli.withEnv(env).run(ours.toArray(String[]::new))
        .assertOk().stdout());
    Map<String, Group> theirs = groups(restic.run(args.toArray(String[]::new)));
    assertThat(bulwark).as("forget %s (seed %s)", policy, SEED).isEqualTo(theirs);
    assertThat(theirs.values().stream().mapToInt(g -> g.keep().size()).sum())
        .as("the policy keeps something").isPositive();
  }

  /** One group's outcome in comparable form: kept id -> reasons, removed ids. */
  record Group(Map<String, List<String>> keep, Set<String> remove) {}

  private static Map<String, Group> groups(String json) {
    Map<String, Group> out = new TreeMap<>();
    try {
      for (JsonNode g : JSON.readTree(json)) {
        String key = g.path("host").asText() + " " + g.path("paths") + " " + g.path("tags");
        Map<String, List<String>> keep = new TreeMap<>();
        JsonNode reasons = g.path("reasons");
        int i = 0;
        for (JsonNode s : g.path("keep")) {
          List<String> matches = new ArrayList<>();
          reasons.get(i++).path("matches").forEach(m -> matches.add(m.asText()));
          keep.put(s.path("id").asText(), matches);
        }
        Set<String> remove = new TreeSet<>();
        g.path("remove").forEach(s -> remove.add(s.path("id").asText()));
        assertThat(out.put(key, new Group(keep, remove))).as("group %s twice", key).isNull();
      }
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
    return out;
  }

  @Test
  void forgettingForRealLeavesTheSameSnapshotsAndAValidRepository() throws Exception {
    List<String> policy = List.of("--keep-last", "2", "--keep-daily", "5", "--keep-weekly", "3",
        "--keep-monthly", "4", "--keep-tag", "keep", "--group-by", "host,tags");
    Path ours = copy(repo, dir.resolve("ours"));
    Path theirs = copy(repo, dir.resolve("theirs"));
    List<String> args = new ArrayList<>(List.of("forget", "--repo", ours.toString()));
    args.addAll(policy);
    Cli.Result result = IN_PROCESS.run(args.toArray(String[]::new)).assertOk();
    assertThat(result.stdout()).contains("removed");
    List<String> resticArgs = new ArrayList<>(List.of("forget"));
    resticArgs.addAll(policy);
    restic(theirs).run(resticArgs.toArray(String[]::new));

    Set<String> left = snapshotFiles(ours);
    assertThat(left).isEqualTo(snapshotFiles(theirs));
    assertThat(left).isNotEmpty().hasSizeLessThan(snapshotFiles(repo).size());
    assertThat(Files.list(ours.resolve("locks")).count()).as("lock released").isZero();

    Restic.Outcome check = restic(ours).runMerged("check");
    assertThat(check.exitCode()).as("restic check:\n%s", check.output()).isZero();
    assertThat(check.complaints()).as("restic check:\n%s", check.output()).isEmpty();
  }

  @Test
  void namedSnapshotsAreRemovedAndNothingElse() throws Exception {
    Path copy = copy(repo, dir.resolve("named"));
    List<String> all = new ArrayList<>(snapshotFiles(copy));
    String a = all.get(0);
    String b = all.get(all.size() - 1);
    IN_PROCESS.run("forget", "--repo", copy.toString(), a, b.substring(0, 12))
        .assertOk();
    Set<String> expected = new TreeSet<>(all);
    expected.remove(a);
    expected.remove(b);
    assertThat(snapshotFiles(copy)).isEqualTo(expected);
  }

  @Test
  void noPolicyAndNoSnapshotsIsAUsageError() {
    Cli.Result r = IN_PROCESS.run("forget", "--repo", repo.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr()).contains("bulwark: no policy and no snapshots given");
    Cli.Result both = IN_PROCESS.run("forget", "--repo", repo.toString(),
        "--keep-last", "1", "abcdef");
    assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
    Cli.Result badGroup = IN_PROCESS.run("forget", "--repo", repo.toString(),
        "--keep-last", "1", "--group-by", "color");
    assertThat(badGroup.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badGroup.stderr()).contains("color");
  }

  @Test
  void dryRunShowsWhyEachKeptSnapshotStays() throws Exception {
    int before = snapshotFiles(repo).size();
    Cli.Result r = IN_PROCESS.run("forget", "--repo", repo.toString(), "--dry-run",
        "--keep-daily", "3", "--keep-tag", "keep", "--host", "db-2");
    r.assertOk();
    assertThat(r.stdout()).contains("snapshots for host [db-2]", "daily snapshot",
        "has tags [keep]", "would remove", "dry run: would keep");
    assertThat(snapshotFiles(repo)).hasSize(before);
  }

  private static Set<String> snapshotFiles(Path r) throws IOException {
    try (Stream<Path> s = Files.list(r.resolve("snapshots"))) {
      return s.map(p -> p.getFileName().toString()).filter(Id::isValid)
          .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    }
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }
}
