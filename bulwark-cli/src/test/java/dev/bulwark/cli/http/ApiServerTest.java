package dev.bulwark.cli.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.core.testing.Slow;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server around the methods: bearer auth on every path, the page shell, lifecycle. */
@Slow
class ApiServerTest {
  @TempDir Path dir;
  private ApiFixture api;

  @BeforeEach
  void start() throws Exception {
    api = new ApiFixture(dir, "ledger");
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  private HttpRequest.Builder call(String method, String path, String authorization) {
    HttpRequest.Builder b = api.request(path, authorization);
    return "POST".equals(method)
        ? b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}"))
        : b.GET();
  }

  @Test
  void everyPathRefusesAMissingOrWrongTokenAndAcceptsTheRightOne() throws Exception {
    String wrong = "Bearer " + api.token.substring(0, api.token.length() - 1)
        + (api.token.endsWith("0") ? "1" : "0");
    List<String[]> calls = List.of(new String[] {"POST", "/rpc"},
        new String[] {"GET", "/metrics"}, new String[] {"GET", "/healthz"},
        new String[] {"GET", "/rpc"}, new String[] {"GET", "/metrics/x"},
        new String[] {"GET", "/no-such-path"}, new String[] {"POST", "/healthzz"});
    for (String[] c : calls) {
      for (String auth : new String[] {null, wrong, "Bearer", "Basic " + api.token,
          api.token}) {
        HttpResponse<String> r = api.send(call(c[0], c[1], auth).build());
        assertThat(r.statusCode()).as("%s %s with %s", c[0], c[1], auth).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).get().asString()
            .startsWith("Bearer");
        assertThat(r.body()).doesNotContain(api.token);
      }
    }
    String right = "Bearer " + api.token;
    assertThat(api.send(call("POST", "/rpc", right).build()).statusCode()).isEqualTo(200);
    assertThat(api.send(call("GET", "/metrics", right).build()).statusCode()).isEqualTo(200);
    assertThat(api.send(call("GET", "/healthz", right).build()).statusCode()).isEqualTo(200);
    assertThat(api.send(call("GET", "/rpc", right).build()).statusCode()).isEqualTo(405);
    assertThat(api.send(call("GET", "/no-such-path", right).build()).statusCode())
        .isEqualTo(404);
    assertThat(api.send(call("GET", "/metrics/x", right).build()).statusCode()).isEqualTo(404);
  }

  @Test
  void healthzSaysOkWhileTheDaemonAnswers() throws Exception {
    HttpResponse<String> r = api.get("/healthz", "Bearer " + api.token);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).get().asString()
        .startsWith("application/json");
    JsonNode body = ApiFixture.JSON.readTree(r.body());
    assertThat(body.path("status").asText()).isEqualTo("ok");
    assertThat(body.path("databases").asInt()).isEqualTo(1);
  }

  @Test
  void statusPageShellIsServedWithoutTokenAndCarriesNoData() throws Exception {
    HttpResponse<String> r = api.get("/", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).get().asString()
        .startsWith("text/html");
    byte[] resource;
    try (InputStream in = StatusPage.class.getResourceAsStream("status.html")) {
      resource = in.readAllBytes();
    }
    // A constant file: nothing about this daemon's databases, repository or token in it.
    assertThat(r.body()).isEqualTo(new String(resource, StandardCharsets.UTF_8));
    assertThat(r.body()).doesNotContain("ledger").doesNotContain(api.repo.toString())
        .doesNotContain(api.token);
    // Self-contained: no external script, style, image or font.
    // (The SVG namespace is a name, not something fetched.)
    assertThat(r.body().replace("\"http://www.w3.org/2000/svg\"", ""))
        .doesNotContainPattern("(?i)<script[^>]*\\ssrc=")
        .doesNotContainPattern("(?i)<link[^>]*stylesheet").doesNotContainPattern("(?i)https?://")
        .doesNotContainPattern("(?i)@import");
    String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp).contains("default-src 'none'").contains("connect-src 'self'")
        .contains("script-src 'sha256-").contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline");
    assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(api.get("/index.html", null).statusCode()).isEqualTo(200);
  }

  @Test
  void refusesToStartWithoutAPrivateNonEmptyTokenFile() throws Exception {
    Path missing = dir.resolve("none");
    assertThatThrownBy(() -> serverWith(missing).start()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("does not exist").hasMessageContaining(missing.toString());

    Path empty = Files.writeString(dir.resolve("empty"), " \n");
    Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> serverWith(empty).start()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("is empty");

    Path open = Files.writeString(dir.resolve("open"), "s3cr3t-token-value");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r-----"));
    assertThatThrownBy(() -> serverWith(open).start()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("chmod 600").hasMessageNotContaining("s3cr3t");

    assertThatThrownBy(() -> serverWith(null).start()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("token-file");
  }

  /**
   * Kubernetes mounts a secret as a link into a {@code ..data} folder: the link is followed,
   * and the file it finally names is what must be private and ours.
   */
  @Test
  void aTokenFileThatIsALinkIsCheckedAtItsFinalFile() throws Exception {
    Path data = Files.createDirectories(dir.resolve("secret/..2026_12_04"));
    Path real = Files.writeString(data.resolve("token"), api.token);
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("r--------"));
    Files.createSymbolicLink(dir.resolve("secret/..data"), data.getFileName());
    Path link = Files.createSymbolicLink(dir.resolve("secret/token"), Path.of("..data/token"));
    try (ApiServer s = serverWith(link)) {
      s.start();
      assertThat(s.port()).isPositive();
    }

    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> serverWith(link).start()).isInstanceOf(ConfigException.class)
        .hasMessageContaining(link.toString()).hasMessageContaining("chmod 600")
        .hasMessageContaining("defaultMode").hasMessageNotContaining(api.token);

    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
    if ("root".equals(System.getProperty("user.name"))) {
      // Only root can give a file away; CI runs as root, so this half runs there.
      java.nio.file.attribute.UserPrincipal nobody = real.getFileSystem()
          .getUserPrincipalLookupService().lookupPrincipalByName("nobody");
      Files.setOwner(real, nobody);
      assertThatThrownBy(() -> serverWith(link).start()).isInstanceOf(ConfigException.class)
          .hasMessageContaining("owned by nobody");
    }

    Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"));
    assertThatThrownBy(() -> serverWith(dangling).start()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("does not exist");
  }

  private ApiServer serverWith(Path tokenFile) {
    return new ApiServer(new ApiConfig("127.0.0.1", 0, tokenFile, true), api.daemon);
  }

  @Test
  void oversizedBodiesAreRefusedUnread() throws Exception {
    String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\",\"params\":{\"x\":\""
        + "a".repeat(RpcHandler.MAX_REQUEST_BYTES) + "\"}}";
    HttpResponse<String> r = api.postRpc(big);
    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  void requestsRunOnNamedThreadsAndCloseStopsThemAndIsIdempotent() throws Exception {
    assertThat(api.get("/healthz", "Bearer " + api.token).statusCode()).isEqualTo(200);
    assertThat(apiThreads()).isNotEmpty().allMatch(n -> n.matches("bulwark-api-\\d+"));
    int port = api.server.port();
    api.server.close();
    api.server.close();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("bulwark-api-")) {
        t.join(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()));
      }
    }
    assertThat(apiThreads()).isEmpty();
    assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close())
        .isInstanceOf(java.net.ConnectException.class);
  }

  private static List<String> apiThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(Thread::getName).filter(n -> n.startsWith("bulwark-api-")).toList();
  }
}
