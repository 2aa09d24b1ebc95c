package dev.bulwark.core.stream;

/**
 * What a start-up check lets through besides a database that continues its stream.
 *
 * @param acceptOlderDatabase start a new generation (with a snapshot) when the database is at
 *     an earlier state of its stream, or at a state the stream cannot show it reached, instead
 *     of refusing
 * @param rebind replace a binding that names another repository or stream, instead of refusing
 */
public record StartupPolicy(boolean acceptOlderDatabase, boolean rebind) {
  /**
   * Refuse everything but a database that continues its stream.
   *
   * @return the strict policy
   */
  public static StartupPolicy defaults() {
    return new StartupPolicy(false, false);
  }

  /**
   * This policy starting a new generation instead of refusing an older or unknown state.
   *
   * @return a new policy; this one is unchanged
   */
  public StartupPolicy acceptingOlderDatabase() {
    return new StartupPolicy(true, rebind);
  }

  /**
   * This policy replacing a binding to another repository or stream.
   *
   * @return a new policy; this one is unchanged
   */
  public StartupPolicy rebinding() {
    return new StartupPolicy(acceptOlderDatabase, true);
  }

}
