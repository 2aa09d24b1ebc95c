package dev.bulwark.cli;

import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.ConfigLoader;
import dev.bulwark.cli.config.ConfigSource;
import dev.bulwark.cli.config.S3Environment;
import dev.bulwark.cli.daemon.Daemon;
import dev.bulwark.cli.daemon.JobState;
import dev.bulwark.cli.daemon.JobStatus;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.Backends;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.s3.S3Settings;
import dev.bulwark.s3.testing.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository on the local S3 server reached through {@code bulwark.yml}'s {@code s3:} block
 * alone: the daemon backs up with no {@code AWS_*} variable set, and a variable set overrides
 * the file's value.
 */
@Slow
class S3FromConfigTest {
  private static final ConfigSource NO_RELOAD = () -> {
    throw new ConfigException("reload is not part of these tests");
  };
  @TempDir Path dir;
  private S3ProxyServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = S3ProxyServer.start(dir.resolve("s3"));
    Cli.withPassword(server.env()).inProcess()
        .run("init", "--repo", server.repository("yml"), "--kdf-n", "1024").assertOk();
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  @Test
  void theDaemonBacksUpToS3ConfiguredOnlyInTheFile() throws Exception {
    // The daemon reads this process's environment: it must not carry S3 settings of its own.
    Map<String, String> env = System.getenv();
    assertThat(env.keySet()).as("S3 settings in the test's own environment")
        .doesNotContain("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_DEFAULT_REGION", "BULWARK_S3_PATH_STYLE",
            "BULWARK_S3_CONNECTIONS");
    Path ak = secret("ak", server.credentials().get("AWS_ACCESS_KEY_ID"));
    Path sk = secret("sk", server.credentials().get("AWS_SECRET_ACCESS_KEY"));
    Path pw = Cli.passwordFile(dir, Cli.PASSWORD);
    Path db = dir.resolve("app.db");
    sql(db, "pragma journal_mode=wal", "create table t(x)", "insert into t values (1), (2)");
    Path file = Files.writeString(dir.resolve("bulwark.yml"), """
        repository: 's3://%s/yml'
        password-file: %s
        api: {enabled: false}
        s3:
          endpoint: %s
          region: us-east-1
          path-style: true
          connections: 2
          access-key-file: %s
          secret-key-file: %s
        databases:
          - {name: app, kind: sqlite, path: %s, schedule: {every: 1h}}
        """.formatted(server.bucket(), pw, server.endpoint(), ak, sk, db));
    BulwarkConfig config = ConfigLoader.load(file, env);
    try (Daemon d = Daemon.open(config, NO_RELOAD, Clock.systemUTC(), Duration.ofSeconds(5))) {
      JobStatus done = d.backupNow("app").await(Duration.ofSeconds(60));
      assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(JobState.SUCCEEDED);
    }
    // The same repository, read with the usual variables, holds that snapshot.
    Cli.Result snaps = Cli.withPassword(server.env()).inProcess()
        .run("snapshots", "--json", "--repo", server.repository("yml")).assertOk();
    assertThat(new ObjectMapper().readTree(snaps.stdout()).size()).isEqualTo(1);
  }

  @Test
  void aVariableOverridesTheFilesEndpointAndACredentialsFileIsRead() throws Exception {
    Path creds = secret("credentials", "[backup]\naws_access_key_id = "
        + server.credentials().get("AWS_ACCESS_KEY_ID") + "\naws_secret_access_key = "
        + server.credentials().get("AWS_SECRET_ACCESS_KEY") + "\n");
    Path file = Files.writeString(dir.resolve("bulwark.yml"), """
        repository: 's3://%s/yml'
        password-file: pw
        api: {enabled: false}
        s3:
          endpoint: http://127.0.0.1:1
          region: us-east-1
          path-style: true
          credentials-file: %s
          profile: backup
        """.formatted(server.bucket(), creds));
    S3Settings s3 = ConfigLoader.load(file, Map.of()).s3();
    String location = "s3://" + server.bucket() + "/yml";

    // The file's endpoint (nothing listens on port 1): one line, the connection refused.
    Map<String, String> fileOnly = S3Environment.of(s3, Map.of("BULWARK_S3_ATTEMPTS", "1"),
        "s3");
    try (Backend b = Backends.open(location, fileOnly)) {
      assertThatThrownBy(() -> Repository.requireExists(b)).hasMessageNotContaining("\n")
          .hasMessageContaining("Connection refused");
    }
    // AWS_ENDPOINT_URL wins over the file: the repository is there.
    Map<String, String> overridden = S3Environment.of(s3, Map.of("AWS_ENDPOINT_URL",
        server.endpoint(), "BULWARK_S3_ATTEMPTS", "1"), "s3");
    try (Backend b = Backends.open(location, overridden)) {
      Repository.requireExists(b);
    }
    // A profile the credentials file does not have: one line naming the file and the profile.
    Map<String, String> wrongProfile = new HashMap<>(overridden);
    wrongProfile.put("AWS_PROFILE", "nope");
    assertThatThrownBy(() -> Backends.open(location, wrongProfile))
        .hasMessageContaining("the S3 credentials file " + creds)
        .hasMessageContaining("profile 'nope'");
    assertThat(List.of(s3.endpoint(), s3.profile())).containsExactly("http://127.0.0.1:1",
        "backup");
  }

  private Path secret(String name, String content) throws Exception {
    Path f = Files.writeString(dir.resolve(name), content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }
}
