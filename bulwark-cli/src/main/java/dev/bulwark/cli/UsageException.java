package dev.bulwark.cli;

/**
 * A command line that makes no sense: exit code 2, the message as the one line, then a hint
 * to see the command's help unless the message already says what to do.
 */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean helpHint;

  UsageException(String message) {
    this(message, true);
  }

  UsageException(String message, boolean helpHint) {
    super(message);
    this.helpHint = helpHint;
  }

  boolean wantsHelpHint() {
    return helpHint;
  }
}
