package dev.bulwark.core.job;

import java.util.List;

/**
 * Whether something more urgent has asked the running job to stop at its next checkpoint.
 * Asked only at checkpoints, right after progress was persisted, so it may be slow-ish (a file
 * stat) but must not block. Implementations are thread-safe.
 */
@FunctionalInterface
public interface YieldSignal {
  /** A signal that never asks. */
  YieldSignal NEVER = () -> null;

  /**
   * Why the job should yield now (for its log line and exit message, one short phrase such as
   * {@code "backup_now requested over the API"}), or null to go on.
   *
   * @return the reason, or null to go on
   */
  String requested();

  /**
   * A signal that asks when any of {@code signals} asks (the first reason wins).
   *
   * @param signals the signals to ask, in order
   * @return a signal combining them
   */
  static YieldSignal anyOf(List<YieldSignal> signals) {
    List<YieldSignal> all = List.copyOf(signals);
    return () -> {
      for (YieldSignal s : all) {
        String why = s.requested();
        if (why != null) {
          return why;
        }
      }
      return null;
    };
  }
}
