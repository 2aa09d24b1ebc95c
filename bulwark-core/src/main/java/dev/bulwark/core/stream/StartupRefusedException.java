package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;

/**
 * A start-up check refused to let a database stream: it is behind its stream, at a state the
 * stream cannot place, or bound to another repository or stream. The message is one line naming
 * both sides and how to resolve it.
 */
public final class StartupRefusedException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  /** Why a start was refused. */
  public enum Reason {
    /** The database equals an earlier state of the stream: restored from an older copy. */
    STREAM_AHEAD,
    /** The database matches no state the stream can show it reached. */
    UNKNOWN_STATE,
    /** The binding names another repository. */
    OTHER_REPOSITORY,
    /** The binding names another stream. */
    OTHER_STREAM
  }

  private final Reason reason;

  public StartupRefusedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** Why the start was refused. */
  public Reason reason() {
    return reason;
  }
}
