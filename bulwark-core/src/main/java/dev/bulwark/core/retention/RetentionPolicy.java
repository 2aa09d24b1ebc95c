package dev.bulwark.core.retention;

import java.util.ArrayList;
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

  /**
   * Checks no count is negative; a missing span or tag list means none.
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
   *     carries every tag of any one list; within one list, tags are separated by commas ({@code
   *     "a,b"} keeps snapshots tagged both a and b), and an empty list keeps untagged snapshots
   * @throws IllegalArgumentException if a count is negative
   */
  public RetentionPolicy {
    if (last < 0 || hourly < 0 || daily < 0 || weekly < 0 || monthly < 0 || yearly < 0) {
      throw new IllegalArgumentException("a keep count cannot be negative");
    }
    within = within == null ? KeepWithin.NONE : within;
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /**
   * A policy built rule by rule: {@code RetentionPolicy.builder().last(7).daily(14).build()}.
   *
   * @return a builder with no rule set
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RetentionPolicy}; a rule not set is off. */
  public static final class Builder {
    private int last;
    private int hourly;
    private int daily;
    private int weekly;
    private int monthly;
    private int yearly;
    private KeepWithin within = KeepWithin.NONE;
    private final List<String> tags = new ArrayList<>();

    private Builder() {}

    /**
     * Keep the newest {@code n} snapshots.
     *
     * @param n how many snapshots to keep
     * @return this builder
     */
    public Builder last(int n) {
      last = n;
      return this;
    }

    /**
     * Keep the newest snapshot of each of the last {@code n} hours that have one.
     *
     * @param n how many hours to keep one snapshot of
     * @return this builder
     */
    public Builder hourly(int n) {
      hourly = n;
      return this;
    }

    /**
     * Keep the newest snapshot of each of the last {@code n} days that have one.
     *
     * @param n how many days to keep one snapshot of
     * @return this builder
     */
    public Builder daily(int n) {
      daily = n;
      return this;
    }

    /**
     * Keep the newest snapshot of each of the last {@code n} ISO weeks that have one.
     *
     * @param n how many weeks to keep one snapshot of
     * @return this builder
     */
    public Builder weekly(int n) {
      weekly = n;
      return this;
    }

    /**
     * Keep the newest snapshot of each of the last {@code n} months that have one.
     *
     * @param n how many months to keep one snapshot of
     * @return this builder
     */
    public Builder monthly(int n) {
      monthly = n;
      return this;
    }

    /**
     * Keep the newest snapshot of each of the last {@code n} years that have one.
     *
     * @param n how many years to keep one snapshot of
     * @return this builder
     */
    public Builder yearly(int n) {
      yearly = n;
      return this;
    }

    /**
     * Keep every snapshot newer than {@code span} before the group's newest snapshot.
     *
     * @param span the span, counted back from the newest snapshot
     * @return this builder
     */
    public Builder within(KeepWithin span) {
      within = span;
      return this;
    }

    /**
     * Keep snapshots that carry all of {@code tags}; each call adds one alternative, as each
     * {@code --keep-tag} does.
     *
     * @param tags the tags a kept snapshot must carry, all of them; {@code ""} alone keeps the
     *     snapshots with no tag, as restic's {@code --keep-tag ''} (every snapshot Bulwark
     *     writes has tags)
     * @return this builder
     * @throws IllegalArgumentException if no argument is given: that is a slip, not a rule, and
     *     taken as {@code ""} it would keep none of Bulwark's snapshots, so a forget would
     *     remove every one
     */
    public Builder tagged(String... tags) {
      if (tags.length == 0 || java.util.Arrays.stream(tags).anyMatch(t -> t == null)) {
        throw new IllegalArgumentException("keep-tag needs one or more tags (\"\" for the "
            + "snapshots with no tag)");
      }
      this.tags.add(String.join(",", tags));
      return this;
    }

    /**
     * The policy.
     *
     * @return the policy of the rules set so far
     */
    public RetentionPolicy build() {
      return new RetentionPolicy(last, hourly, daily, weekly, monthly, yearly, within, tags);
    }
  }

  /**
   * True when no rule is set. restic refuses to forget with an empty policy, and so do we: it
   * would remove every snapshot.
   *
   * @return true if no rule is set
   */
  public boolean isEmpty() {
    return last == 0 && hourly == 0 && daily == 0 && weekly == 0 && monthly == 0 && yearly == 0
        && within.isZero() && tags.isEmpty();
  }
}
