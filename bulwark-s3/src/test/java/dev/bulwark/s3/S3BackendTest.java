package dev.bulwark.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.Backends;
import dev.bulwark.core.backend.FileInfo;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.backend.TransientBackendException;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.s3.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** S3-specific behaviour against a real S3 server: layout, settings, errors, pagination. */
class S3BackendTest {
  @TempDir static Path data;
  private static S3ProxyServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start(data);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  private static S3Backend open(String prefix) throws Exception {
    return (S3Backend) Backends.open(server.repository(prefix), server.env());
  }

  /** Objects land where restic's S3 backend puts them (checked on the server's disk). */
  @Test
  void usesResticsObjectLayout() throws Exception {
    try (S3Backend b = open("layout/repo")) {
      b.create();
      byte[] d = "pack".getBytes();
      Id id = Id.hash(d);
      b.save(Handle.of(FileType.PACK, id), d, 0, d.length);
      b.save(Handle.of(FileType.KEY, id), d, 0, d.length);
      b.save(Handle.config(), d, 0, d.length);
      Path bucket = data.resolve("blobs").resolve(server.bucket());
      assertThat(bucket.resolve("layout/repo/data/" + id.toString().substring(0, 2) + "/" + id))
          .exists();
      assertThat(bucket.resolve("layout/repo/keys/" + id)).exists();
      assertThat(bucket.resolve("layout/repo/config")).exists();
      assertThat(b.location()).isEqualTo(server.repository("layout/repo"))
          .doesNotContain(server.env().get("AWS_SECRET_ACCESS_KEY"));
    }
  }

  @Test
  void parsesLocationForms() throws Exception {
    S3Location a = S3Location.parse("s3:http://127.0.0.1:9000/bucket/a/b/", Map.of());
    assertThat(a.endpoint()).hasToString("http://127.0.0.1:9000");
    assertThat(a.bucket()).isEqualTo("bucket");
    assertThat(a.prefix()).isEqualTo("a/b");
    assertThat(a.pathStyle()).isTrue();
    assertThat(a.region()).isEqualTo("us-east-1");
    assertThat(a.connections()).isEqualTo(5);
    assertThat(a.key("config")).isEqualTo("a/b/config");

    S3Location b = S3Location.parse("s3://my-bucket", Map.of("AWS_REGION", "eu-west-1",
        "BULWARK_S3_CONNECTIONS", "12"));
    assertThat(b.endpoint()).isNull();
    assertThat(b.prefix()).isEmpty();
    assertThat(b.key("config")).isEqualTo("config");
    assertThat(b.pathStyle()).isFalse();
    assertThat(b.region()).isEqualTo("eu-west-1");
    assertThat(b.connections()).isEqualTo(12);
    assertThat(b.display()).isEqualTo("s3://my-bucket");

    S3Location c = S3Location.parse("s3://bkt/p", Map.of("AWS_ENDPOINT_URL",
        "https://minio.example:9000", "AWS_DEFAULT_REGION", "auto",
        "BULWARK_S3_PATH_STYLE", "true"));
    assertThat(c.endpoint()).hasToString("https://minio.example:9000");
    assertThat(c.pathStyle()).isTrue();
    assertThat(c.region()).isEqualTo("auto");
    assertThat(c.display()).isEqualTo("s3:https://minio.example:9000/bkt/p");

    S3Location d = S3Location.parse("s3:s3.amazonaws.com/bkt/x", Map.of());
    assertThat(d.endpoint()).hasToString("https://s3.amazonaws.com");
  }

  @Test
  void rejectsBadLocationsAndSettingsInOneLine() {
    for (String bad : List.of("s3:http://127.0.0.1:9000", "s3:http://127.0.0.1:9000/",
        "s3://", "s3://x", "s3:http:///bucket", "s3:http://h/bu/cket?x=1")) {
      assertThatThrownBy(() -> S3Location.parse(bad, Map.of()), bad)
          .isInstanceOf(BulwarkException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
    assertThatThrownBy(() -> S3Location.parse("s3:http://user:hunter2@h/bucket", Map.of()))
        .isInstanceOf(BulwarkException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2").contains("AWS_"));
    assertThatThrownBy(() -> S3Location.parse("s3://bucket",
        Map.of("BULWARK_S3_CONNECTIONS", "zero"))).hasMessageContaining("BULWARK_S3_CONNECTIONS");
    assertThatThrownBy(() -> S3Location.parse("s3://bucket",
        Map.of("BULWARK_S3_PATH_STYLE", "yes"))).hasMessageContaining("BULWARK_S3_PATH_STYLE");
    assertThatThrownBy(() -> Backends.open("s3://bucket", Map.of("AWS_ACCESS_KEY_ID", "AK")))
        .hasMessageContaining("AWS_SECRET_ACCESS_KEY");
  }

  @Test
  void wrongCredentialsFailWithOneLineThatHoldsNoSecret() throws Exception {
    String secret = "not-the-secret-0123456789";
    Map<String, String> env = new HashMap<>(server.env());
    env.put("AWS_SECRET_ACCESS_KEY", secret);
    try (Backend b = Backends.open(server.repository("denied"), env)) {
      assertThatThrownBy(b::exists)
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(TransientBackendException.class)
          .satisfies(e -> assertThat(e.getMessage()).contains("HTTP 403")
              .contains(server.bucket() + "/denied/config").doesNotContain("\n")
              .doesNotContain(secret));
    }
  }

  @Test
  void createMakesAMissingBucket() throws Exception {
    String location = "s3:http://127.0.0.1:" + server.port() + "/fresh-bucket/repo";
    try (Backend b = Backends.open(location, server.env())) {
      b.create();
      b.create();
      byte[] d = {1, 2, 3};
      b.save(Handle.config(), d, 0, 3);
      assertThat(b.exists()).isTrue();
    }
    assertThat(data.resolve("blobs/fresh-bucket/repo/config")).exists();
  }

  /** A server that is gone gives a retryable error naming the object, within the timeouts. */
  @Test
  void anUnreachableServerIsATransientFailure() throws Exception {
    int port;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String location = "s3:http://127.0.0.1:" + port + "/gone/repo";
    try (Backend b = Backends.open(location, server.env())) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> b.load(Handle.config(), 0, -1))
          .isInstanceOf(TransientBackendException.class)
          .satisfies(e -> assertThat(e.getMessage()).startsWith("S3 GET gone/repo/config")
              .contains("after retries").doesNotContain("\n"));
      assertThat(System.nanoTime() - start).as("10 attempts with backoff, under 3 minutes")
          .isLessThan(180_000_000_000L);
    }
  }

  /** More objects than one ListObjectsV2 page (1000) are all listed, each once. */
  @Test
  @Slow
  void listsPastOnePage() throws Exception {
    try (S3Backend b = open("many")) {
      b.create();
      Map<String, Long> saved = new HashMap<>();
      for (int i = 0; i < 2500; i++) {
        byte[] d = ("pack " + i).getBytes();
        Handle h = Handle.of(i % 2 == 0 ? FileType.PACK : FileType.INDEX, Id.hash(d));
        b.save(h, d, 0, d.length);
        if (h.type() == FileType.PACK) {
          saved.put(h.name(), (long) d.length);
        }
      }
      Map<String, Long> listed = new HashMap<>();
      b.list(FileType.PACK, (FileInfo f) -> assertThat(listed.put(f.name(), f.size())).isNull());
      assertThat(listed).hasSize(1250).isEqualTo(saved);
      int[] indexes = {0};
      b.list(FileType.INDEX, f -> indexes[0]++);
      assertThat(indexes[0]).isEqualTo(1250);
    }
    try (Stream<Path> s = Files.walk(data.resolve("blobs").resolve(server.bucket())
        .resolve("many/data"))) {
      assertThat(s.filter(Files::isRegularFile).count()).isEqualTo(1250);
    }
  }
}
