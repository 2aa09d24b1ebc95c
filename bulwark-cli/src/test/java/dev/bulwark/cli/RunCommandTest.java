package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.cli.testing.TestFiles;
import dev.bulwark.core.testing.Slow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark run} end to end: the real CLI in a child JVM, a real repository and SQLite
 * database, seconds-scale schedules, real signals. Every wait polls a condition against a
 * deadline.
 */
@Slow
class RunCommandTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final Pattern NEXT_BACKUP =
      Pattern.compile("app: next backup at (\\S+) \\(newest snapshot (\\S+) \\+ 1h\\)");

  @TempDir Path dir;
  private final Cli cli = Cli.withPassword();
  private final List<Process> started = new ArrayList<>();
  private Path repo;
  private Path db;
  private Path config;
  private Path passwordFile;

  @BeforeEach
  void repositoryAndDatabase() throws Exception {
    repo = dir.resolve("repo");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    passwordFile = Cli.passwordFile(dir, Cli.PASSWORD);
    db = dir.resolve("app/app.db");
    Files.createDirectories(db.getParent());
    sql("pragma journal_mode=wal", "create table t(x)",
        "with recursive c(x) as (select 1 union all select x + 1 from c limit 100) "
            + "insert into t select x from c");
    config = dir.resolve("bulwark.yml");
  }

  @AfterEach
  void killLeftovers() {
    for (Process p : started) {
      p.destroyForcibly();
    }
  }

  @Test
  void backsUpOnScheduleSpacedByTheInterval() throws Exception {
    writeConfig("2s", "3s", false);
    Daemon d = start("scheduled");
    d.awaitLog("three backups", s -> count(s, "backup of app \\(job \\d+\\) succeeded") >= 3);
    d.awaitLog("a verification", s -> s.contains("verify of app")
        && count(s, "verify of app \\(job \\d+\\) succeeded") >= 1);
    d.stop();

    List<Instant> times = snapshotTimes();
    assertThat(times).hasSizeGreaterThanOrEqualTo(3);
    for (int i = 1; i < times.size(); i++) {
      Duration gap = Duration.between(times.get(i - 1), times.get(i));
      assertThat(gap).as("gap between backups %d and %d", i, i + 1)
          .isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(8));
    }
    assertThat(d.log()).contains("backup of app (job 1) started")
        .contains("app: next backup at").doesNotContain("failed");
    try (var s = Files.list(db.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .as("no verification folder left").noneMatch(n -> n.contains("bulwark-verify"));
    }
  }

  @Test
  void retentionAfterEachBackupKeepsTheConfiguredLastSnapshots() throws Exception {
    writeConfig("1s", null, false);
    Files.writeString(config, Files.readString(config) + "    retention:\n      keep-last: 2\n");
    Daemon d = start("retention");
    d.awaitLog("four backups", s -> count(s, "backup of app \\(job \\d+\\) succeeded") >= 4);
    d.awaitLog("retention at work", s -> s.contains("app: retention removed"));
    d.stop();
    List<Instant> times = snapshotTimes();
    // The last backup may have ended after the last retention ran, never more than one over.
    assertThat(times).hasSizeBetween(2, 3);
    assertThat(d.log()).doesNotContain("retention not applied");
    Restic.forRepo(repo, dir.resolve("restic-cache")).run("check");
  }

  @Test
  void theRunningDaemonAnswersTheApiWithTokenAndServesMetrics() throws Exception {
    writeConfig("1h", null, false);
    Path token = dir.resolve("api-token");
    Files.writeString(token, "t0ken-" + System.nanoTime());
    Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions
        .fromString("rw-------"));
    String yaml = Files.readString(config).replace("api:\n  enabled: false",
        "api:\n  port: 0\n  token-file: " + token);
    Files.writeString(config, yaml);
    Daemon d = start("api");
    String log = d.awaitLog("the API and the first backup", s -> s.contains("API listening on")
        && s.contains("backup of app (job 1) succeeded"));
    Matcher m = Pattern.compile("API listening on (http://127\\.0\\.0\\.1:\\d+)/").matcher(log);
    assertThat(m.find()).as(log).isTrue();
    String base = m.group(1);
    var http = java.net.http.HttpClient.newHttpClient();
    String rpc = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"backup_now\","
        + "\"params\":{\"database\":\"app\"}}";

    var noToken = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/rpc"))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(rpc)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(TestFiles.repoFiles(repo, "snapshots")).hasSize(1);

    String bearer = "Bearer " + Files.readString(token);
    var ok = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/rpc"))
        .header("Authorization", bearer)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(rpc)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    var result = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ok.body());
    assertThat(result.path("id").asInt()).isEqualTo(7);
    String snapshotId = result.path("result").path("jobs").get(0).path("snapshot_id").asText();
    assertThat(snapshotId).hasSize(64);
    assertThat(cli.run("snapshots", "--repo", repo.toString(), "--json").assertOk().stdout())
        .contains(snapshotId);

    var metrics = http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(base + "/metrics")).header("Authorization", bearer).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    var families = dev.bulwark.cli.testing.PrometheusText.parse(metrics.body());
    assertThat(families).containsKeys("bulwark_backup_last_success_timestamp_seconds",
        "bulwark_repository_size_bytes");
    assertThat(families.get("bulwark_backup_last_success_timestamp_seconds").samples())
        .anySatisfy(x -> assertThat(x.labels()).containsEntry("database", "app"));
    d.stop();
    assertThat(d.log()).doesNotContain(Files.readString(token));
  }

  @Test
  void aRestartTakesNoExtraBackupBeforeTheIntervalIsDue() throws Exception {
    writeConfig("1h", null, false);
    Daemon first = start("first");
    first.awaitLog("the first backup", s -> s.contains("backup of app (job 1) succeeded"));
    first.stop();
    List<Instant> times = snapshotTimes();
    assertThat(times).hasSize(1);

    Daemon second = start("second");
    String log = second.awaitLog("the plan", s -> NEXT_BACKUP.matcher(s).find());
    Matcher m = NEXT_BACKUP.matcher(log);
    assertThat(m.find()).isTrue();
    assertThat(Instant.parse(m.group(2))).isEqualTo(times.get(0));
    assertThat(Instant.parse(m.group(1))).isEqualTo(times.get(0).plus(Duration.ofHours(1)));
    // Nothing is due: for a few seconds no backup starts and no snapshot appears.
    long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
    while (System.nanoTime() < until) {
      assertThat(TestFiles.repoFiles(repo, "snapshots")).hasSize(1);
      assertThat(second.log()).doesNotContain("backup of app (job");
      assertThat(second.process.isAlive()).isTrue();
      second.process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    second.stop();
    assertThat(snapshotTimes()).containsExactlyElementsOf(times);
  }

  @Test
  void sigtermDuringABackupExitsZeroAndLeavesACheckableRepository() throws Exception {
    Restic restic = Restic.forRepo(repo, dir.resolve("restic-cache"));
    // About 200 MiB of incompressible rows: long enough to be caught in the middle.
    sql("create table big(b)", "with recursive c(x) as (select 1 union all select x + 1 from c "
        + "limit 200) insert into big select randomblob(1048576) from c");
    writeConfig("1h", null, false);
    Daemon d = start("killed", "--stop-grace", "0s");
    d.awaitLog("the backup", s -> s.contains("backup of app (job 1) started"));
    poll("the first pack", () -> !TestFiles.repoFiles(repo, "data").isEmpty(), d);
    d.process.destroy(); // SIGTERM
    assertThat(d.process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(d.process.exitValue()).as(d.log()).isZero();
    assertThat(d.log()).contains("backup of app (job 1) cancelled").contains("stopped");
    assertThat(TestFiles.repoFiles(repo, "snapshots")).as("abandoned before its snapshot")
        .isEmpty();
    assertThat(TestFiles.repoFiles(repo, "locks")).as("its lock released").isEmpty();
    restic.run("check");

    Daemon again = start("after");
    again.awaitLog("a backup", s -> s.contains("backup of app (job 1) succeeded"));
    again.stop();
    assertThat(TestFiles.repoFiles(repo, "snapshots")).hasSize(1);
    restic.run("check");
  }

  @Test
  void autoRestoreBringsBackAMissingDatabaseBeforeTheFirstBackup() throws Exception {
    cli.run("backup", "--repo", repo.toString(), "--sqlite", db.toString()).assertOk();
    Files.delete(db);
    Files.deleteIfExists(db.resolveSibling("app.db-wal"));
    Files.deleteIfExists(db.resolveSibling("app.db-shm"));
    writeConfig("2s", null, true);
    Daemon d = start("restore");
    String log = d.awaitLog("a backup after the restore",
        s -> s.contains("backup of app (job 2) succeeded"));
    d.stop();
    assertThat(log).contains("auto-restore: " + db + " was missing; restored from snapshot");
    assertThat(log.indexOf("restore of app (job 1) succeeded"))
        .isPositive().isLessThan(log.indexOf("backup of app (job 2) started"));
    assertThat(rows()).isEqualTo(100);
  }

  @Test
  void sighupReloadsAChangedIntervalAndKeepsRunningOnABrokenFile() throws Exception {
    writeConfig("1h", null, false);
    Daemon d = start("reload");
    d.awaitLog("the first backup", s -> s.contains("backup of app (job 1) succeeded"));

    writeConfig("2s", null, false);
    d.signal("HUP");
    d.awaitLog("two more backups",
        s -> s.contains("reloaded") && count(s, "backup of app \\(job \\d+\\) succeeded") >= 3);

    Files.writeString(config, "repository: [unclosed\n");
    d.signal("HUP");
    String log = d.awaitLog("the refusal", s -> s.contains("reload failed"));
    assertThat(log.lines().filter(l -> l.contains("reload failed")).toList()).singleElement()
        .asString().contains(config + ":").contains("YAML syntax error");
    int before = count(log, "backup of app \\(job \\d+\\) succeeded");
    d.awaitLog("backups going on", s -> count(s, "backup of app \\(job \\d+\\) succeeded")
        >= before + 2);
    d.stop();
  }

  @Test
  void helpShowsAnExampleAndABadStartSaysWhyInOneLine() throws Exception {
    Cli.Result help = cli.run("run", "--help").assertOk();
    assertThat(help.stdout()).contains("bulwark run --config").contains("every: 1h")
        .contains("SIGHUP");

    Files.writeString(config, "databases: []\n");
    Cli.Result noRepo = cli.run("run", "--config", config.toString());
    assertThat(noRepo.exitCode()).isEqualTo(2);
    assertThat(noRepo.stderr()).contains("repository: missing");

    writeConfig("1h", null, false);
    Files.writeString(passwordFile, "wrong password");
    Cli.Result wrong = cli.run("run", "--config", config.toString());
    assertThat(wrong.exitCode()).isEqualTo(12);
    assertThat(wrong.stderr().lines().filter(l -> l.startsWith("bulwark: ")).toList())
        .singleElement().asString().contains("none of the configured unlock files")
        .contains(passwordFile.toString());
  }

  // ---------------------------------------------------------------- helpers

  /** A running {@code bulwark run} and its log (stderr). */
  private final class Daemon {
    final Process process;
    final Path err;

    Daemon(Process process, Path err) {
      this.process = process;
      this.err = err;
    }

    String log() throws IOException {
      return Files.readString(err);
    }

    /** Polls the log until {@code done} holds; fails if the process ends or time runs out. */
    String awaitLog(String what, java.util.function.Predicate<String> done) throws Exception {
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (true) {
        String s = log();
        if (done.test(s)) {
          return s;
        }
        if (!process.isAlive()) {
          throw new AssertionError("bulwark run exited " + process.exitValue() + " before "
              + what + ":\n" + s);
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no " + what + " within " + DEADLINE + ":\n" + s);
        }
        process.waitFor(50, TimeUnit.MILLISECONDS);
      }
    }

    void signal(String name) throws Exception {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
          .inheritIO().start();
      assertThat(kill.waitFor()).isZero();
    }

    /** SIGTERM; the daemon must exit 0 and say it stopped. */
    void stop() throws Exception {
      process.destroy();
      assertThat(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(log()).isZero();
      assertThat(log()).contains("stopped");
    }
  }

  private Daemon start(String name, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("run", "--config", config.toString()));
    args.addAll(List.of(extra));
    Path err = dir.resolve(name + ".err");
    Process p = cli.start(dir.resolve(name + ".out"), err, args.toArray(String[]::new));
    started.add(p);
    return new Daemon(p, err);
  }

  private void poll(String what, BooleanSupplierIo cond, Daemon d) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!cond.get()) {
      if (!d.process.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + ":\n" + d.log());
      }
      d.process.waitFor(5, TimeUnit.MILLISECONDS);
    }
  }

  @FunctionalInterface
  private interface BooleanSupplierIo {
    boolean get() throws IOException;
  }

  private void writeConfig(String every, String verifyEvery, boolean autoRestore)
      throws IOException {
    Files.writeString(config, String.join("\n",
        "repository: " + repo,
        "password-file: " + passwordFile,
        "api:",
        "  enabled: false",
        "databases:",
        "  - name: app",
        "    kind: sqlite",
        "    path: " + db,
        "    schedule:",
        "      every: " + every,
        verifyEvery == null ? "" : "    verify:\n      every: " + verifyEvery,
        "    auto-restore: " + autoRestore,
        ""));
  }

  private List<Instant> snapshotTimes() {
    String json = cli.run("snapshots", "--repo", repo.toString(), "--json").assertOk().stdout();
    return Restic.parseSnapshots(json).values().stream().map(Restic.SnapshotInfo::time)
        .sorted().toList();
  }

  private static int count(String s, String regex) {
    Matcher m = Pattern.compile(regex).matcher(s);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private void sql(String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      for (String q : statements) {
        s.execute(q);
      }
    }
  }

  private long rows() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select count(*) from t")) {
      return r.getLong(1);
    }
  }
}
