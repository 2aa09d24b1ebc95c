package dev.bulwark.cli;

/** A command line that makes no sense: exit code 2, with the message as the one line. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
