package dev.bulwark.s3.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The start line and header lines of one HTTP/1.1 message, as {@link FaultProxy} reads them,
 * and the framing of the body that follows (RFC 9112 §6), which it copies byte for byte.
 */
final class HttpHead {
  private static final int MAX_HEAD_BYTES = 64 * 1024;
  private static final int BUFFER_BYTES = 64 * 1024;

  /** How a body ends: no body, after a length, after the last chunk, or when the peer closes. */
  enum Framing { EMPTY, LENGTH, CHUNKED, UNTIL_CLOSE }

  private final String startLine;
  private final List<String> headerLines;

  private HttpHead(String startLine, List<String> headerLines) {
    this.startLine = startLine;
    this.headerLines = List.copyOf(headerLines);
  }

  /** The next head on {@code in}, or empty if the peer closed cleanly between messages. */
  static Optional<HttpHead> read(InputStream in) throws IOException {
    String start = readLine(in, true);
    if (start == null) {
      return Optional.empty();
    }
    List<String> headers = new ArrayList<>();
    int bytes = start.length();
    for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
      bytes += line.length();
      if (bytes > MAX_HEAD_BYTES) {
        throw new ProtocolException("HTTP head longer than " + MAX_HEAD_BYTES + " bytes");
      }
      headers.add(line);
    }
    return Optional.of(new HttpHead(start, headers));
  }

  String startLine() {
    return startLine;
  }

  String method() {
    return startLine.split(" ", 2)[0];
  }

  int status() throws ProtocolException {
    String[] parts = startLine.split(" ", 3);
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw new ProtocolException("not an HTTP status line: " + startLine);
    }
  }

  Optional<String> header(String name) {
    for (String line : headerLines) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return Optional.of(line.substring(colon + 1).trim());
      }
    }
    return Optional.empty();
  }

  boolean hasToken(String name, String token) {
    return header(name).map(v -> v.toLowerCase(Locale.ROOT))
        .map(v -> List.of(v.split("\\s*,\\s*")).contains(token)).orElse(false);
  }

  /** How the body of this request ends: a request without length or chunking has none. */
  Framing requestFraming() {
    if (header("Transfer-Encoding").isPresent()) {
      return Framing.CHUNKED;
    }
    return header("Content-Length").isPresent() ? Framing.LENGTH : Framing.EMPTY;
  }

  /** How the body of this response to a {@code requestMethod} request ends. */
  Framing responseFraming(String requestMethod) throws ProtocolException {
    int status = status();
    if (requestMethod.equals("HEAD") || status / 100 == 1 || status == 204 || status == 304) {
      return Framing.EMPTY;
    }
    if (header("Transfer-Encoding").map(v -> v.toLowerCase(Locale.ROOT).endsWith("chunked"))
        .orElse(false)) {
      return Framing.CHUNKED;
    }
    return header("Content-Length").isPresent() ? Framing.LENGTH : Framing.UNTIL_CLOSE;
  }

  long contentLength() throws ProtocolException {
    try {
      return Long.parseLong(header("Content-Length").orElse("0"));
    } catch (NumberFormatException e) {
      throw new ProtocolException("bad Content-Length in " + startLine);
    }
  }

  /** Writes the head, leaving out headers named {@code skipHeader} (null skips none). */
  void writeTo(OutputStream out, String skipHeader) throws IOException {
    StringBuilder head = new StringBuilder(startLine).append("\r\n");
    for (String line : headerLines) {
      int colon = line.indexOf(':');
      if (skipHeader == null || colon < 0
          || !line.substring(0, colon).trim().equalsIgnoreCase(skipHeader)) {
        head.append(line).append("\r\n");
      }
    }
    out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Copies the body that follows this head from {@code in} to {@code out}, framing included. */
  void copyBody(Framing framing, InputStream in, OutputStream out) throws IOException {
    switch (framing) {
      case EMPTY -> { }
      case LENGTH -> copy(in, out, contentLength());
      case CHUNKED -> copyChunked(in, out);
      case UNTIL_CLOSE -> in.transferTo(out);
      default -> throw new AssertionError(framing);
    }
  }

  static void copy(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buffer = new byte[BUFFER_BYTES];
    for (long left = length; left > 0; ) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new EOFException("body ended " + left + " bytes early");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  private static void copyChunked(InputStream in, OutputStream out) throws IOException {
    while (true) {
      String sizeLine = readLine(in, false);
      out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      long size;
      try {
        size = Long.parseLong(sizeLine.split(";", 2)[0].trim(), 16);
      } catch (NumberFormatException e) {
        throw new ProtocolException("bad chunk size line: " + sizeLine);
      }
      if (size == 0) {
        break;
      }
      copy(in, out, size + 2); // the chunk and its CRLF
    }
    // Trailer fields, then the empty line that ends the message.
    for (String line = readLine(in, false); ; line = readLine(in, false)) {
      out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      if (line.isEmpty()) {
        return;
      }
    }
  }

  /** A CRLF- (or LF-) terminated line; null at a clean EOF before any byte if allowed. */
  private static String readLine(InputStream in, boolean eofAllowed) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        if (eofAllowed && line.size() == 0) {
          return null;
        }
        throw new EOFException("connection closed in the middle of an HTTP head");
      }
      if (line.size() > MAX_HEAD_BYTES) {
        throw new ProtocolException("HTTP line longer than " + MAX_HEAD_BYTES + " bytes");
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }
}
