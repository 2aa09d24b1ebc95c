package dev.bulwark.s3;

import dev.bulwark.core.backend.TransientBackendException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns an S3 SDK failure that survived the SDK's retries into the {@link
 * dev.bulwark.core.backend.Backend} contract's exceptions, with a one-line message naming the
 * operation, the object and the cause (never a wall of SDK text, never credentials).
 */
final class S3Failure {
  private S3Failure() {}

  /** True if {@code e} says the object (or bucket) does not exist. */
  static boolean isNotFound(SdkException e) {
    return e instanceof S3Exception s && s.statusCode() == 404;
  }

  /**
   * The exception to throw for {@code e}: {@link NoSuchFileException} for a 404, {@link
   * TransientBackendException} for throttling, server errors and network failures, a plain
   * {@link IOException} for the rest (access denied, bad request).
   */
  static IOException of(String operation, String object, SdkException e) {
    String what = "S3 " + operation + " " + object;
    if (e instanceof S3Exception s) {
      String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
      String cause = "HTTP " + s.statusCode() + (code == null || code.isEmpty() ? "" : " " + code);
      if (s.statusCode() == 404) {
        NoSuchFileException n = new NoSuchFileException(object, null, cause);
        n.initCause(e);
        return n;
      }
      if (s.statusCode() >= 500 || s.statusCode() == 429 || s.isThrottlingException()
          || "RequestTimeout".equals(code)) {
        return new TransientBackendException(what + " failed after retries: " + cause, e);
      }
      String hint = s.statusCode() == 403
          ? " (check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, the region and the bucket policy)"
          : "";
      return new IOException(what + " failed: " + cause + hint, e);
    }
    if (e instanceof SdkClientException) {
      return new TransientBackendException(what + " failed after retries: " + rootCause(e), e);
    }
    return new IOException(what + " failed: " + firstLine(e.getMessage()), e);
  }

  // The innermost cause names the real problem ("Connection refused", "Read timed out").
  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String msg = firstLine(t.getMessage());
    if (t == e) {
      return msg;
    }
    return t.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
