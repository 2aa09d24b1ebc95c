package dev.bulwark.core.retention;

import dev.bulwark.core.repo.Snapshot;
import java.util.List;

/**
 * One group's outcome: the snapshots kept (with reasons) and removed, each newest first.
 */
public record ForgetGroup(GroupKey key, List<KeptSnapshot> keep, List<Snapshot> remove) {
  public ForgetGroup {
    keep = List.copyOf(keep);
    remove = List.copyOf(remove);
  }
}
