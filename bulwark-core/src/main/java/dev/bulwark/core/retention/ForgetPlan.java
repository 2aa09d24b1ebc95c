package dev.bulwark.core.retention;

import dev.bulwark.core.repo.Snapshot;
import java.util.List;

/**
 * What a policy does to a set of snapshots: one {@link ForgetGroup} per group, by key.
 *
 * @param groups one entry per group of snapshots
 */
public record ForgetPlan(List<ForgetGroup> groups) {
  /**
   * Copies the list, so the plan cannot change under its reader.
   *
   * @param groups one entry per group of snapshots
   */
  public ForgetPlan {
    groups = List.copyOf(groups);
  }

  /**
   * Every snapshot to remove, group by group.
   *
   * @return the snapshots to remove
   */
  public List<Snapshot> removed() {
    return groups.stream().flatMap(g -> g.remove().stream()).toList();
  }

  /**
   * Every snapshot kept, group by group.
   *
   * @return the snapshots kept, each with the rules that keep it
   */
  public List<KeptSnapshot> kept() {
    return groups.stream().flatMap(g -> g.keep().stream()).toList();
  }
}
