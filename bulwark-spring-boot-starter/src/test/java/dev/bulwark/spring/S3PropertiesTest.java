package dev.bulwark.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code bulwark.s3.*}: bound under the names of {@code bulwark.yml}'s {@code s3:} block, each
 * overridden by its environment variable, the key files' credentials replaced whole by any
 * credential variable, and a wrong value or an unsafe key file refused with one line naming
 * the property, never showing a key. No S3 server is needed: every refusal comes before the
 * first request.
 */
class S3PropertiesTest {
  private static final String AKID = "AKIDFROMFILE";
  private static final String SECRET = "very-secret-key";
  @TempDir Path tmp;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(BulwarkAutoConfiguration.class));

  @Test
  void everyPropertyBindsUnderItsBulwarkYmlName() throws Exception {
    BulwarkProperties.S3 s3 = bind(Map.of("bulwark.s3.endpoint", "http://127.0.0.1:9000",
        "bulwark.s3.region", "eu-west-1", "bulwark.s3.path-style", "true",
        "bulwark.s3.connections", "8", "bulwark.s3.access-key-file", "/etc/app/ak",
        "bulwark.s3.secret-key-file", "/etc/app/sk",
        "bulwark.s3.credentials-file", "/etc/app/credentials", "bulwark.s3.profile", "backup"));
    assertThat(s3.getEndpoint()).isEqualTo("http://127.0.0.1:9000");
    assertThat(s3.getRegion()).isEqualTo("eu-west-1");
    assertThat(s3.getPathStyle()).isTrue();
    assertThat(s3.getConnections()).isEqualTo(8);
    assertThat(s3.getAccessKeyFile()).isEqualTo(Path.of("/etc/app/ak"));
    assertThat(s3.getSecretKeyFile()).isEqualTo(Path.of("/etc/app/sk"));
    assertThat(s3.getCredentialsFile()).isEqualTo(Path.of("/etc/app/credentials"));
    assertThat(s3.getProfile()).isEqualTo("backup");
  }

  @Test
  void theEnvironmentWinsOverEachPropertyAndReplacesTheCredentialsWhole() throws Exception {
    BulwarkProperties.S3 s3 = bind(Map.of("bulwark.s3.endpoint", "http://127.0.0.1:9000",
        "bulwark.s3.region", "eu-west-1", "bulwark.s3.path-style", "true",
        "bulwark.s3.connections", "8", "bulwark.s3.access-key-file", secret("ak", AKID)
            .toString(), "bulwark.s3.secret-key-file", secret("sk", SECRET).toString()));

    assertThat(S3Support.environment(s3, Map.of("HOME", "/h")))
        .containsEntry("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")
        .containsEntry("AWS_REGION", "eu-west-1").containsEntry("BULWARK_S3_PATH_STYLE", "true")
        .containsEntry("BULWARK_S3_CONNECTIONS", "8").containsEntry("AWS_ACCESS_KEY_ID", AKID)
        .containsEntry("AWS_SECRET_ACCESS_KEY", SECRET).containsEntry("HOME", "/h");

    Map<String, String> env = Map.of("AWS_ENDPOINT_URL_S3", "http://10.0.0.1:9000",
        "AWS_DEFAULT_REGION", "us-east-2", "BULWARK_S3_PATH_STYLE", "false",
        "BULWARK_S3_CONNECTIONS", "3", "AWS_PROFILE", "ops");
    assertThat(S3Support.environment(s3, env)).containsAllEntriesOf(env)
        .doesNotContainKeys("AWS_ENDPOINT_URL", "AWS_REGION")
        .as("a credential variable is set: no key from the files")
        .doesNotContainKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");

    Path creds = secret("credentials", "[backup]\naws_access_key_id = A\n");
    BulwarkProperties.S3 file = bind(Map.of("bulwark.s3.credentials-file", creds.toString(),
        "bulwark.s3.profile", "backup"));
    assertThat(S3Support.environment(file, Map.of()))
        .containsEntry("AWS_SHARED_CREDENTIALS_FILE", creds.toString())
        .containsEntry("AWS_PROFILE", "backup");
    assertThat(S3Support.environment(file, Map.of("AWS_ACCESS_KEY_ID", "X",
        "AWS_SECRET_ACCESS_KEY", "Y"))).doesNotContainKeys("AWS_SHARED_CREDENTIALS_FILE",
        "AWS_PROFILE");
    Map<String, String> none = Map.of("HOME", "/h");
    assertThat(S3Support.environment(new BulwarkProperties.S3(), none)).isSameAs(none);
  }

  @Test
  void aWrongPropertyOrAnUnsafeKeyFileStopsTheStartWithOneLineNamingIt() throws Exception {
    // The key file checks are skipped when a credential variable is set: none may be here.
    assertThat(System.getenv().keySet()).as("S3 credentials in the test's own environment")
        .doesNotContain("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE",
            "AWS_SHARED_CREDENTIALS_FILE");
    Path ak = secret("ak", AKID);
    Path sk = secret("sk", SECRET);
    refused("bulwark.s3.connections: 0 is out of range (1 to 128)", "bulwark.s3.connections=0");
    refused("bulwark.s3.endpoint: 'minio:9000' is not an http(s) URL",
        "bulwark.s3.endpoint=minio:9000");
    refused("bulwark.s3.endpoint: 'https://key:secret@minio:9000' is not an http(s) URL",
        "bulwark.s3.endpoint=https://key:secret@minio:9000");
    refused("bulwark.s3.region: 'eu west' is not a region", "bulwark.s3.region=eu west");
    refused("bulwark.s3.secret-key-file: missing; access-key-file and secret-key-file go "
        + "together", "bulwark.s3.access-key-file=" + ak);
    refused("bulwark.s3.credentials-file: give either credentials-file or access-key-file",
        "bulwark.s3.access-key-file=" + ak, "bulwark.s3.secret-key-file=" + sk,
        "bulwark.s3.credentials-file=" + ak);
    Files.setPosixFilePermissions(sk, PosixFilePermissions.fromString("rw-r--r--"));
    refused("bulwark.s3.secret-key-file: " + sk + " holds a secret but is accessible by group "
        + "or others; run: chmod 600 " + sk, "bulwark.s3.access-key-file=" + ak,
        "bulwark.s3.secret-key-file=" + sk);
    Files.delete(sk);
    refused("bulwark.s3.secret-key-file: " + sk + " does not exist",
        "bulwark.s3.access-key-file=" + ak, "bulwark.s3.secret-key-file=" + sk);
  }

  @Test
  void theSettingsDoNotConcernALocalRepository() throws Exception {
    TestRepo repo = TestRepo.create(tmp);
    Path db = TestRepo.ledger(tmp.resolve("ledger.db"), 1);
    runner.withPropertyValues(repo.properties(db, "bulwark.stream.enabled=false",
        "bulwark.s3.connections=0")).run(context -> assertThat(context).hasNotFailed());
  }

  private void refused(String line, String... s3) {
    runner.withPropertyValues("bulwark.repository=s3://bulwark-test/app",
        "bulwark.password-file=" + tmp.resolve("password"),
        "bulwark.database.path=" + tmp.resolve("ledger.db"), "bulwark.stream.enabled=false")
        .withPropertyValues(s3).run(context -> {
          assertThat(context).hasFailed();
          FailureAnalysis a = new BulwarkFailureAnalyzer().analyze(context.getStartupFailure());
          assertThat(a).as("a Bulwark failure analysis for: %s", line).isNotNull();
          assertThat(a.getDescription()).contains(line).doesNotContain("\n")
              .doesNotContain(SECRET).doesNotContain(AKID);
          assertThat(a.getAction()).contains("bulwark.s3");
        });
  }

  private static BulwarkProperties.S3 bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("bulwark", BulwarkProperties.class).getS3();
  }

  private Path secret(String name, String content) throws Exception {
    Path f = Files.writeString(tmp.resolve(name), content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }
}
