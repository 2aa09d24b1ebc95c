package dev.bulwark.s3.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The error response {@link FaultProxy} sends instead of forwarding: shaped like S3's, so an
 * S3 client parses it as a real server's ({@code 503 SlowDown} with {@code Retry-After: 0},
 * {@code 500 InternalError}); other statuses carry the code {@code InjectedFault}.
 */
final class ErrorAnswer {
  private ErrorAnswer() {}

  static void write(OutputStream out, String requestMethod, int status, boolean keepAlive)
      throws IOException {
    String[] codeMessageReason = switch (status) {
      case 500 -> new String[] {"InternalError",
          "We encountered an internal error. Please try again.", "Internal Server Error"};
      case 503 -> new String[] {"SlowDown", "Please reduce your request rate.",
          "Service Unavailable"};
      default -> new String[] {"InjectedFault", "A fault injected by bulwark's FaultProxy.",
          "Injected Fault"};
    };
    String requestId = Long.toHexString(ThreadLocalRandom.current().nextLong())
        .toUpperCase(Locale.ROOT);
    byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
        + codeMessageReason[0] + "</Code><Message>" + codeMessageReason[1]
        + "</Message><RequestId>" + requestId + "</RequestId><HostId>bulwark-faultproxy</HostId>"
        + "</Error>").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + codeMessageReason[2] + "\r\n"
        + "Content-Type: application/xml\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "x-amz-request-id: " + requestId + "\r\n"
        + (status == 503 ? "Retry-After: 0\r\n" : "")
        + (keepAlive ? "" : "Connection: close\r\n")
        + "\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    if (!requestMethod.equals("HEAD")) { // a HEAD answer announces a body it never sends
      out.write(body);
    }
    out.flush();
  }
}
