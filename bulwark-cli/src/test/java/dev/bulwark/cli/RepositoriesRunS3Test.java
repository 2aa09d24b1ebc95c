package dev.bulwark.cli;

import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.s3.testing.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark run} with a database backed up to a local repository and to the local S3
 * server, each on its own schedule and retention, in a child JVM: stopping the S3 server fails
 * the backups there and not the local ones.
 */
@Slow
class RepositoriesRunS3Test {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  @TempDir Path dir;
  private S3ProxyServer server;
  private Process daemon;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.destroyForcibly();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aStoppedS3ServerFailsItsBackupsAndTheLocalRepositoryGoesOn() throws Exception {
    server = S3ProxyServer.start(dir.resolve("s3"));
    int port = server.port();
    Cli cli = Cli.withPassword(server.env());
    Path local = dir.resolve("local");
    String s3 = server.repository("second");
    cli.inProcess().run("init", "--repo", local.toString(), "--kdf-n", "1024").assertOk();
    cli.inProcess().run("init", "--repo", s3, "--kdf-n", "1024").assertOk();
    Path db = dir.resolve("app/app.db");
    Files.createDirectories(db.getParent());
    sql(db, "pragma journal_mode=wal", "create table t(x)", "insert into t values (1)");
    Path config = Files.writeString(dir.resolve("bulwark.yml"), """
        repository: local
        password-file: %s
        api: {enabled: false}
        repositories:
          offsite: {location: '%s'}
        databases:
          - name: app
            kind: sqlite
            path: app/app.db
            schedule: {every: 1s}
            retention: {keep-last: 2}
            repositories:
              - default
              - name: offsite
                schedule: {every: 2s}
                retention: {keep-last: 1}
        """.formatted(Cli.passwordFile(dir, Cli.PASSWORD), s3));
    Path err = dir.resolve("run.err");
    daemon = cli.start(dir.resolve("run.out"), err, "run", "--config", config.toString());

    awaitLog(err, "two backups to each repository",
        s -> count(s, "to repository default succeeded") >= 2
            && count(s, "to repository offsite succeeded") >= 2);
    server.close();
    server = null;
    String afterStop = awaitLog(err, "a failed backup to offsite",
        s -> count(s, "to repository offsite failed") >= 1);
    int localBefore = count(afterStop, "to repository default succeeded");
    awaitLog(err, "two more local backups",
        s -> count(s, "to repository default succeeded") >= localBefore + 2);
    daemon.destroy();
    assertThat(daemon.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(daemon.exitValue()).as(Files.readString(err)).isZero();

    assertThat(snapshots(cli, local.toString())).as("local keeps its last 2").isEqualTo(2);
    server = S3ProxyServer.start(dir.resolve("s3"), port);
    assertThat(snapshots(cli, s3)).as("offsite keeps its last 1").isEqualTo(1);
  }

  private static int snapshots(Cli cli, String repo) throws Exception {
    String json = cli.inProcess().run("snapshots", "--repo", repo, "--json").assertOk().stdout();
    return new ObjectMapper().readTree(json).size();
  }

  private String awaitLog(Path err, String what, Predicate<String> done) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      String s = Files.readString(err);
      if (done.test(s)) {
        return s;
      }
      if (!daemon.isAlive()) {
        throw new AssertionError("bulwark run exited " + daemon.exitValue() + " before " + what
            + ":\n" + s);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within " + DEADLINE + ":\n" + s);
      }
      daemon.waitFor(50, TimeUnit.MILLISECONDS);
    }
  }

  private static int count(String s, String text) {
    Matcher m = Pattern.compile(Pattern.quote(text)).matcher(s);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
