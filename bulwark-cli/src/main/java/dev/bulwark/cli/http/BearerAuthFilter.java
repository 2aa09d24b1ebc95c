package dev.bulwark.cli.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request through only if it carries the bearer token; otherwise answers 401 with
 * {@code WWW-Authenticate: Bearer} (RFC 6750) before the handler sees it. Logs refusals
 * without the header's value.
 */
final class BearerAuthFilter extends Filter {
  private static final Logger LOG = LoggerFactory.getLogger(BearerAuthFilter.class);

  private final BearerToken token;

  BearerAuthFilter(BearerToken token) {
    this.token = token;
  }

  @Override
  public void doFilter(HttpExchange ex, Chain chain) throws IOException {
    if (isAuthorized(ex)) {
      chain.doFilter(ex);
      return;
    }
    refuse(ex);
  }

  /** True if the request carries the token. */
  boolean isAuthorized(HttpExchange ex) {
    return token.accepts(ex.getRequestHeaders().getFirst("Authorization"));
  }

  /** Answers 401; the request body, if any, is not read. */
  static void refuse(HttpExchange ex) throws IOException {
    boolean presented = ex.getRequestHeaders().containsKey("Authorization");
    LOG.debug("refused {} {} from {}: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(),
        ex.getRemoteAddress(), presented ? "wrong token" : "no token");
    ex.getResponseHeaders().set("WWW-Authenticate", presented
        ? "Bearer realm=\"bulwark\", error=\"invalid_token\"" : "Bearer realm=\"bulwark\"");
    Reply.text(ex, 401, "unauthorized: send Authorization: Bearer <token from the token file>");
  }

  @Override
  public String description() {
    return "bearer token";
  }
}
