package dev.bulwark.cli.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.bulwark.cli.config.HealthConfig;
import dev.bulwark.cli.daemon.DaemonControl;
import dev.bulwark.cli.daemon.DaemonStatus;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /healthz}: 200 and {@code {"status":"ok",...}} while the daemon answers {@link
 * DaemonControl#status()} and its backups are as they should be; 503 with {@code
 * {"status":"unhealthy","problems":[...]}} naming each database and repository that needs
 * attention ({@link HealthCheck}: a stale snapshot, a failed verification, a lagging stream, a
 * repository that is not open); 503 with {@code "unavailable"} if the daemon does not answer.
 */
final class HealthHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(HealthHandler.class);

  private final DaemonControl daemon;
  private final ObjectMapper mapper;
  private final HealthCheck check;
  private final Clock clock;

  HealthHandler(DaemonControl daemon, ObjectMapper mapper, HealthConfig health, Clock clock) {
    this.daemon = daemon;
    this.mapper = mapper;
    this.check = new HealthCheck(health);
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
      ex.getResponseHeaders().set("Allow", "GET, HEAD");
      Reply.text(ex, 405, "use GET");
      return;
    }
    ObjectNode body = mapper.createObjectNode();
    int status;
    DaemonStatus s = null;
    try {
      s = daemon.status();
    } catch (RuntimeException e) {
      // A health check reports failure instead of passing it on: that is its whole job.
      LOG.warn("health check: the daemon did not answer its status", e);
    }
    List<HealthCheck.Problem> problems = List.of();
    if (s != null) {
      try {
        problems = check.problems(daemon, s, clock.instant());
      } catch (RuntimeException e) {
        LOG.warn("health check: could not judge the daemon's status", e);
        s = null;
      }
    }
    if (s == null) {
      status = 503;
      body.put("status", "unavailable");
    } else {
      status = problems.isEmpty() ? 200 : 503;
      body.put("status", problems.isEmpty() ? "ok" : "unhealthy");
      body.put("databases", s.databases().size());
      if (!problems.isEmpty()) {
        ArrayNode list = body.putArray("problems");
        for (HealthCheck.Problem p : problems) {
          ObjectNode o = list.addObject();
          if (p.database() != null) {
            o.put("database", p.database());
          }
          o.put("repository", p.repository());
          o.put("reason", p.reason());
          o.put("detail", p.detail());
        }
      }
    }
    Reply.send(ex, status, Reply.JSON, mapper.writeValueAsBytes(body));
  }
}
