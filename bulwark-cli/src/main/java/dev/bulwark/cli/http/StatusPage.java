package dev.bulwark.cli.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The catch-all context {@code /}: serves the status page shell at {@code /} (and
 * {@code /index.html}) to anyone, and answers every other path 401 without the token, 404 with
 * it, so that unauthenticated callers learn nothing about which paths exist.
 *
 * <p>The shell is a constant resource: the same bytes for every caller, holding no data. Its
 * Content-Security-Policy allows exactly its own inline script and style (by SHA-256), requests
 * to this origin only, and nothing else: no external assets, no framing, no forms.
 */
final class StatusPage implements HttpHandler {
  private static final String RESOURCE = "status.html";
  private static final Pattern INLINE = Pattern.compile("<(script|style)>(.*?)</\\1>",
      Pattern.DOTALL);

  private final byte[] html;
  private final String contentSecurityPolicy;
  private final BearerAuthFilter auth;

  private StatusPage(byte[] html, String contentSecurityPolicy, BearerAuthFilter auth) {
    this.html = html;
    this.contentSecurityPolicy = contentSecurityPolicy;
    this.auth = auth;
  }

  /** Loads the page from the class path. */
  static StatusPage load(BearerAuthFilter auth) throws IOException {
    byte[] html;
    try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("resource " + RESOURCE + " is missing from the bulwark jar");
      }
      html = in.readAllBytes();
    }
    return new StatusPage(html, policy(new String(html, StandardCharsets.UTF_8)), auth);
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    boolean shell = "/".equals(path) || "/index.html".equals(path);
    if (!shell) {
      if (!auth.isAuthorized(ex)) {
        BearerAuthFilter.refuse(ex);
      } else {
        Reply.text(ex, 404, "not found: " + path);
      }
      return;
    }
    if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
      ex.getResponseHeaders().set("Allow", "GET, HEAD");
      Reply.text(ex, 405, "use GET");
      return;
    }
    var h = ex.getResponseHeaders();
    h.set("Content-Security-Policy", contentSecurityPolicy);
    h.set("Referrer-Policy", "no-referrer");
    h.set("X-Frame-Options", "DENY");
    Reply.send(ex, 200, "text/html; charset=utf-8", html);
  }

  /** A policy that admits the page's own inline blocks and nothing from elsewhere. */
  static String policy(String html) {
    List<String> scripts = new ArrayList<>();
    List<String> styles = new ArrayList<>();
    Matcher m = INLINE.matcher(html);
    while (m.find()) {
      String hash = "'sha256-" + sha256(m.group(2)) + "'";
      (m.group(1).equals("script") ? scripts : styles).add(hash);
    }
    return "default-src 'none'; script-src " + String.join(" ", scripts)
        + "; style-src " + String.join(" ", styles)
        + "; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
        + "frame-ancestors 'none'";
  }

  private static String sha256(String s) {
    try {
      return Base64.getEncoder().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
