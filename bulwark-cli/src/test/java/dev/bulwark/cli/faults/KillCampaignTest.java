package dev.bulwark.cli.faults;

import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.cli.testing.TestFiles;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} at random moments of real {@code bulwark} processes: backups, forgets,
 * prunes, file restores and in-place SQLite restores, all on one repository that collects the
 * debris of every kill. After each kill of a repository writer, stale locks are removed as a user
 * would ({@code bulwark unlock}), {@code bulwark check --read-data} must pass (and {@code restic
 * check --read-data}, every few trials), and snapshots restore byte-identical to what they were
 * taken of (the newest and one at random; all in the long form). A killed file restore leaves
 * nothing wrong under a real name; a killed database restore leaves the whole old or the whole
 * new database. A process that finished before its kill counts as a trial too.
 */
@Slow
class KillCampaignTest {
  private static final Duration LIMIT = Duration.ofSeconds(120);
  private static final int FILES = 6;
  private static final int FILE_SIZE = 2 << 20;
  @TempDir Path dir;
  /**
   * The processes it kills keep users' 200 ms lock re-check (the build shortens it for tests):
   * a command that ends before the earliest kill moment (400 ms) is a trial without a kill.
   */
  private final Cli cli = Cli.withPassword().jvm("-Dbulwark.lock.recheck-ms=200");
  private final Map<String, Map<String, String>> versions = new HashMap<>();
  private Path repo;
  private Path pw;
  private Path src;
  private Random random;
  private Campaign campaign;
  private int version;
  private int kills;
  /** Per operation, the latest moment worth killing at: shrinks when a process ends first. */
  private final Map<String, Integer> window = new HashMap<>();

  @Test
  void killNineAtRandomMomentsLosesNothing() throws Exception {
    long seed = Campaign.seed();
    random = new Random(seed);
    campaign = new Campaign("kill -9 points in backup, forget, prune, restore", seed);
    repo = dir.resolve("repo");
    pw = Cli.passwordFile(dir, Cli.PASSWORD);
    src = dir.resolve("src");
    for (int i = 0; i < FILES; i++) {
      Files.createDirectories(src);
      Files.write(src.resolve("f" + i), bytes(FILE_SIZE));
    }
    ok(InProcess.run(LIMIT, "init", "--repo", repo.toString(), "--password-file",
        pw.toString(), "--kdf-n", "1024"));
    backupInProcess();
    int scale = Campaign.FULL ? 4 : 1;
    for (int i = 0; i < 16 * scale; i++) {
      changeSource();
      String tag = tagOfNextVersion();
      killed("backup " + i, 300, 2500, "backup", "--repo", repo.toString(), "--tag", tag,
          src.toString());
    }
    for (int i = 0; i < 10 * scale; i++) {
      changeSource();
      backupInProcess();
      killed("forget " + i, 300, 1800, "forget", "--repo", repo.toString(), "--keep-last",
          Integer.toString(2 + random.nextInt(3)));
    }
    for (int i = 0; i < 16 * scale; i++) {
      changeSource();
      backupInProcess();
      ok(InProcess.run(LIMIT, "forget", "--repo", repo.toString(), "--password-file",
          pw.toString(), "--keep-last", "2"));
      killed("prune " + i, 300, 3000, "prune", "--repo", repo.toString(), "--max-unused", "0");
    }
    for (int i = 0; i < 14 * scale; i++) {
      killedRestore(i);
    }
    for (int i = 0; i < 10 * scale; i++) {
      killedDatabaseRestore(i);
    }
    System.out.println(kills + " of " + campaign.trials() + " trials killed the process; the "
        + "others had ended first");
    campaign.report();
    // 66 trials: the first of each command and some of prune (whose work varies) end before
    // their kill moment on a fast machine; 50 real kills leave room for that.
    assertThat(kills).as("real kill points").isGreaterThanOrEqualTo(50 * scale);
  }

  /** Starts a writer, kills it after a random delay, and judges the repository. */
  private void killed(String what, int fromMs, int toMs, String... args) throws Exception {
    int after = moment(args[0], fromMs, toMs);
    boolean finished = startAndKill(args[0], after, args);
    String problem = repositoryProblem(campaign.trials() % 5 == 0);
    campaign.trial(what + " killed at " + after + " ms" + (finished ? " (had finished)" : ""),
        problem);
  }

  /** A random moment in the operation's window, which starts at {@code toMs}. */
  private int moment(String op, int fromMs, int toMs) {
    int upper = window.computeIfAbsent(op, k -> toMs);
    return fromMs + random.nextInt(Math.max(1, upper - fromMs));
  }

  private boolean startAndKill(String op, int afterMs, String... args) throws Exception {
    long start = System.nanoTime();
    Process p = cli.start(dir.resolve("out"), dir.resolve("err"), args);
    boolean finished = p.waitFor(afterMs, TimeUnit.MILLISECONDS);
    if (finished) {
      // It ended first: aim inside its measured life next time (a fixed fraction of the missed
      // moment took several wasted trials to get there on a fast machine).
      int lived = (int) ((System.nanoTime() - start) / 1_000_000);
      window.computeIfPresent(op, (k, v) -> Math.max(350, Math.min(v, lived)));
    } else {
      p.destroyForcibly(); // SIGKILL on Linux
      p.waitFor(30, TimeUnit.SECONDS);
      kills++;
    }
    return finished;
  }

  /** Null if the repository checks and its snapshots restore to what they were taken of. */
  private String repositoryProblem(boolean withRestic) throws Exception {
    InProcess.Run unlock = InProcess.run(LIMIT, "unlock", "--repo", repo.toString(),
        "--password-file", pw.toString());
    if (unlock.exitCode() != 0) {
      return "unlock: " + unlock.err().strip();
    }
    InProcess.Run check = InProcess.run(LIMIT, "check", "--read-data", "--repo",
        repo.toString(), "--password-file", pw.toString());
    if (check.exitCode() != 0) {
      return "check --read-data: " + check.err().strip();
    }
    if (withRestic) {
      Restic.Outcome r = Restic.forRepo(repo, dir.resolve("restic-cache"))
          .runMerged("check", "--read-data");
      if (r.exitCode() != 0) {
        return "restic check --read-data: " + r.output();
      }
    }
    InProcess.Run list = InProcess.run(LIMIT, "snapshots", "--json", "--repo",
        repo.toString(), "--password-file", pw.toString());
    if (list.exitCode() != 0) {
      return "snapshots: " + list.err().strip();
    }
    List<String[]> snaps = new ArrayList<>();
    for (var n : new com.fasterxml.jackson.databind.ObjectMapper().readTree(list.out())) {
      String tag = n.path("tags").isArray() && n.path("tags").size() > 0
          ? n.path("tags").get(0).asText() : null;
      snaps.add(new String[] {n.path("id").asText(), tag});
    }
    if (snaps.isEmpty()) {
      return "no snapshot left";
    }
    List<String[]> pick = Campaign.FULL ? snaps
        : List.of(snaps.get(snaps.size() - 1), snaps.get(random.nextInt(snaps.size())));
    for (String[] s : pick) {
      Map<String, String> expected = versions.get(s[1]);
      if (expected == null) {
        return "snapshot " + s[0] + " has an unknown tag " + s[1];
      }
      Path target = dir.resolve("verify");
      ByteFlipCampaignTest.deleteTree(target);
      InProcess.Run restore = InProcess.run(LIMIT, "restore", s[0], "--repo", repo.toString(),
          "--password-file", pw.toString(), "--target", target.toString());
      if (restore.exitCode() != 0) {
        return "restore " + s[0] + ": " + restore.err().strip();
      }
      Map<String, String> got = digests(target.resolve(src.toString().substring(1)));
      if (!got.equals(expected)) {
        return "snapshot " + s[0] + " (" + s[1] + ") restores other content";
      }
    }
    return null;
  }

  private void killedRestore(int i) throws Exception {
    Path target = dir.resolve("restore-target");
    ByteFlipCampaignTest.deleteTree(target);
    int after = moment("restore", 300, 2000);
    boolean finished = startAndKill("restore", after, "restore", "latest", "--repo",
        repo.toString(), "--target", target.toString());
    InProcess.Run list = InProcess.run(LIMIT, "snapshots", "--json", "--repo",
        repo.toString(), "--password-file", pw.toString());
    var all = new com.fasterxml.jackson.databind.ObjectMapper().readTree(list.out());
    Map<String, String> expected = versions.get(all.get(all.size() - 1).path("tags").get(0)
        .asText());
    String problem = null;
    Path root = target.resolve(src.toString().substring(1));
    if (Files.isDirectory(root)) {
      try (Stream<Path> s = Files.list(root)) {
        for (Path f : s.toList()) {
          String name = f.getFileName().toString();
          String want = expected.get(name);
          if (want != null && !want.equals(TestFiles.sha256(f))) {
            problem = "wrong content under the real name " + name;
          }
        }
      }
    }
    if (finished && problem == null && !digests(root).equals(expected)) {
      problem = "a restore that finished is not complete";
    }
    campaign.trial("file restore " + i + " killed at " + after + " ms"
        + (finished ? " (had finished)" : ""), problem);
  }

  private void killedDatabaseRestore(int i) throws Exception {
    Path db = dir.resolve("db/app.db");
    if (i == 0) {
      Files.createDirectories(db.getParent());
      sql(db, "create table t(x)", "with recursive c(x) as (select 1 union all select x + 1 from c limit 50000) "
          + "insert into t select x from c");
      ok(InProcess.run(LIMIT, "backup", "--repo", repo.toString(), "--password-file",
          pw.toString(), "--sqlite", db.toString(), "--tag", tagOfNextVersion()));
      sql(db, "delete from t where x % 2 = 0");
    }
    String before = rows(db);
    String snapshotState = "1..50000";
    int after = moment("db-restore", 300, 2500);
    boolean finished = startAndKill("db-restore", after, "restore", "latest", "--repo",
        repo.toString(), "--db", db.toString());
    // The next run settles what the killed one left (staging copies, a half swap).
    String problem = null;
    String now = Files.exists(db) ? rows(db) : "missing";
    if (!now.equals(before) && !now.equals(snapshotState)) {
      problem = "the database is neither the old nor the restored one: " + now;
    }
    if (problem == null) {
      String integrity = integrity(db);
      if (!integrity.equals("ok")) {
        problem = "integrity_check: " + integrity;
      }
    }
    // Put the old state back for the next trial.
    if (now.equals(snapshotState)) {
      sql(db, "delete from t where x % 2 = 0");
    }
    campaign.trial("database restore " + i + " killed at " + after + " ms"
        + (finished ? " (had finished)" : ""), problem);
  }

  private void backupInProcess() throws Exception {
    ok(InProcess.run(LIMIT, "backup", "--repo", repo.toString(), "--password-file",
        pw.toString(), "--tag", tagOfNextVersion(), src.toString()));
  }

  /** The tag for the source as it is now, remembering its content. */
  private String tagOfNextVersion() throws Exception {
    String tag = "v" + (++version);
    versions.put(tag, digests(src));
    return tag;
  }

  private void changeSource() throws Exception {
    for (int k = 0; k < 2; k++) {
      Path f = src.resolve("f" + random.nextInt(FILES));
      byte[] b = Files.readAllBytes(f);
      byte[] patch = bytes(64 << 10);
      System.arraycopy(patch, 0, b, random.nextInt(b.length - patch.length), patch.length);
      Files.write(f, b);
    }
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static Map<String, String> digests(Path root) throws Exception {
    Map<String, String> out = new HashMap<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> s = Files.list(root)) {
      for (Path f : s.toList()) {
        out.put(f.getFileName().toString(), TestFiles.sha256(f));
      }
    }
    return out;
  }

  private static void ok(InProcess.Run r) {
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  /** The rows as a range when they are 1..n, else count and sum. */
  private static String rows(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select count(*), sum(x), min(x), max(x) from t")) {
      long n = r.getLong(1);
      long sum = r.getLong(2);
      long max = r.getLong(4);
      return r.getLong(3) == 1 && n == max && sum == max * (max + 1) / 2 ? "1.." + max
          : n + " rows, sum " + sum;
    }
  }

  private static String integrity(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("pragma integrity_check")) {
      return r.getString(1);
    }
  }
}
