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
    try (S3ProxyServer s3 = S3ProxyServer.start(tmp.resolve("s3"))) {
      // The AWS SDK reads these when AWS_ACCESS_KEY_ID is not in the environment.
      Map<String, String> keys = s3.credentials();
      System.setProperty("aws.accessKeyId", keys.get("AWS_ACCESS_KEY_ID"));
      System.setProperty("aws.secretAccessKey", keys.get("AWS_SECRET_ACCESS_KEY"));
      try {
        bootWriteDeleteBoot(s3.repository("ledger"));
      } finally {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
      }
    }
  }

  private void bootWriteDeleteBoot(String repository) throws Exception {
    Path db = tmp.resolve("ledger.db");
    Path password = Files.writeString(tmp.resolve("backup-password"), "correct horse\n");
    // As command-line arguments, which win over application.yml.
    String[] props = {"--ledger.database=" + db, "--bulwark.repository=" + repository,
        "--bulwark.password-file=" + password, "--server.port=0",
        "--server.address=127.0.0.1"};

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
    }
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
