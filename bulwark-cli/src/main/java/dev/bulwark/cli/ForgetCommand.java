package dev.bulwark.cli;

import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.prune.PruneOptions;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.retention.ForgetGroup;
import dev.bulwark.core.retention.ForgetPlan;
import dev.bulwark.core.retention.Forgetter;
import dev.bulwark.core.retention.GroupBy;
import dev.bulwark.core.retention.GroupKey;
import dev.bulwark.core.retention.KeepWithin;
import dev.bulwark.core.retention.Retention;
import dev.bulwark.core.retention.RetentionPolicy;
import dev.bulwark.core.retention.SnapshotFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bulwark forget}: restic's forget, without pruning. */
@Command(name = "forget", mixinStandardHelpOptions = true,
    description = {"Remove snapshots: the ones named, or those a policy does not keep. Snapshots "
        + "are grouped (--group-by) and the --keep-* rules are applied to each group as restic "
        + "0.14 does; a snapshot is kept when any rule keeps it. Only the snapshot files go: "
        + "the data stays until a prune (--prune runs one right after, under the same lock).",
        "Days, hours and weeks are those of each snapshot's recorded time (UTC for snapshots "
            + "Bulwark wrote, the writer's offset for restic's)."},
    footer = {"", "Examples:",
        "  bulwark forget --repo /backups/repo --keep-daily 7 --keep-weekly 5 --keep-monthly 12 "
            + "--dry-run",
        "  bulwark forget --repo /backups/repo --keep-within 1m --keep-tag keep --json",
        "  bulwark forget --repo /backups/repo --keep-last 30 --prune",
        "  bulwark forget --repo /backups/repo 4f2a9c1e"})
final class ForgetCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Mixin SnapshotFilterOptions filters;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "SNAPSHOT", arity = "0..*",
      description = "Snapshots to remove: id, unique id prefix or latest (instead of a policy).")
  List<String> snapshots = new ArrayList<>();

  @Option(names = {"-l", "--keep-last"}, paramLabel = "N", description = "Keep the last N "
      + "snapshots.")
  int last;

  @Option(names = {"-H", "--keep-hourly"}, paramLabel = "N", description = "Keep the newest "
      + "snapshot of each of the last N hours that have one.")
  int hourly;

  @Option(names = {"-d", "--keep-daily"}, paramLabel = "N", description = "Likewise for days.")
  int daily;

  @Option(names = {"-w", "--keep-weekly"}, paramLabel = "N",
      description = "Likewise for ISO weeks.")
  int weekly;

  @Option(names = {"-m", "--keep-monthly"}, paramLabel = "N",
      description = "Likewise for months.")
  int monthly;

  @Option(names = {"-y", "--keep-yearly"}, paramLabel = "N",
      description = "Likewise for years.")
  int yearly;

  @Option(names = "--keep-within", paramLabel = "SPAN", description = "Keep snapshots newer "
      + "than SPAN (e.g. 1y2m3d4h) before the group's newest snapshot.")
  String within;

  @Option(names = "--keep-tag", paramLabel = "TAGS", description = "Keep snapshots carrying all "
      + "of these comma-separated tags (repeatable: any list keeps).")
  List<String> keepTags = new ArrayList<>();

  @Option(names = {"-g", "--group-by"}, paramLabel = "FIELDS", defaultValue = "host,paths",
      description = "Group by host, paths and/or tags, comma-separated; '' for one group "
          + "(default: ${DEFAULT-VALUE}).")
  String groupBy;

  @Option(names = {"-n", "--dry-run"}, description = "Remove nothing; show what would go and "
      + "why each kept snapshot stays.")
  boolean dryRun;

  @Option(names = "--json", description = "Print JSON shaped as `restic forget --json`.")
  boolean json;

  @Option(names = "--prune", description = "Then remove the data no snapshot needs, as "
      + "`bulwark prune` with its defaults does, under the same exclusive lock.")
  boolean prune;

  @Override
  public Integer call() throws Exception {
    RetentionPolicy policy = policy();
    GroupBy by;
    try {
      by = GroupBy.parse(groupBy);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (policy.isEmpty() && snapshots.isEmpty()) {
      throw new UsageException("no policy and no snapshots given: name snapshots to remove or "
          + "give --keep-last, --keep-hourly, --keep-daily, --keep-weekly, --keep-monthly, "
          + "--keep-yearly, --keep-within or --keep-tag");
    }
    if (!policy.isEmpty() && !snapshots.isEmpty()) {
      throw new UsageException("give snapshots to remove or a --keep-* policy, not both");
    }
    SnapshotFilter filter = filters.filter();
    var out = spec.commandLine().getOut();
    ForgetOutput output = new ForgetOutput(out, dryRun);
    // Planning and removing happen under one lock, exclusive unless nothing is removed.
    try (Repository r = repo.open(false); Lock lock = r.lock(!dryRun)) {
      List<Id> unreadable = new ArrayList<>();
      ForgetPlan plan = snapshots.isEmpty()
          ? Retention.plan(filter.apply(r.snapshots()), policy, by)
          : named(r, unreadable);
      if (json) {
        out.println(ForgetOutput.json(plan));
      } else {
        output.printPlan(plan);
      }
      if (!dryRun) {
        Forgetter.remove(r, lock, plan.removed(), s -> { });
        Forgetter.removeUnreadable(r, lock, unreadable);
      }
      for (Id id : unreadable) {
        if (!json) {
          out.println((dryRun ? "would remove" : "removed") + " unreadable snapshot "
              + id.shortForm());
        }
      }
      if (!json) {
        output.printSummary(plan);
      }
      if (prune && dryRun) {
        if (!json) {
          out.println("a prune would follow; after forgetting, `bulwark prune --dry-run` shows "
              + "what it would remove");
        }
      } else if (prune) {
        PruneCommand.prune(r, lock, PruneOptions.defaults(),
            json ? PruneCommand.Report.JSON : PruneCommand.Report.HUMAN, out);
      }
    }
    return 0;
  }

  private RetentionPolicy policy() throws UsageException {
    try {
      KeepWithin span = within == null ? KeepWithin.NONE : KeepWithin.parse(within);
      return new RetentionPolicy(last, hourly, daily, weekly, monthly, yearly, span, keepTags);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /**
   * The named snapshots as one group to remove, each once; a named snapshot whose file cannot
   * be read goes to {@code unreadable} instead, so that forgetting it by id still works.
   */
  private ForgetPlan named(Repository r, List<Id> unreadable) throws Exception {
    Map<String, Snapshot> found = new LinkedHashMap<>();
    for (String ref : snapshots) {
      Snapshot s;
      try {
        s = r.findSnapshot(ref);
      } catch (CorruptionException e) {
        Id id = r.findSnapshotId(ref);
        if (!unreadable.contains(id)) {
          unreadable.add(id);
        }
        continue;
      }
      found.put(s.id().toString(), s);
    }
    return new ForgetPlan(List.of(new ForgetGroup(new GroupKey("", List.of(), List.of()),
        List.of(), List.copyOf(found.values()))));
  }
}
