package dev.bulwark.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.TestDaemonControl;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * A running API over a {@link TestDaemonControl}: real SQLite databases, a real repository, a
 * real {@code bulwark.yml}, a random token in a 0600 file, and an HTTP client to call it.
 */
final class ApiFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final Path repo;
  final Path config;
  final Path passwordFile;
  final Path tokenFile;
  final String token;
  final TestDaemonControl daemon;
  final ApiServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
      .build();

  /** Databases named {@code names}, each a small SQLite file under {@code dir}. */
  ApiFixture(Path dir, String... names) throws Exception {
    this.dir = dir;
    repo = dir.resolve("repo");
    passwordFile = Cli.passwordFile(dir, Cli.PASSWORD);
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    token = HexFormat.of().formatHex(raw);
    tokenFile = Files.writeString(dir.resolve("api-token"), token + "\n");
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    for (String name : names) {
      createDatabase(dir.resolve(name + ".db"), 500);
    }
    config = dir.resolve("bulwark.yml");
    writeConfig(List.of(names));
    daemon = TestDaemonControl.open(config, dir.resolve("scratch"));
    // Closed after the test's requests: no second of grace for requests that ended.
    server = new ApiServer(new ApiConfig("127.0.0.1", 0, tokenFile, true), daemon,
        Clock.systemUTC(), 0);
    server.start();
  }

  /** Rewrites {@code bulwark.yml} to configure exactly these databases. */
  void writeConfig(List<String> names) throws IOException {
    StringBuilder y = new StringBuilder();
    y.append("repository: ").append(repo).append('\n');
    y.append("password-file: ").append(passwordFile).append('\n');
    y.append("api:\n  token-file: ").append(tokenFile).append('\n');
    y.append("databases:\n");
    for (String name : names) {
      y.append("  - name: ").append(name).append('\n');
      y.append("    kind: sqlite\n");
      y.append("    path: ").append(dir.resolve(name + ".db")).append('\n');
    }
    Files.writeString(config, y.toString());
  }

  static void createDatabase(Path db, int rows) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("pragma journal_mode=wal");
      s.execute("create table if not exists t(x, y)");
      s.execute("with recursive c(x) as (select 1 union all select x + 1 from c limit " + rows
          + ") insert into t select x, randomblob(200) from c");
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  /** A request to {@code path} carrying {@code authorization} (null: no header). */
  HttpRequest.Builder request(String path, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(2));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b;
  }

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, String authorization)
      throws IOException, InterruptedException {
    return send(request(path, authorization).GET().build());
  }

  /** POSTs {@code body} to /rpc with the right token. */
  HttpResponse<String> postRpc(String body) throws IOException, InterruptedException {
    return send(request("/rpc", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /** Calls one method and returns the whole response object (result or error). */
  JsonNode rpc(String method, String paramsJson) throws IOException, InterruptedException {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" + method + "\""
        + (paramsJson == null ? "" : ",\"params\":" + paramsJson) + "}";
    HttpResponse<String> r = postRpc(body);
    if (r.statusCode() != 200) {
      throw new AssertionError("HTTP " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** Calls one method and returns its result, failing on an error response. */
  JsonNode result(String method, String paramsJson) throws IOException, InterruptedException {
    JsonNode r = rpc(method, paramsJson);
    if (r.has("error")) {
      throw new AssertionError(method + " failed: " + r);
    }
    return r.get("result");
  }

  @Override
  public void close() throws IOException {
    try {
      server.close();
    } finally {
      daemon.close();
    }
  }
}
