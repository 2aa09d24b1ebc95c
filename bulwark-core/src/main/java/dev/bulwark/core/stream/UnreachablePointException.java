package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;

/**
 * The point a restore asked for is outside what the stream holds: before its first snapshot,
 * after its newest shipped transaction, or in a generation the repository has no snapshot of.
 * The message names the nearest point that can be restored.
 */
public class UnreachablePointException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  public UnreachablePointException(String message) {
    super(message);
  }
}
