package dev.bulwark.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 settings from a file or properties: each value checked on its own with one line naming
 * it under the caller's prefix, and turned into the backend's environment under the variables
 * that are set. (The CLI's {@code S3ConfigTest} and the starter's {@code S3PropertiesTest}
 * check the same through their own names.)
 */
class S3SettingsTest {
  @TempDir Path dir;

  @Test
  void checkNamesTheFirstWrongSettingUnderThePrefix() {
    assertRefused(settings("ftp://host", null, null, null, null),
        "p.s3.endpoint: 'ftp://host' is not an http(s) URL");
    assertRefused(settings("http://host/bucket", null, null, null, null),
        "p.s3.endpoint: 'http://host/bucket' is not an http(s) URL");
    assertRefused(settings(null, 129, null, null, null),
        "p.s3.connections: 129 is out of range (1 to 128)");
    assertRefused(settings(null, null, null, Path.of("ak"), null),
        "p.s3.secret-key-file: missing");
    assertRefused(settings(null, null, null, null, Path.of("sk")),
        "p.s3.access-key-file: missing");
    assertRefused(settings(null, null, Path.of("c"), Path.of("ak"), Path.of("sk")),
        "p.s3.credentials-file: give either credentials-file or access-key-file");
    assertRefused(new S3Settings(null, null, null, null, null, "two words", null, null),
        "p.s3.profile: 'two words' is not a profile name");
  }

  @Test
  void aValidSetPassesAndNothingSetLeavesTheEnvironmentAlone() throws Exception {
    new S3Settings("https://minio.example:9000/", "eu-west-1", true, 128, null, "backup",
        null, null).check("p.s3");
    Map<String, String> env = Map.of("AWS_REGION", "us-east-2");
    assertThat(S3Settings.NONE.isEmpty()).isTrue();
    assertThat(S3Settings.NONE.under(env, "p.s3")).isSameAs(env);
  }

  @Test
  void keyFilesAreReadUnlessACredentialVariableIsSet() throws Exception {
    Path ak = secret("ak", "AKID\n");
    Path sk = secret("sk", "  the-secret  \n");
    S3Settings s = settings("http://127.0.0.1:9000", null, null, ak, sk);
    assertThat(s.under(Map.of(), "p.s3")).containsEntry("AWS_ACCESS_KEY_ID", "AKID")
        .containsEntry("AWS_SECRET_ACCESS_KEY", "the-secret")
        .containsEntry("AWS_ENDPOINT_URL", "http://127.0.0.1:9000");
    assertThat(s.under(Map.of("AWS_SHARED_CREDENTIALS_FILE", "/c"), "p.s3"))
        .doesNotContainKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
        .containsEntry("AWS_ENDPOINT_URL", "http://127.0.0.1:9000");
    assertThat(s.under(Map.of("AWS_ENDPOINT_URL_S3", "http://10.0.0.1"), "p.s3"))
        .doesNotContainKey("AWS_ENDPOINT_URL").containsEntry("AWS_ACCESS_KEY_ID", "AKID");
    Files.setPosixFilePermissions(ak, PosixFilePermissions.fromString("rw-rw----"));
    assertThatThrownBy(() -> s.under(Map.of(), "p.s3")).isInstanceOf(S3SettingsException.class)
        .hasMessage("p.s3.access-key-file: " + ak + " holds a secret but is accessible by "
            + "group or others; run: chmod 600 " + ak).hasMessageNotContaining("AKID");
  }

  private static S3Settings settings(String endpoint, Integer connections, Path credentials,
      Path accessKey, Path secretKey) {
    return new S3Settings(endpoint, null, null, connections, credentials, null, accessKey,
        secretKey);
  }

  private static void assertRefused(S3Settings s, String message) {
    assertThatThrownBy(() -> s.check("p.s3")).isInstanceOf(S3SettingsException.class)
        .hasMessageStartingWith(message).hasMessageNotContaining("\n");
  }

  private Path secret(String name, String content) throws Exception {
    Path f = Files.writeString(dir.resolve(name), content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }
}
