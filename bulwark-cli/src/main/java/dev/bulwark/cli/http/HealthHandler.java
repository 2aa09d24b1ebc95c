package dev.bulwark.cli.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.bulwark.cli.daemon.DaemonControl;
import dev.bulwark.cli.daemon.DaemonStatus;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /healthz}: 200 and {@code {"status":"ok",...}} while the daemon answers
 * {@link DaemonControl#status()}; 503 if it cannot. It says the daemon is alive and serving,
 * not that every backup is fresh: alert on {@code bulwark_backup_last_success_timestamp_seconds}
 * for that.
 */
final class HealthHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(HealthHandler.class);

  private final DaemonControl daemon;
  private final ObjectMapper mapper;

  HealthHandler(DaemonControl daemon, ObjectMapper mapper) {
    this.daemon = daemon;
    this.mapper = mapper;
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
    if (s == null) {
      status = 503;
      body.put("status", "unavailable");
    } else {
      status = 200;
      body.put("status", "ok");
      body.put("databases", s.databases().size());
    }
    Reply.send(ex, status, Reply.JSON, mapper.writeValueAsBytes(body));
  }
}
