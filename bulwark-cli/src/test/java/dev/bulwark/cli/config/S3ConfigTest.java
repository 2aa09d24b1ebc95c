package dev.bulwark.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.s3.S3Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code s3:} in bulwark.yml: parsed at the top level and per repository, overridden by the
 * environment, refused with one line when wrong, and its secrets never shown.
 */
class S3ConfigTest {
  private static final String BASE = "repository: s3://backups/app\npassword-file: /pw\n"
      + "api: {enabled: false}\n";

  @TempDir Path dir;

  @Test
  void topLevelSettingsAreReadAndANamedRepositoryWithoutABlockSharesThem() throws Exception {
    BulwarkConfig c = ConfigLoader.load(write(BASE + """
        s3:
          endpoint: http://127.0.0.1:9000
          region: eu-west-1
          path-style: true
          connections: 8
          credentials-file: creds
          profile: backup
        repositories:
          same: {location: 's3://backups/same'}
          other:
            location: 's3://elsewhere/app'
            s3: {region: us-east-2, access-key-file: ak, secret-key-file: sk}
        """), Map.of());
    assertThat(c.s3()).isEqualTo(new S3Settings("http://127.0.0.1:9000", "eu-west-1", true, 8,
        dir.resolve("creds"), "backup", null, null));
    assertThat(c.defaultRepository().s3()).isEqualTo(c.s3());
    assertThat(c.repository("same").orElseThrow().s3()).isEqualTo(c.s3());
    assertThat(c.repository("other").orElseThrow().s3()).isEqualTo(new S3Settings(null,
        "us-east-2", null, null, null, null, dir.resolve("ak"), dir.resolve("sk")));
    assertThat(ConfigLoader.load(write(BASE), Map.of()).s3()).isEqualTo(S3Settings.NONE);
  }

  @Test
  void badValuesAreOneLineNamingTheField() throws Exception {
    assertRefused("s3: {endpoint: 'minio:9000'}",
        "s3.endpoint: 'minio:9000' is not an http(s) URL");
    assertRefused("s3: {endpoint: 'https://key:secret@minio:9000'}",
        "s3.endpoint: 'https://key:secret@minio:9000' is not an http(s) URL");
    assertRefused("s3: {connections: 0}", "s3.connections: 0 is out of range (1 to 128)");
    assertRefused("s3: {path-style: sometimes}", "s3.path-style: 'sometimes' is not true or "
        + "false");
    assertRefused("s3: {region: 'eu west'}", "s3.region: 'eu west' is not a region");
    assertRefused("s3: {access-key-file: ak}", "s3.secret-key-file: missing; access-key-file "
        + "and secret-key-file go together");
    assertRefused("s3: {credentials-file: c, access-key-file: ak, secret-key-file: sk}",
        "s3.credentials-file: give either credentials-file or access-key-file");
    assertRefused("s3: {endpiont: 'http://x'}", "endpiont");
    assertRefused("repositories:\n  o: {location: 's3://b/p', s3: {connections: many}}",
        "repositories.o.s3.connections: 'many' is not a whole number");
  }

  @Test
  void theEnvironmentOverridesEachSettingAndReplacesTheCredentialsAsAWhole() throws Exception {
    Path ak = secretFile("ak", "AKIDFROMFILE");
    Path sk = secretFile("sk", "secret-from-file");
    S3Settings s3 = new S3Settings("http://127.0.0.1:9000", "eu-west-1", true, 8, null, null, ak,
        sk);
    Map<String, String> fromFile = S3Environment.of(s3, Map.of("HOME", "/h"), "s3");
    assertThat(fromFile).containsEntry("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")
        .containsEntry("AWS_REGION", "eu-west-1").containsEntry("BULWARK_S3_PATH_STYLE", "true")
        .containsEntry("BULWARK_S3_CONNECTIONS", "8")
        .containsEntry("AWS_ACCESS_KEY_ID", "AKIDFROMFILE")
        .containsEntry("AWS_SECRET_ACCESS_KEY", "secret-from-file").containsEntry("HOME", "/h");

    Map<String, String> env = Map.of("AWS_ENDPOINT_URL", "http://10.0.0.1:9000",
        "AWS_DEFAULT_REGION", "us-east-2", "BULWARK_S3_CONNECTIONS", "3",
        "AWS_PROFILE", "ops");
    Map<String, String> both = S3Environment.of(s3, env, "s3");
    assertThat(both).containsEntry("AWS_ENDPOINT_URL", "http://10.0.0.1:9000")
        .doesNotContainKey("AWS_REGION").containsEntry("AWS_DEFAULT_REGION", "us-east-2")
        .containsEntry("BULWARK_S3_CONNECTIONS", "3")
        .containsEntry("BULWARK_S3_PATH_STYLE", "true")
        .containsEntry("AWS_PROFILE", "ops")
        .as("credentials named by the environment: none from the file")
        .doesNotContainKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");

    Path creds = secretFile("creds", "[default]\naws_access_key_id = A\n");
    S3Settings file = new S3Settings(null, null, null, null, creds, "backup", null, null);
    assertThat(S3Environment.of(file, Map.of(), "s3"))
        .containsEntry("AWS_SHARED_CREDENTIALS_FILE", creds.toString())
        .containsEntry("AWS_PROFILE", "backup");
    assertThat(S3Environment.of(S3Settings.NONE, env, "s3")).isEqualTo(env);
  }

  @Test
  void aKeyFileOthersCanReadOrThatIsEmptyIsRefusedWithoutShowingIt() throws Exception {
    Path ak = secretFile("ak", "AKIDFROMFILE");
    Path sk = secretFile("sk", "very-secret-key");
    Files.setPosixFilePermissions(sk, PosixFilePermissions.fromString("rw-r--r--"));
    S3Settings s3 = new S3Settings(null, null, null, null, null, null, ak, sk);
    assertThatThrownBy(() -> S3Environment.of(s3, Map.of(), "bulwark.yml: s3"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("bulwark.yml: s3.secret-key-file: " + sk + " holds a secret but is "
            + "accessible by group or others; run: chmod 600 " + sk)
        .hasMessageNotContaining("very-secret-key");
    Files.writeString(sk, "  \n");
    Files.setPosixFilePermissions(sk, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> S3Environment.of(s3, Map.of(), "s3"))
        .hasMessage("s3.secret-key-file: " + sk + " is empty; it should hold the key alone");
    Files.delete(sk);
    assertThatThrownBy(() -> S3Environment.of(s3, Map.of(), "s3"))
        .hasMessage("s3.secret-key-file: " + sk + " does not exist");
  }

  @Test
  void configCheckShowsTheSettingsAndTheKeyFilesByPathOnly() throws Exception {
    Path ak = secretFile("ak", "AKIDFROMFILE");
    Path sk = secretFile("sk", "very-secret-key");
    Path file = write(BASE + "s3: {endpoint: 'http://127.0.0.1:9000', access-key-file: ak, "
        + "secret-key-file: sk}\n");
    Cli.Result r = Cli.withEnv(Map.of()).inProcess()
        .run("config", "check", "--config", file.toString()).assertOk();
    assertThat(r.stdout()).contains("endpoint: http://127.0.0.1:9000")
        .contains("secret-key-file: " + sk).contains("access-key-file: " + ak)
        .doesNotContain("very-secret-key").doesNotContain("AKIDFROMFILE");
  }

  private void assertRefused(String yaml, String message) throws Exception {
    Path file = write(BASE + yaml + "\n");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining(message)
        .hasMessageNotContaining("\n");
  }

  private Path secretFile(String name, String content) throws Exception {
    Path f = Files.writeString(dir.resolve(name), content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  private Path write(String text) throws Exception {
    return Files.writeString(dir.resolve("bulwark.yml"), text);
  }
}
