package dev.bulwark.core.retention;

import dev.bulwark.core.repo.Snapshot;
import java.util.List;

/**
 * A snapshot a policy keeps, with every rule that keeps it in restic's words ("last snapshot",
 * "daily snapshot", "within 1y2m", "has tags [a, b]", ...), in the order restic lists them.
 */
public record KeptSnapshot(Snapshot snapshot, List<String> reasons) {
  public KeptSnapshot {
    reasons = List.copyOf(reasons);
    if (reasons.isEmpty()) {
      throw new IllegalArgumentException("a kept snapshot needs a reason");
    }
  }
}
