package dev.bulwark.cli.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The ways our handlers answer: a body with a type, or no body at all. */
final class Reply {
  static final String JSON = "application/json; charset=utf-8";
  static final String TEXT = "text/plain; charset=utf-8";

  private Reply() {}

  /** Sends {@code body} with {@code status}; the exchange is closed afterwards. */
  static void send(HttpExchange ex, int status, String contentType, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
    ex.close();
  }

  /** Sends a one-line text body. */
  static void text(HttpExchange ex, int status, String line) throws IOException {
    send(ex, status, TEXT, (line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a status with no body (e.g. 204). */
  static void empty(HttpExchange ex, int status) throws IOException {
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, -1);
    ex.close();
  }
}
