package dev.bulwark.core.retention;

import dev.bulwark.core.repo.Snapshot;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongBiFunction;

/**
 * restic 0.14's {@code forget} policy: which snapshots of each group to keep, and why.
 *
 * <p>Per group, snapshots are sorted newest first (ties in time by id, where restic's order is
 * arbitrary). Then, for each snapshot in turn: every {@code --keep-tag} list it matches keeps
 * it; {@code within} keeps it when it is strictly newer than the span before the group's newest
 * snapshot that is not in the future; and each count rule (last, hourly, daily, weekly,
 * monthly, yearly) with count left keeps it when its bucket differs from the bucket of the last
 * snapshot that rule kept, using up one count. Buckets are {@code YYYYMMDDHH}, {@code
 * YYYYMMDD}, ISO {@code year*100+week}, {@code YYYYMM} and {@code YYYY}; {@code last} gives
 * every snapshot its own bucket.
 *
 * <p><b>Time zone.</b> Buckets use each snapshot's time in the UTC offset it was written with
 * ({@link Snapshot#localTime()}), as restic does (Go keeps the offset parsed from the JSON).
 * Bulwark writes UTC, so its snapshots are bucketed by UTC days and hours whatever the
 * machine's zone; a snapshot restic wrote at {@code 23:30+02:00} counts for that local day.
 * Nothing here depends on the JVM's default zone.
 *
 * <p>Like restic 0.14 and unlike later restic, the oldest snapshot is not kept just because a
 * count has some left, and a count of -1 ("keep all") does not exist.
 */
public final class Retention {
  private Retention() {}

  /** {@link #plan(List, RetentionPolicy, GroupBy, Instant)} with the current time. */
  public static ForgetPlan plan(List<Snapshot> snapshots, RetentionPolicy policy, GroupBy by) {
    return plan(snapshots, policy, by, Instant.now());
  }

  /**
   * Groups {@code snapshots} and applies {@code policy} to each group.
   *
   * @param now snapshots after this instant do not count as the newest for {@code within}
   * @return the groups ordered by key
   * @throws IllegalArgumentException if the policy is empty (it would remove everything)
   */
  public static ForgetPlan plan(List<Snapshot> snapshots, RetentionPolicy policy, GroupBy by,
      Instant now) {
    requireRules(policy);
    Map<GroupKey, List<Snapshot>> groups = new TreeMap<>();
    for (Snapshot s : snapshots) {
      groups.computeIfAbsent(GroupKey.of(s, by), k -> new ArrayList<>()).add(s);
    }
    List<ForgetGroup> out = new ArrayList<>();
    groups.forEach((key, members) -> out.add(apply(key, members, policy, now)));
    return new ForgetPlan(out);
  }

  /**
   * Applies {@code policy} to one group of snapshots.
   *
   * @throws IllegalArgumentException if the policy is empty
   */
  public static ForgetGroup apply(GroupKey key, List<Snapshot> group, RetentionPolicy policy,
      Instant now) {
    requireRules(policy);
    List<Snapshot> list = new ArrayList<>(group);
    list.sort(Comparator.comparing(Snapshot::time).reversed()
        .thenComparing(s -> s.id() == null ? "" : s.id().toString()));
    List<TagList> tagLists = policy.tags().stream().map(TagList::parse).toList();
    Instant withinAfter = withinThreshold(list, policy.within(), now);
    Bucket[] buckets = {
        new Bucket(policy.last(), (t, nr) -> nr, "last snapshot"),
        new Bucket(policy.hourly(), (t, nr) -> ymd(t) * 100L + t.getHour(), "hourly snapshot"),
        new Bucket(policy.daily(), (t, nr) -> ymd(t), "daily snapshot"),
        new Bucket(policy.weekly(), (t, nr) -> t.get(IsoFields.WEEK_BASED_YEAR) * 100L
            + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), "weekly snapshot"),
        new Bucket(policy.monthly(), (t, nr) -> t.getYear() * 100L + t.getMonthValue(),
            "monthly snapshot"),
        new Bucket(policy.yearly(), (t, nr) -> t.getYear(), "yearly snapshot"),
    };
    List<KeptSnapshot> keep = new ArrayList<>();
    List<Snapshot> remove = new ArrayList<>();
    for (int nr = 0; nr < list.size(); nr++) {
      Snapshot cur = list.get(nr);
      List<String> reasons = new ArrayList<>();
      for (TagList l : tagLists) {
        if (l.matches(cur)) {
          reasons.add("has tags " + l);
        }
      }
      if (withinAfter != null && cur.time().isAfter(withinAfter)) {
        reasons.add("within " + policy.within());
      }
      for (Bucket b : buckets) {
        if (b.take(cur.localTime(), nr)) {
          reasons.add(b.reason);
        }
      }
      if (reasons.isEmpty()) {
        remove.add(cur);
      } else {
        keep.add(new KeptSnapshot(cur, reasons));
      }
    }
    return new ForgetGroup(key, keep, remove);
  }

  private static void requireRules(RetentionPolicy policy) {
    if (policy.isEmpty()) {
      throw new IllegalArgumentException("an empty retention policy would remove every snapshot");
    }
  }

  /**
   * The instant a snapshot must be after to be kept by {@code within}, or null when the rule is
   * off. The reference is the newest snapshot not after {@code now}; with none, restic's zero
   * time makes every snapshot count as within, and so does {@link Instant#MIN} here.
   */
  private static Instant withinThreshold(List<Snapshot> newestFirst, KeepWithin within,
      Instant now) {
    if (within.isZero()) {
      return null;
    }
    for (Snapshot s : newestFirst) {
      if (s.time().isBefore(now)) {
        return within.before(s.localTime()).toInstant();
      }
    }
    return Instant.MIN;
  }

  private static long ymd(OffsetDateTime t) {
    return t.getYear() * 10000L + t.getMonthValue() * 100L + t.getDayOfMonth();
  }

  /** One count rule: how many buckets are left and the bucket of the snapshot kept last. */
  private static final class Bucket {
    private int left;
    private final ToLongBiFunction<OffsetDateTime, Integer> bucketOf;
    private final String reason;
    private long lastKept = Long.MIN_VALUE;

    Bucket(int count, ToLongBiFunction<OffsetDateTime, Integer> bucketOf, String reason) {
      this.left = count;
      this.bucketOf = bucketOf;
      this.reason = reason;
    }

    /** True, using up one count, when this rule keeps the snapshot at {@code t}. */
    boolean take(OffsetDateTime t, int nr) {
      if (left <= 0) {
        return false;
      }
      long value = bucketOf.applyAsLong(t, nr);
      if (value == lastKept) {
        return false;
      }
      lastKept = value;
      left--;
      return true;
    }
  }
}
