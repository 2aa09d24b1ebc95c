package dev.bulwark.core.crypto;

import dev.bulwark.core.CorruptionException;

/**
 * A sealed object failed its MAC check: it was sealed under another key or has been damaged.
 *
 * <p>Nothing is decrypted when this is thrown. When it comes from a key file opened with a user
 * key, it usually means the password is wrong rather than that data is damaged.
 */
public final class UnauthenticatedException extends CorruptionException {
  private static final long serialVersionUID = 1L;

  UnauthenticatedException() {
    super("ciphertext verification failed (wrong key or damaged data)");
  }

  UnauthenticatedException(String message) {
    super(message);
  }
}
