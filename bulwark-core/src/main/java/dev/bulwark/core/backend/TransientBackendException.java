package dev.bulwark.core.backend;

import java.io.IOException;

/** A backend failure that may go away on retry: a timeout, throttling, a dropped connection. */
public class TransientBackendException extends IOException {
  private static final long serialVersionUID = 1L;

  public TransientBackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
