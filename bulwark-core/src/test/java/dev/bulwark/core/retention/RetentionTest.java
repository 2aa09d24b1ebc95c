package dev.bulwark.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.Id;
import dev.bulwark.core.repo.Snapshot;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RetentionTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final Id TREE = Id.hash(new byte[0]);

  private static Snapshot snap(String time, String host, List<String> tags) {
    OffsetDateTime t = OffsetDateTime.parse(time.contains("+") || time.endsWith("Z") ? time
        : time + "Z");
    Id id = Id.hash((time + host + tags).getBytes(StandardCharsets.UTF_8));
    return new Snapshot(id, t.toInstant(), null, TREE, List.of("/data"), host, "u", 0, 0,
        List.of(), tags, null, t.getOffset());
  }

  private static Snapshot snap(String time) {
    return snap(time, "h", List.of());
  }

  private static RetentionPolicy policy(int last, int hourly, int daily, int weekly, int monthly,
      int yearly) {
    return new RetentionPolicy(last, hourly, daily, weekly, monthly, yearly, KeepWithin.NONE,
        List.of());
  }

  private static ForgetGroup one(List<Snapshot> list, RetentionPolicy p) {
    ForgetPlan plan = Retention.plan(list, p, GroupBy.HOST_AND_PATHS, NOW);
    assertThat(plan.groups()).hasSize(1);
    return plan.groups().get(0);
  }

  private static List<String> keptTimes(ForgetGroup g) {
    return g.keep().stream().map(k -> k.snapshot().time().toString()).toList();
  }

  private static Map<String, List<String>> reasons(ForgetGroup g) {
    return g.keep().stream().collect(Collectors.toMap(k -> k.snapshot().time().toString(),
        KeptSnapshot::reasons));
  }

  @Test
  void emptyPolicyIsRefused() {
    assertThatThrownBy(() -> Retention.plan(List.of(snap("2024-01-01T00:00:00")),
        RetentionPolicy.KEEP_ALL, GroupBy.HOST_AND_PATHS, NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
  }

  @Test
  void keepLastKeepsTheNewestNInAnyInputOrder() {
    List<Snapshot> list = new ArrayList<>(List.of(snap("2024-01-02T00:00:00"),
        snap("2024-01-05T00:00:00"), snap("2024-01-01T00:00:00"), snap("2024-01-04T00:00:00")));
    ForgetGroup g = one(list, policy(2, 0, 0, 0, 0, 0));
    assertThat(keptTimes(g)).containsExactly("2024-01-05T00:00:00Z", "2024-01-04T00:00:00Z");
    assertThat(g.remove()).extracting(s -> s.time().toString())
        .containsExactly("2024-01-02T00:00:00Z", "2024-01-01T00:00:00Z");
    assertThat(g.keep()).allSatisfy(k -> assertThat(k.reasons()).containsExactly("last snapshot"));
  }

  @Test
  void countsLargerThanHistoryKeepEverythingOnce() {
    List<Snapshot> list = List.of(snap("2024-01-01T00:00:00"), snap("2024-02-01T00:00:00"));
    ForgetGroup g = one(list, policy(10, 0, 0, 0, 0, 0));
    assertThat(g.keep()).hasSize(2);
    assertThat(g.remove()).isEmpty();
  }

  @Test
  void hourlyKeepsTheNewestOfEachHour() {
    List<Snapshot> list = List.of(snap("2024-01-01T10:05:00"), snap("2024-01-01T10:55:00"),
        snap("2024-01-01T11:10:00"), snap("2024-01-01T09:00:00"));
    ForgetGroup g = one(list, policy(0, 2, 0, 0, 0, 0));
    assertThat(keptTimes(g)).containsExactly("2024-01-01T11:10:00Z", "2024-01-01T10:55:00Z");
    assertThat(reasons(g).get("2024-01-01T11:10:00Z")).containsExactly("hourly snapshot");
  }

  @Test
  void dailyDoesNotKeepTheOldestOfABucketAsLaterResticDoes() {
    // restic 0.14 keeps one per day even with counts left over; 0.16 would also keep the oldest.
    List<Snapshot> list = List.of(snap("2024-01-01T10:00:00"), snap("2024-01-01T09:00:00"));
    ForgetGroup g = one(list, policy(0, 0, 5, 0, 0, 0));
    assertThat(keptTimes(g)).containsExactly("2024-01-01T10:00:00Z");
    assertThat(g.remove()).hasSize(1);
  }

  @Test
  void weeklyUsesIsoWeeksAcrossTheYearEnd() {
    // 2024-12-30 (Mon) and 2025-01-01 (Wed) are both in ISO week 2025-W01; 2024-12-29 (Sun) in
    // 2024-W52.
    List<Snapshot> list = List.of(snap("2025-01-01T00:00:00"), snap("2024-12-30T00:00:00"),
        snap("2024-12-29T00:00:00"));
    ForgetGroup g = one(list, policy(0, 0, 0, 5, 0, 0));
    assertThat(keptTimes(g)).containsExactly("2025-01-01T00:00:00Z", "2024-12-29T00:00:00Z");
  }

  @Test
  void monthlyAndYearlyCountBucketsNotSnapshots() {
    List<Snapshot> list = List.of(snap("2024-03-20T00:00:00"), snap("2024-03-01T00:00:00"),
        snap("2024-02-10T00:00:00"), snap("2023-12-31T00:00:00"), snap("2022-06-01T00:00:00"));
    ForgetGroup monthly = one(list, policy(0, 0, 0, 0, 3, 0));
    assertThat(keptTimes(monthly)).containsExactly("2024-03-20T00:00:00Z",
        "2024-02-10T00:00:00Z", "2023-12-31T00:00:00Z");
    ForgetGroup yearly = one(list, policy(0, 0, 0, 0, 0, 2));
    assertThat(keptTimes(yearly)).containsExactly("2024-03-20T00:00:00Z", "2023-12-31T00:00:00Z");
  }

  @Test
  void reasonsCombineInResticsOrder() {
    List<Snapshot> list = List.of(snap("2024-03-20T00:00:00", "h", List.of("x")),
        snap("2024-03-19T00:00:00"));
    RetentionPolicy p = new RetentionPolicy(1, 0, 2, 0, 0, 1, KeepWithin.parse("2d"),
        List.of("x"));
    ForgetGroup g = one(list, p);
    assertThat(reasons(g).get("2024-03-20T00:00:00Z")).containsExactly("has tags [x]",
        "within 2d", "last snapshot", "daily snapshot", "yearly snapshot");
    assertThat(reasons(g).get("2024-03-19T00:00:00Z")).containsExactly("within 2d",
        "daily snapshot");
  }

  @Test
  void withinCountsBackFromTheNewestSnapshotNotFromNow() {
    List<Snapshot> list = List.of(snap("2020-05-10T12:00:00"), snap("2020-05-09T12:00:01"),
        snap("2020-05-09T12:00:00"));
    RetentionPolicy p = new RetentionPolicy(0, 0, 0, 0, 0, 0, KeepWithin.parse("1d"), List.of());
    ForgetGroup g = one(list, p);
    // Strictly newer than the limit: the snapshot exactly one day older goes.
    assertThat(keptTimes(g)).containsExactly("2020-05-10T12:00:00Z", "2020-05-09T12:00:01Z");
  }

  @Test
  void withinIgnoresSnapshotsInTheFutureWhenFindingTheNewest() {
    List<Snapshot> list = List.of(snap("2031-01-01T00:00:00"), snap("2020-05-10T12:00:00"),
        snap("2020-05-08T12:00:00"));
    RetentionPolicy p = new RetentionPolicy(0, 0, 0, 0, 0, 0, KeepWithin.parse("1d"), List.of());
    ForgetGroup g = one(list, p);
    assertThat(keptTimes(g)).containsExactly("2031-01-01T00:00:00Z", "2020-05-10T12:00:00Z");
  }

  @Test
  void withinSubtractsMonthsAsGoDoes() {
    // One month before March 31 is "February 31" = March 2 in a leap year; java.time would say
    // February 29 and keep the March 1 snapshot.
    List<Snapshot> list = List.of(snap("2024-03-31T10:00:00"), snap("2024-03-01T10:00:00"));
    RetentionPolicy p = new RetentionPolicy(0, 0, 0, 0, 0, 0, KeepWithin.parse("1m"), List.of());
    assertThat(keptTimes(one(list, p))).containsExactly("2024-03-31T10:00:00Z");
    assertThat(KeepWithin.parse("1m").before(OffsetDateTime.parse("2024-03-31T10:00:00Z")))
        .isEqualTo(OffsetDateTime.parse("2024-03-02T10:00:00Z"));
    assertThat(KeepWithin.parse("1y2m3d4h").before(OffsetDateTime.parse("2024-01-01T02:00:00Z")))
        .isEqualTo(OffsetDateTime.parse("2022-10-28T22:00:00Z"));
  }

  @Test
  void keepWithinParsesLikeRestic() {
    assertThat(KeepWithin.parse("1d2d")).hasToString("2d");
    assertThat(KeepWithin.parse("2d24h")).hasToString("2d24h");
    assertThatThrownBy(() -> KeepWithin.parse("5")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeepWithin.parse("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keepTagNeedsEveryTagOfOneList() {
    List<Snapshot> list = List.of(snap("2024-01-03T00:00:00", "h", List.of("a", "b")),
        snap("2024-01-02T00:00:00", "h", List.of("a")),
        snap("2024-01-01T00:00:00", "h", List.of()));
    RetentionPolicy both = new RetentionPolicy(0, 0, 0, 0, 0, 0, KeepWithin.NONE,
        List.of("b, a"));
    ForgetGroup g = one(list, both);
    assertThat(keptTimes(g)).containsExactly("2024-01-03T00:00:00Z");
    assertThat(g.keep().get(0).reasons()).containsExactly("has tags [b, a]");
    RetentionPolicy untagged = new RetentionPolicy(0, 0, 0, 0, 0, 0, KeepWithin.NONE,
        List.of(""));
    assertThat(keptTimes(one(list, untagged))).containsExactly("2024-01-01T00:00:00Z");
  }

  @Test
  void bucketsUseTheOffsetTheSnapshotWasWrittenWith() {
    // Two different local days in +09:00, one UTC day: restic keeps both, so do we.
    List<Snapshot> list = List.of(snap("2022-06-01T01:00:00+09:00"),
        snap("2022-05-31T23:00:00+09:00"));
    assertThat(one(list, policy(0, 0, 5, 0, 0, 0)).keep()).hasSize(2);
    List<Snapshot> utc = List.of(snap("2022-05-31T16:00:00"), snap("2022-05-31T14:00:00"));
    assertThat(one(utc, policy(0, 0, 5, 0, 0, 0)).keep()).hasSize(1);
  }

  @Test
  void tiesInTimeAreOrderedByIdSoTheOutcomeIsStable() {
    Snapshot a = snap("2024-01-01T00:00:00", "h", List.of("a"));
    Snapshot b = snap("2024-01-01T00:00:00", "h", List.of("b"));
    RetentionPolicy p = new RetentionPolicy(0, 0, 1, 0, 0, 0, KeepWithin.NONE, List.of());
    ForgetPlan ab = Retention.plan(List.of(a, b), p, GroupBy.parse(""), NOW);
    ForgetPlan ba = Retention.plan(List.of(b, a), p, GroupBy.parse(""), NOW);
    assertThat(ab).isEqualTo(ba);
    Snapshot first = a.id().toString().compareTo(b.id().toString()) < 0 ? a : b;
    assertThat(ab.kept()).extracting(KeptSnapshot::snapshot).containsExactly(first);
  }

  @Test
  void groupsByHostPathsAndTagsOrNotAtAll() {
    Snapshot h1 = snap("2024-01-03T00:00:00", "h1", List.of("y", "z"));
    Snapshot h1b = snap("2024-01-02T00:00:00", "h1", List.of("z", "y"));
    Snapshot h2 = snap("2024-01-01T00:00:00", "h2", List.of("y"));
    RetentionPolicy last1 = policy(1, 0, 0, 0, 0, 0);
    List<Snapshot> all = List.of(h1, h1b, h2);
    assertThat(Retention.plan(all, last1, GroupBy.HOST_AND_PATHS, NOW).groups())
        .extracting(ForgetGroup::key).containsExactly(
            new GroupKey("h1", List.of("/data"), List.of()),
            new GroupKey("h2", List.of("/data"), List.of()));
    ForgetPlan byTags = Retention.plan(all, last1, GroupBy.parse("tags"), NOW);
    assertThat(byTags.groups()).extracting(ForgetGroup::key).containsExactly(
        new GroupKey("", List.of(), List.of("y")), new GroupKey("", List.of(), List.of("y", "z")));
    assertThat(byTags.removed()).containsExactly(h1b);
    ForgetPlan oneGroup = Retention.plan(all, last1, GroupBy.parse(""), NOW);
    assertThat(oneGroup.groups()).hasSize(1);
    assertThat(oneGroup.removed()).containsExactly(h1b, h2);
    assertThatThrownBy(() -> GroupBy.parse("host,foo"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("foo");
  }

  @Test
  void filterMatchesHostsTagListsAndAllPaths() {
    Snapshot s = new Snapshot(TREE, Instant.EPOCH, null, TREE, List.of("/a", "/b"), "h", "", 0,
        0, List.of(), List.of("x", "y"), null, ZoneOffset.UTC);
    assertThat(new SnapshotFilter(List.of("g", "h"), List.of(), List.of()).matches(s)).isTrue();
    assertThat(new SnapshotFilter(List.of("g"), List.of(), List.of()).matches(s)).isFalse();
    assertThat(new SnapshotFilter(List.of(), List.of("x,z", "y"), List.of()).matches(s)).isTrue();
    assertThat(new SnapshotFilter(List.of(), List.of("x,z"), List.of()).matches(s)).isFalse();
    assertThat(new SnapshotFilter(List.of(), List.of(), List.of("/a", "/b")).matches(s)).isTrue();
    assertThat(new SnapshotFilter(List.of(), List.of(), List.of("/a", "/c")).matches(s)).isFalse();
  }
}
