package dev.bulwark.core.retention;

import java.util.List;

/**
 * Which snapshots of one group to keep, with restic's {@code forget} semantics: a snapshot is
 * kept if any rule keeps it. A count of 0 turns a rule off.
 *
 * @param last the newest {@code last} snapshots
 * @param hourly the newest snapshot of each of the last {@code hourly} hours that have one
 * @param daily likewise per day
 * @param weekly likewise per ISO week
 * @param monthly likewise per month
 * @param yearly likewise per year
 * @param within every snapshot newer than this span before the group's newest snapshot (the
 *     newest one not in the future, as restic)
 * @param tags tag lists as restic's {@code --keep-tag} takes them: a snapshot is kept when it
 *     carries every tag of any one list; within one list, tags are separated by commas
 *     ({@code "a,b"} keeps snapshots tagged both a and b), and an empty list keeps untagged
 *     snapshots
 */
public record RetentionPolicy(int last, int hourly, int daily, int weekly, int monthly,
    int yearly, KeepWithin within, List<String> tags) {

  /** Keeps everything: no rule set. */
  public static final RetentionPolicy KEEP_ALL =
      new RetentionPolicy(0, 0, 0, 0, 0, 0, KeepWithin.NONE, List.of());

  public RetentionPolicy {
    if (last < 0 || hourly < 0 || daily < 0 || weekly < 0 || monthly < 0 || yearly < 0) {
      throw new IllegalArgumentException("a keep count cannot be negative");
    }
    within = within == null ? KeepWithin.NONE : within;
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /**
   * True when no rule is set. restic refuses to forget with an empty policy, and so do we: it
   * would remove every snapshot.
   */
  public boolean isEmpty() {
    return last == 0 && hourly == 0 && daily == 0 && weekly == 0 && monthly == 0 && yearly == 0
        && within.isZero() && tags.isEmpty();
  }
}
