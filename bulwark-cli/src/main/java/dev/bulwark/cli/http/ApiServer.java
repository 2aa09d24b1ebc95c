package dev.bulwark.cli.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.daemon.DaemonControl;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP API on the JDK's HTTP server, bound to {@link ApiConfig#host()}
 * (127.0.0.1 unless configured):
 *
 * <ul>
 *   <li>{@code POST /rpc}: JSON-RPC 2.0 ({@code backup_now}, {@code verify_now},
 *       {@code status}, {@code list_snapshots}, {@code reload});
 *   <li>{@code GET /metrics}: Prometheus text format, computed from the daemon's status at
 *       scrape time;
 *   <li>{@code GET /healthz}: 200 {@code {"status":"ok"}} while the daemon answers and its
 *       backups are fresh and verified; 503 with the problems otherwise ({@link HealthCheck});
 *   <li>{@code GET /}: the status page.
 * </ul>
 *
 * <p><b>Authentication.</b> Every call carries {@code Authorization: Bearer <token>}, the token
 * being the content of {@link ApiConfig#tokenFile()}, read once at {@link #start()} (the file
 * must exist, hold a token and be accessible by its owner only). A missing or wrong token gets
 * 401 with {@code WWW-Authenticate: Bearer}, on every path, known or not.
 *
 * <p><b>The one exception: the status page shell at {@code /}.</b> It is served without the
 * token, deliberately:
 * <ul>
 *   <li>A browser following a link or typing an address cannot add an {@code Authorization}
 *       header, and the alternatives are worse: a token in the query string ends up in
 *       history, server and proxy logs and {@code Referer} headers; a cookie would be sent
 *       automatically by the browser, which opens the API to cross-site request forgery (a
 *       bearer header never is).
 *   <li>The shell carries no data. It is a constant file from the jar (the same bytes anyone
 *       can read in our source), so serving it reveals only that a Bulwark daemon listens
 *       here. Everything it shows comes from {@code POST /rpc} calls that carry the token.
 *   <li>The page reads the token from the URL fragment ({@code /#token=...}), which browsers
 *       never send to a server, so it never appears in a request or a log; it moves the token
 *       into {@code sessionStorage} (gone when the tab closes) and removes it from the address
 *       bar.
 *   <li>Another site cannot use the shell against the API: the API sends no CORS headers, so a
 *       cross-origin {@code fetch} with an {@code Authorization} header fails its preflight,
 *       and the shell's Content-Security-Policy forbids framing and any foreign script.
 * </ul>
 *
 * <p><b>Threads and slow clients.</b> The JDK server reads a request's headers and body on the
 * executor's thread, so a client that sends one byte and stops holds a thread. Hence: a
 * thread per connection being served (threads named {@code bulwark-api-N}, created on demand,
 * idle ones retired), at most {@link #MAX_CONNECTIONS} connections (more are closed at once, so
 * threads stay bounded), and a request that has not arrived whole within {@link
 * #REQUEST_TIMEOUT} is dropped. One slow or idle client therefore costs one thread for at most
 * that long and never delays another client. The last two are the JDK server's own limits
 * ({@code jdk.httpserver.maxConnections}, {@code sun.net.httpserver.maxReqTime}), read once
 * per process when its first server starts: they are set here unless the operator set them
 * with {@code -D}. Calls that wait for a job are bounded separately (see {@code RpcMethods}).
 * {@link #close()} is idempotent: it stops the server, gives running requests a moment, then
 * interrupts them (a {@code backup_now} waiting for its job returns; the job goes on in the
 * daemon).
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  /** Connections at once; more are closed by the server as they arrive. */
  static final int MAX_CONNECTIONS = 128;
  /** The longest a client may take to send a whole request (headers and body). */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Threads: one per connection, with room for the server's own bookkeeping. */
  private static final int MAX_THREADS = MAX_CONNECTIONS + 16;
  /** How long {@link #close()} lets running requests finish (JDK 17 always waits it out). */
  static final int STOP_DELAY_SECONDS = 1;
  private static final long TERMINATION_WAIT_SECONDS = 5;

  private final ApiConfig config;
  private final DaemonControl daemon;
  private final Clock clock;
  private final int stopDelaySeconds;
  private final AtomicBoolean closed = new AtomicBoolean();
  private HttpServer server;
  private ThreadPoolExecutor executor;

  /** An API over {@code daemon}; nothing listens until {@link #start()}. */
  public ApiServer(ApiConfig config, DaemonControl daemon) {
    this(config, daemon, Clock.systemUTC());
  }

  /** The same, with the clock used for wait deadlines and the status's {@code now}. */
  public ApiServer(ApiConfig config, DaemonControl daemon, Clock clock) {
    this(config, daemon, clock, STOP_DELAY_SECONDS);
  }

  /**
   * The same, with {@code stopDelaySeconds} for running requests at {@link #close()}: tests
   * that close a server after their requests have ended pass 0, not to wait a second each.
   */
  ApiServer(ApiConfig config, DaemonControl daemon, Clock clock, int stopDelaySeconds) {
    if (config == null || daemon == null || clock == null || stopDelaySeconds < 0) {
      throw new IllegalArgumentException("config, daemon and clock are required");
    }
    this.config = config;
    this.daemon = daemon;
    this.clock = clock;
    this.stopDelaySeconds = stopDelaySeconds;
  }

  /**
   * Reads the token and starts listening.
   *
   * @throws ConfigException if the token file is missing, empty or accessible by group or
   *     others (the message says which and how to fix it)
   * @throws IOException if the address cannot be bound
   * @throws IllegalStateException if already started or closed
   */
  public synchronized void start() throws ConfigException, IOException {
    if (server != null || closed.get()) {
      throw new IllegalStateException("an ApiServer starts once");
    }
    BearerAuthFilter auth = new BearerAuthFilter(BearerToken.read(config.tokenFile()));
    ObjectMapper mapper = new ObjectMapper();
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new DaemonMetrics(daemon));
    StatusPage page = StatusPage.load(auth);

    applyServerLimits();
    InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
    if (address.getAddress() != null && !address.getAddress().isLoopbackAddress()) {
      LOG.warn("the API listens on {}, which is not a loopback address: every host that can "
          + "reach it may try the token; prefer 127.0.0.1 behind a TLS proxy", config.host());
    }
    HttpServer s = HttpServer.create(address, 0);
    AtomicInteger n = new AtomicInteger();
    // No queue: a request waiting in a queue behind slow clients is what this pool prevents.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, MAX_THREADS, 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "bulwark-api-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, (r, p) -> LOG.warn("API: more than {} requests at once; one connection dropped",
            MAX_THREADS));
    s.setExecutor(pool);
    guarded(s, "/rpc", new RpcHandler(new RpcMethods(daemon, clock, mapper), mapper), auth);
    guarded(s, "/metrics", new MetricsHandler(registry), auth);
    guarded(s, "/healthz", new HealthHandler(daemon, mapper, config.health(), clock),
        auth);
    s.createContext("/", page);
    s.start();
    server = s;
    executor = pool;
    LOG.info("API listening on http://{}:{}/ (bearer token from {})", config.host(), port(),
        config.tokenFile());
  }

  /**
   * Sets the JDK server's connection cap and request deadline unless the operator chose them.
   * They are read once, when the first server of the process starts: a setting made later
   * has no effect.
   */
  private static void applyServerLimits() {
    setIfAbsent("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
    setIfAbsent("sun.net.httpserver.maxReqTime", Long.toString(REQUEST_TIMEOUT.toSeconds()));
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  private static void guarded(HttpServer s, String path, HttpHandler handler,
      BearerAuthFilter auth) {
    // An exact-path context: /rpcx or /metrics/x fall through to "/", which answers 401/404.
    HttpContext c = s.createContext(path, ex -> {
      if (!ex.getRequestURI().getPath().equals(path)) {
        Reply.text(ex, 404, "not found: " + ex.getRequestURI().getPath());
        return;
      }
      handler.handle(ex);
    });
    c.getFilters().add(auth);
  }

  /** The port listened on (useful with port 0). */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return server.getAddress().getPort();
  }

  @Override
  public synchronized void close() {
    if (!closed.compareAndSet(false, true) || server == null) {
      return;
    }
    // Intake first: stop accepting, let running requests finish for a moment, then the pool.
    server.stop(stopDelaySeconds);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(TERMINATION_WAIT_SECONDS, TimeUnit.SECONDS)) {
        executor.shutdownNow();
        if (!executor.awaitTermination(TERMINATION_WAIT_SECONDS, TimeUnit.SECONDS)) {
          LOG.warn("API threads still running after close: {}", executor.getActiveCount());
        }
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    LOG.info("API stopped");
  }
}
