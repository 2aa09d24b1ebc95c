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

  /** Why the start was refused, for a caller that acts on the reason rather than the message. */
  private final Reason reason;

  /**
   * A refused start.
   *
   * @param reason why it was refused
   * @param message both positions and how to resolve it, in one line
   */
  public StartupRefusedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /**
   * Why the start was refused.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
