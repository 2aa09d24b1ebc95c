package dev.bulwark.core.retention;

import dev.bulwark.core.repo.Snapshot;
import java.util.List;

/**
 * A snapshot a policy keeps, with every rule that keeps it in restic's words ("last snapshot",
 * "daily snapshot", "within 1y2m", "has tags [a, b]", ...), in the order restic lists them.
 *
 * @param snapshot the snapshot kept
 * @param reasons the rules that keep it; at least one
 */
public record KeptSnapshot(Snapshot snapshot, List<String> reasons) {
  /**
   * Copies the reasons and checks there is one.
   *
   * @param snapshot the snapshot kept
   * @param reasons the rules that keep it; at least one
   * @throws IllegalArgumentException if there is no reason
   */
  public KeptSnapshot {
    reasons = List.copyOf(reasons);
    if (reasons.isEmpty()) {
      throw new IllegalArgumentException("a kept snapshot needs a reason");
    }
  }
}
