package dev.bulwark.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.core.testing.Slow;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow, idle and hostile clients on real sockets: none of them may stall the API for others.
 * The JDK server reads a request on an executor thread, so before the fix one client that
 * sent a single byte held the pool's only thread and every other call, /healthz included,
 * waited behind it indefinitely.
 */
@Slow
class SlowClientTest {
  private static final Duration PROMPT = Duration.ofSeconds(3);
  @TempDir Path dir;
  private ApiFixture api;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    api = new ApiFixture(dir, "ledger");
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    api.daemon.release();
    api.close();
  }

  private Socket connect() throws Exception {
    Socket s = new Socket("127.0.0.1", api.server.port());
    sockets.add(s);
    return s;
  }

  private HttpResponse<String> healthz() throws Exception {
    HttpRequest r = api.request("/healthz", "Bearer " + api.token).timeout(PROMPT).GET()
        .build();
    return api.send(r);
  }

  @Test
  void idleConnectionsThatSentOneByteDoNotStallOtherCalls() throws Exception {
    // A few, not many: before the fix, a full queue made the server's own accepting thread run
    // the next request, which hid the stall behind a different one.
    for (int i = 0; i < 5; i++) {
      OutputStream out = connect().getOutputStream();
      out.write('P');
      out.flush();
    }
    long t0 = System.nanoTime();
    assertThat(healthz().statusCode()).isEqualTo(200);
    JsonNode status = api.result("status", null);
    assertThat(status.path("databases").get(0).path("name").asText()).isEqualTo("ledger");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(PROMPT);
  }

  @Test
  void aClientThatNeverFinishesItsRequestIsDroppedAfterTheDeadline() throws Exception {
    // ApiServer sets the JDK server's deadline unless the operator did (read once per JVM):
    // about 10 s of this test's time.
    long limitSeconds = Long.parseLong(System.getProperty("sun.net.httpserver.maxReqTime",
        Long.toString(ApiServer.REQUEST_TIMEOUT.toSeconds())));
    Socket headers = connect();
    headers.getOutputStream().write("POST /rpc HTTP/1.1\r\nHost: x\r\n".getBytes(
        StandardCharsets.US_ASCII));
    Socket body = connect();
    body.getOutputStream().write(("POST /rpc HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + api.token + "\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\"").getBytes(
            StandardCharsets.US_ASCII));
    long t0 = System.nanoTime();
    for (Socket s : List.of(headers, body)) {
      s.setSoTimeout((int) (limitSeconds + 5) * 1000);
      InputStream in = s.getInputStream();
      int first;
      try {
        first = in.read();
      } catch (SocketTimeoutException e) {
        throw new AssertionError("a request that never completes is kept open past "
            + (limitSeconds + 5) + " s", e);
      } catch (java.net.SocketException e) {
        first = -1; // reset: dropped
      }
      assertThat(first).as("dropped without an answer").isEqualTo(-1);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isLessThan(Duration.ofSeconds(limitSeconds + 4));
    assertThat(healthz().statusCode()).isEqualTo(200);
  }

  @Test
  void callsWaitingForTheirBackupDoNotBlockOthers() throws Exception {
    api.daemon.hold(); // backups wait at their start until released
    List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
    for (int i = 0; i < RpcMethods.MAX_WAITING_CALLS + 4; i++) {
      HttpRequest r = api.request("/rpc", "Bearer " + api.token)
          .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":" + i
              + ",\"method\":\"backup_now\",\"params\":{\"database\":\"ledger\","
              + "\"wait\":60}}"))
          .build();
      waiting.add(api.http.sendAsync(r, HttpResponse.BodyHandlers.ofString()));
    }
    // The calls beyond the bound answer at once with the job's state, instead of waiting.
    Thread.sleep(PROMPT.toMillis());
    long answeredAtOnce = 0;
    for (CompletableFuture<HttpResponse<String>> f : waiting) {
      if (f.isDone()) {
        HttpResponse<String> r = f.get();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"jobs\"").doesNotContain("\"succeeded\"");
        answeredAtOnce++;
      }
    }
    assertThat(answeredAtOnce).isEqualTo(4);
    assertThat(healthz().statusCode()).isEqualTo(200);
    api.daemon.release();
    for (CompletableFuture<HttpResponse<String>> f : waiting) {
      assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void trailingGarbageAfterTheRequestIsAParseError() throws Exception {
    HttpResponse<String> r = api.postRpc(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"} {\"method\":\"reload\"}");
    JsonNode reply = ApiFixture.JSON.readTree(r.body());
    assertThat(reply.path("error").path("code").asInt()).isEqualTo(-32700);
    assertThat(reply.has("result")).isFalse();
    r = api.postRpc("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}garbage");
    assertThat(ApiFixture.JSON.readTree(r.body()).path("error").path("code").asInt())
        .isEqualTo(-32700);
    r = api.postRpc("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}\n");
    assertThat(ApiFixture.JSON.readTree(r.body()).has("result")).isTrue();
  }
}
