package dev.bulwark.s3.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FaultProxy} in front of a real JDK {@link HttpServer} on 127.0.0.1 that stores PUT
 * bodies and serves them back on GET ({@code /chunked/...} answers with a chunked body).
 */
class FaultProxyTest {
  private static final long SEED = Long.getLong("bulwark.test.seed", new Random().nextLong());
  private static final String PREFIX = "bulwark-faultproxy";

  private final Map<String, byte[]> stored = new ConcurrentHashMap<>();
  private final AtomicInteger upstreamRequests = new AtomicInteger();
  private final List<FaultProxy> proxies = new ArrayList<>();
  private HttpServer server;
  private HttpClient client;

  @BeforeEach
  void startServer() throws IOException {
    System.out.println("FaultProxyTest seed: " + SEED + " (rerun with -Dbulwark.test.seed=" + SEED
        + ")");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stop() {
    proxies.forEach(FaultProxy::close);
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    upstreamRequests.incrementAndGet();
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String key = path.replaceFirst("^/chunked", "");
      switch (exchange.getRequestMethod()) {
        case "PUT" -> {
          stored.put(key, exchange.getRequestBody().readAllBytes());
          exchange.sendResponseHeaders(200, -1);
        }
        case "GET" -> {
          byte[] body = stored.get(key);
          if (body == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
          }
          exchange.sendResponseHeaders(200, path.startsWith("/chunked") ? 0 : body.length);
          exchange.getResponseBody().write(body);
        }
        default -> exchange.sendResponseHeaders(405, -1);
      }
    }
  }

  private FaultProxy proxy(Faults faults) {
    FaultProxy proxy = FaultProxy.start(server.getAddress(), faults, SEED);
    proxies.add(proxy);
    return proxy;
  }

  private static URI uri(FaultProxy proxy, String path) {
    return URI.create("http://127.0.0.1:" + proxy.port() + path);
  }

  private HttpResponse<byte[]> get(FaultProxy proxy, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(uri(proxy, path)).build(),
        BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> put(FaultProxy proxy, String path, byte[] body) throws Exception {
    return client.send(HttpRequest.newBuilder(uri(proxy, path))
        .PUT(BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofByteArray());
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(SEED).nextBytes(bytes);
    return bytes;
  }

  @Test
  void largeBodiesPassThroughByteIdentical() throws Exception {
    FaultProxy proxy = proxy(Faults.NONE);
    byte[] data = randomBytes(8 << 20);

    assertEquals(200, put(proxy, "/fixed", data).statusCode());
    // Unknown length: the JDK client sends the body chunked.
    HttpResponse<byte[]> chunkedPut = client.send(HttpRequest.newBuilder(uri(proxy, "/streamed"))
        .PUT(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data))).build(),
        BodyHandlers.ofByteArray());
    assertEquals(200, chunkedPut.statusCode());

    assertArrayEquals(data, stored.get("/fixed"));
    assertArrayEquals(data, stored.get("/streamed"));
    assertArrayEquals(data, get(proxy, "/fixed").body());
    assertArrayEquals(data, get(proxy, "/chunked/streamed").body());
    assertEquals(4, proxy.requests());
    assertEquals(4, upstreamRequests.get());
  }

  @Test
  void keepAliveCarriesSeveralRequestsOnOneConnection() throws Exception {
    FaultProxy proxy = proxy(Faults.NONE);
    for (int i = 0; i < 5; i++) {
      byte[] body = ("value " + i).getBytes(StandardCharsets.UTF_8);
      assertEquals(200, put(proxy, "/k" + i, body).statusCode());
      assertArrayEquals(body, get(proxy, "/chunked/k" + i).body());
      assertEquals(404, get(proxy, "/missing").statusCode());
    }
    assertEquals(15, proxy.requests());
    assertEquals(15, upstreamRequests.get());
    assertEquals(1, proxy.connections(), "the client's connection was not kept alive");
  }

  @Test
  void expectContinueStreamingUploadPassesThrough() throws Exception {
    FaultProxy proxy = proxy(Faults.NONE);
    byte[] data = randomBytes(1 << 20);
    HttpURLConnection c = (HttpURLConnection) new URL(uri(proxy, "/expect").toString())
        .openConnection();
    c.setRequestMethod("PUT");
    c.setDoOutput(true);
    c.setRequestProperty("Expect", "100-continue");
    c.setFixedLengthStreamingMode(data.length);
    try (OutputStream out = c.getOutputStream()) {
      out.write(data);
    }
    assertEquals(200, c.getResponseCode());
    assertArrayEquals(data, stored.get("/expect"));
  }

  @Test
  void everyRequestFailsWithoutReachingUpstreamAtErrorRateOne() throws Exception {
    FaultProxy proxy = proxy(Faults.NONE.withErrors(1.0, 500, 503));
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      HttpResponse<byte[]> response = i % 2 == 0
          ? get(proxy, "/x") : put(proxy, "/x", randomBytes(1000));
      statuses.add(response.statusCode());
      String body = new String(response.body(), StandardCharsets.UTF_8);
      if (response.statusCode() == 503) {
        assertTrue(body.contains("<Code>SlowDown</Code>"), body);
        assertEquals("0", response.headers().firstValue("Retry-After").orElseThrow());
      } else {
        assertEquals(500, response.statusCode());
        assertTrue(body.contains("<Code>InternalError</Code>"), body);
      }
    }
    assertTrue(statuses.contains(500) && statuses.contains(503), statuses.toString());
    assertEquals(0, upstreamRequests.get());
    assertEquals(40, proxy.errors());
    assertEquals(1, proxy.connections(), "an error answer must not end a keep-alive connection");
  }

  @Test
  void errorRejectsAnExpectContinueUploadBeforeItsBody() throws Exception {
    FaultProxy proxy = proxy(Faults.NONE.withErrors(1.0, 503));
    HttpURLConnection c = (HttpURLConnection) new URL(uri(proxy, "/expect").toString())
        .openConnection();
    c.setRequestMethod("PUT");
    c.setDoOutput(true);
    c.setRequestProperty("Expect", "100-continue");
    c.setFixedLengthStreamingMode(10);
    // HttpURLConnection reports a refused Expect as an IOException ("Server rejected operation").
    assertThrows(IOException.class, () -> {
      try (OutputStream out = c.getOutputStream()) {
        out.write(new byte[10]);
      }
    });
    assertEquals(1, proxy.errors());
    assertEquals(0, upstreamRequests.get());
  }

  @Test
  void errorAnswersABufferedUploadThatSentExpectWithItsBody() throws Exception {
    // What the SDK's url-connection client does for a known length: HttpURLConnection buffers
    // the body and sends it with the head, Expect header or not.
    FaultProxy proxy = proxy(Faults.NONE.withErrors(1.0, 503));
    HttpURLConnection c = (HttpURLConnection) new URL(uri(proxy, "/expect").toString())
        .openConnection();
    c.setRequestMethod("PUT");
    c.setDoOutput(true);
    c.setRequestProperty("Expect", "100-continue");
    try (OutputStream out = c.getOutputStream()) {
      out.write(randomBytes(4 << 20));
    }
    assertEquals(503, c.getResponseCode());
    String body = new String(c.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(body.contains("<Code>SlowDown</Code>"), body);
    assertEquals(0, upstreamRequests.get());
  }

  @Test
  void aFifthOfRequestsFailAtErrorRateOneFifth() throws Exception {
    FaultProxy proxy = proxy(Faults.NONE.withErrors(0.2, 500, 503));
    int n = 500;
    int failed = 0;
    for (int i = 0; i < n; i++) {
      int status = get(proxy, "/missing").statusCode();
      assertTrue(status == 404 || status == 500 || status == 503, "status " + status);
      failed += status == 404 ? 0 : 1;
    }
    // Binomial(500, 0.2): mean 100, sd 8.9; five sd leave a 1-in-a-million false alarm.
    double tolerance = 5 * Math.sqrt(n * 0.2 * 0.8);
    assertTrue(Math.abs(failed - n * 0.2) <= tolerance,
        failed + " of " + n + " failed, seed " + SEED);
    assertEquals(failed, proxy.errors());
    assertEquals(n - failed, upstreamRequests.get());
  }

  @Test
  void theSameSeedInjectsTheSameFaults() throws Exception {
    Faults faults = Faults.NONE.withErrors(0.3, 500, 503);
    List<Integer> first = statuses(proxy(faults), 100);
    List<Integer> second = statuses(proxy(faults), 100);
    assertEquals(first, second);
    assertTrue(first.contains(404) && (first.contains(500) || first.contains(503)));
  }

  private List<Integer> statuses(FaultProxy proxy, int n) throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      statuses.add(get(proxy, "/missing").statusCode());
    }
    return statuses;
  }

  @Test
  void droppedConnectionsAreIoExceptions() throws Exception {
    FaultProxy proxy = proxy(Faults.NONE.withDrops(1.0));
    stored.put("/d", randomBytes(100_000));
    for (int i = 0; i < 10; i++) {
      assertThrows(IOException.class, () -> get(proxy, "/d"));
      assertThrows(IOException.class, () -> put(proxy, "/d", randomBytes(1000)));
    }
    assertTrue(proxy.drops() >= 20, "drops " + proxy.drops());
  }

  @Test
  void dropsHappenBothBeforeForwardingAndMidResponse() throws Exception {
    FaultProxy proxy = proxy(Faults.NONE.withDrops(1.0));
    byte[] data = randomBytes(100_000);
    stored.put("/d", data);
    int beforeForwarding = 0;
    int midResponse = 0;
    for (int i = 0; i < 30; i++) {
      byte[] received = rawGet(proxy, "/d");
      String text = new String(received, StandardCharsets.ISO_8859_1);
      if (received.length == 0) {
        beforeForwarding++;
      } else if (text.startsWith("HTTP/1.1 200") && received.length < data.length) {
        midResponse++;
      } else {
        fail("a dropped response arrived whole: " + received.length + " bytes");
      }
    }
    assertTrue(beforeForwarding > 0 && midResponse > 0,
        beforeForwarding + " early, " + midResponse + " mid-response drops, seed " + SEED);
    assertEquals(midResponse, upstreamRequests.get());
  }

  /** Everything received for one GET on a fresh socket until EOF or reset. */
  private static byte[] rawGet(FaultProxy proxy, String path) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        received.write(buffer, 0, n);
      }
    } catch (java.net.SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      // A reset: what arrived before it is the answer.
    }
    return received.toByteArray();
  }

  @Test
  void stallsDelayEveryRequestByAtLeastTheStall() throws Exception {
    Duration stall = Duration.ofMillis(300);
    FaultProxy proxy = proxy(Faults.NONE.withStalls(1.0, stall));
    stored.put("/s", randomBytes(100));
    for (int i = 0; i < 6; i++) {
      long start = System.nanoTime();
      assertEquals(200, get(proxy, "/s").statusCode());
      long elapsed = System.nanoTime() - start;
      assertTrue(elapsed >= stall.toNanos(), "took only " + elapsed / 1_000_000 + " ms");
    }
    assertEquals(6, proxy.stalls());
  }

  @Test
  void aStallLongerThanTheClientTimeoutTimesOut() throws Exception {
    FaultProxy proxy = proxy(Faults.NONE.withStalls(1.0, Duration.ofSeconds(30)));
    HttpRequest request = HttpRequest.newBuilder(uri(proxy, "/s"))
        .timeout(Duration.ofMillis(200)).build();
    assertThrows(HttpTimeoutException.class,
        () -> client.send(request, BodyHandlers.ofByteArray()));
    assertEquals(1, proxy.stalls());
  }

  @Test
  void refuseAllFailsRequestsAndClearingItRestoresService() throws Exception {
    FaultProxy proxy = proxy(Faults.NONE);
    stored.put("/r", randomBytes(100));
    assertEquals(200, get(proxy, "/r").statusCode());

    try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      idle.setSoTimeout(10_000);
      waitFor(() -> proxy.connections() == 2);
      proxy.setFaults(Faults.NONE.refusingAll());
      // The live connection ends at once: EOF or a reset, not a timeout.
      try {
        assertEquals(-1, idle.getInputStream().read());
      } catch (java.net.SocketTimeoutException e) {
        fail("a live connection outlived refuseAll");
      } catch (IOException expected) {
        // reset
      }
    }
    for (int i = 0; i < 5; i++) {
      assertThrows(IOException.class, () -> get(proxy, "/r"));
    }
    assertEquals(1, upstreamRequests.get());
    assertTrue(proxy.refusals() >= 5, "refusals " + proxy.refusals());

    proxy.setFaults(Faults.NONE);
    assertEquals(200, get(proxy, "/r").statusCode());
    assertEquals(2, upstreamRequests.get());
  }

  @Test
  void closeEndsStalledConnectionsAndLeavesNoThreads() throws Exception {
    FaultProxy proxy = proxy(Faults.NONE.withStalls(1.0, Duration.ofMinutes(5)));
    CompletableFuture<HttpResponse<byte[]>> pending = client.sendAsync(
        HttpRequest.newBuilder(uri(proxy, "/s")).build(), BodyHandlers.ofByteArray());
    waitFor(() -> proxy.stalls() == 1);
    assertTrue(proxyThreads() >= 2, "accept and connection threads");

    long start = System.nanoTime();
    proxy.close();
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "close was slow");
    assertEquals(0, proxyThreads());
    assertThrows(Exception.class, pending::get);
    proxy.close(); // idempotent
  }

  private static long proxyThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(PREFIX) && t.isAlive()).count();
  }

  /** Polls {@code condition} until it holds, failing after ten seconds. */
  private static void waitFor(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("condition not met within 10 s");
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void faultsRejectImpossibleRates() {
    assertThrows(IllegalArgumentException.class, () -> Faults.NONE.withErrors(1.5, 500));
    assertThrows(IllegalArgumentException.class,
        () -> Faults.NONE.withErrors(0.6, 500).withDrops(0.6));
    assertThrows(IllegalArgumentException.class, () -> Faults.NONE.withErrors(0.1, 200));
    assertThrows(IllegalArgumentException.class,
        () -> Faults.NONE.withStalls(0.1, Duration.ofMillis(-1)));
  }
}
