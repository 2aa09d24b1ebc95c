package dev.bulwark.examples.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.testing.Slow;
import dev.bulwark.s3.testing.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The ledger as its users run it, on a real repository: boot it, post entries over HTTP, stop
 * it (the stream ships what is pending), delete the database, boot it again, and find every
 * entry that was committed, restored before the application opened its database. Once on a
 * local folder, once on a local S3 server.
 */
@Slow
class LedgerRestoreTest {
  private static final int ENTRIES = 40;
  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everyCommittedEntryComesBackFromALocalRepository() throws Exception {
    bootWriteDeleteBoot(tmp.resolve("backups").toString());
  }

  @Test
  void everyCommittedEntryComesBackFromS3() throws Exception {
    // Reached through bulwark.s3.* alone: no AWS_* variable, no aws.* system property.
    assertThat(System.getenv().keySet()).as("S3 settings in the test's own environment")
        .doesNotContain("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_DEFAULT_REGION", "BULWARK_S3_PATH_STYLE",
            "BULWARK_S3_CONNECTIONS");
    assertThat(System.getProperties().stringPropertyNames()).as("AWS SDK system properties")
        .noneMatch(n -> n.startsWith("aws."));
    try (S3ProxyServer s3 = S3ProxyServer.start(tmp.resolve("s3"))) {
      Map<String, String> keys = s3.credentials();
      String accessKey = keys.get("AWS_ACCESS_KEY_ID");
      String secretKey = keys.get("AWS_SECRET_ACCESS_KEY");
      Path ak = keyFile("access-key", accessKey);
      Path sk = keyFile("secret-key", secretKey);
      String configprops = bootWriteDeleteBoot("s3://" + s3.bucket() + "/ledger",
          "--bulwark.s3.endpoint=" + s3.endpoint(), "--bulwark.s3.path-style=true",
          "--bulwark.s3.access-key-file=" + ak, "--bulwark.s3.secret-key-file=" + sk,
          // Shown to check that the keys never are: only the files' paths are properties.
          "--management.endpoints.web.exposure.include=health,configprops",
          "--management.endpoint.configprops.show-values=always");
      assertThat(configprops).contains(ak.toString()).contains(sk.toString())
          .contains(s3.endpoint()).doesNotContain(secretKey).doesNotContain(accessKey);
    }
  }

  /**
   * The scenario, with {@code more} properties; the second boot's {@code
   * /actuator/configprops} if {@code more} exposes it, else its health.
   */
  private String bootWriteDeleteBoot(String repository, String... more) throws Exception {
    Path db = tmp.resolve("ledger.db");
    Path password = Files.writeString(tmp.resolve("backup-password"), "correct horse\n");
    // As command-line arguments, which win over application.yml.
    List<String> args = new ArrayList<>(List.of("--ledger.database=" + db,
        "--bulwark.repository=" + repository, "--bulwark.password-file=" + password,
        "--server.port=0", "--server.address=127.0.0.1"));
    args.addAll(List.of(more));
    String[] props = args.toArray(String[]::new);

    List<String> posted = new ArrayList<>();
    try (ConfigurableApplicationContext app = boot(props)) {
      String base = base(app);
      for (int i = 0; i < ENTRIES; i++) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/entries"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"account\":\"acct-" + (i % 4) + "\",\"amount\":" + (i * 100 - 1500) + "}")));
        assertThat(r.statusCode()).isEqualTo(201);
        posted.add(r.body());
      }
      assertThat(get(base + "/entries").body()).contains(posted.get(ENTRIES - 1));
    }
    // The application stopped: the database is still there; now it is lost.
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
    }

    try (ConfigurableApplicationContext app = boot(props)) {
      String listed = get(base(app) + "/entries").body();
      assertThat(listed).startsWith("[").endsWith("]");
      for (String entry : posted) {
        assertThat(listed).contains(entry);
      }
      assertThat(app.getBean(Ledger.class).entries()).hasSize(ENTRIES);
      assertThat(get(base(app) + "/actuator/health/bulwark").body()).contains("\"UP\"");
      HttpResponse<String> configprops = get(base(app) + "/actuator/configprops");
      return configprops.statusCode() == 200 ? configprops.body() : "";
    }
  }

  private Path keyFile(String name, String key) throws Exception {
    Path f = Files.writeString(tmp.resolve(name), key + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  private static ConfigurableApplicationContext boot(String... args) {
    return new SpringApplicationBuilder(LedgerApplication.class).run(args);
  }

  private static String base(ConfigurableApplicationContext app) {
    return "http://127.0.0.1:"
        + ((WebServerApplicationContext) app).getWebServer().getPort();
  }

  private HttpResponse<String> get(String uri) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(uri)));
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
