package dev.bulwark.cli.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.core.testing.Tools;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium driven through chromedriver with the W3C WebDriver protocol, spoken over
 * plain HTTP with {@link HttpClient} (no Selenium). {@link #close()} ends the session and then
 * kills chromedriver (and with it the browser) whatever happened.
 *
 * <p>Needs {@code chromium} and {@code chromedriver} on {@code PATH}; a missing one skips the
 * test, or fails it when {@code BULWARK_REQUIRE_TOOLS=1} ({@link Tools#require}).
 */
public final class Browser implements AutoCloseable {
  /** The W3C key under which an element reference travels. */
  private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration STARTUP = Duration.ofSeconds(30);

  private final Process driver;
  private final URI base;
  private final HttpClient http = HttpClient.newHttpClient();
  private String session;

  private Browser(Process driver, URI base) {
    this.driver = driver;
    this.base = base;
  }

  /** Starts chromedriver and a new headless session with a fresh profile under {@code dir}. */
  public static Browser start(Path dir) throws IOException, InterruptedException {
    Path chromium = Tools.require("chromium");
    Path chromedriver = Tools.require("chromedriver");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path profile = Files.createTempDirectory(dir, "chromium-profile-");
    Process p = new ProcessBuilder(chromedriver.toString(), "--port=" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("chromedriver.log").toFile())
        .start();
    Browser b = new Browser(p, URI.create("http://127.0.0.1:" + port));
    try {
      b.awaitReady();
      ObjectNode caps = JSON.createObjectNode();
      ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
      always.put("browserName", "chrome");
      ObjectNode opts = always.putObject("goog:chromeOptions");
      opts.put("binary", chromium.toString());
      var args = opts.putArray("args");
      for (String a : List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
          "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--user-data-dir=" + profile)) {
        args.add(a);
      }
      b.session = b.call("POST", "/session", caps).path("sessionId").asText();
      return b;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      b.close();
      throw e;
    }
  }

  private void awaitReady() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(STARTUP);
    while (true) {
      try {
        if (call("GET", "/status", null).path("ready").asBoolean()) {
          return;
        }
      } catch (IOException e) {
        if (Instant.now().isAfter(deadline)) {
          throw new IOException("chromedriver did not start within " + STARTUP, e);
        }
      }
      if (!driver.isAlive()) {
        throw new IOException("chromedriver exited with " + driver.exitValue());
      }
      // Poll the port; chromedriver answers within a second of starting.
      driver.waitFor(50, TimeUnit.MILLISECONDS);
    }
  }

  /** Goes to {@code url} and waits for the page to load. */
  public void navigate(String url) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("url", url);
    call("POST", "/session/" + session + "/url", body);
  }

  /** The address the browser shows now. */
  public String currentUrl() throws IOException, InterruptedException {
    return call("GET", "/session/" + session + "/url", null).asText();
  }

  /** Element references for a CSS selector, possibly none. */
  public List<String> findAll(String css) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("using", "css selector").put("value", css);
    List<String> out = new ArrayList<>();
    for (JsonNode e : call("POST", "/session/" + session + "/elements", body)) {
      out.add(e.path(ELEMENT).asText());
    }
    return out;
  }

  /** The one element for a CSS selector. */
  public String find(String css) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("using", "css selector").put("value", css);
    return call("POST", "/session/" + session + "/element", body).path(ELEMENT).asText();
  }

  public void click(String element) throws IOException, InterruptedException {
    call("POST", "/session/" + session + "/element/" + element + "/click",
        JSON.createObjectNode());
  }

  /** The element's rendered text. */
  public String text(String element) throws IOException, InterruptedException {
    return call("GET", "/session/" + session + "/element/" + element + "/text", null).asText();
  }

  /** An attribute's value, or null if it has none. */
  public String attribute(String element, String name)
      throws IOException, InterruptedException {
    JsonNode v = call("GET", "/session/" + session + "/element/" + element + "/attribute/"
        + name, null);
    return v.isNull() ? null : v.asText();
  }

  /** The "value" of a WebDriver response; an error response throws {@link WebDriverError}. */
  private JsonNode call(String method, String path, JsonNode body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofMinutes(1)).header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode n = JSON.readTree(r.body());
    JsonNode value = n.path("value");
    if (r.statusCode() != 200) {
      throw new WebDriverError(value.path("error").asText("http " + r.statusCode()),
          value.path("message").asText(r.body()));
    }
    return value;
  }

  /** A WebDriver error response, e.g. {@code no such element} or {@code stale element reference}. */
  public static final class WebDriverError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String error;

    WebDriverError(String error, String message) {
      super(error + ": " + message);
      this.error = error;
    }

    public String error() {
      return error;
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      if (session != null) {
        call("DELETE", "/session/" + session, null);
      }
    } finally {
      driver.descendants().forEach(ProcessHandle::destroyForcibly);
      driver.destroyForcibly();
      driver.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
