package dev.bulwark.core.retention;

import dev.bulwark.core.repo.Snapshot;
import java.util.List;

/**
 * One group's outcome: the snapshots kept (with reasons) and removed, each newest first.
 *
 * @param key what the group's snapshots share
 * @param keep the snapshots kept, each with the rules that keep it
 * @param remove the snapshots removed
 */
public record ForgetGroup(GroupKey key, List<KeptSnapshot> keep, List<Snapshot> remove) {
  /**
   * Copies the lists, so the plan cannot change under its reader.
   *
   * @param key what the group's snapshots share
   * @param keep the snapshots kept, each with the rules that keep it
   * @param remove the snapshots removed
   */
  public ForgetGroup {
    keep = List.copyOf(keep);
    remove = List.copyOf(remove);
  }
}
