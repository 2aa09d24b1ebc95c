package dev.bulwark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.prune.PruneOptions;
import dev.bulwark.core.prune.PruneResult;
import dev.bulwark.core.prune.Pruner;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.retention.StreamRetention;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bulwark prune}. */
@Command(name = "prune", mixinStandardHelpOptions = true,
    description = "Remove data no snapshot needs: delete unused packs, repack partly used ones, "
        + "remove what killed backups left, and remove stream segments no remaining snapshot "
        + "can replay (and, with --stream-retention, those older than it that no restorable "
        + "point needs). Safe to interrupt or kill at any moment; run it again to finish.",
    footer = {"", "Examples:",
        "  bulwark prune --repo /backups/repo --dry-run",
        "  bulwark prune --repo /backups/repo --max-unused 0",
        "  bulwark prune --repo /backups/repo --stream-retention 24h"})
final class PruneCommand implements Callable<Integer> {
  /** How {@link #prune} prints its summary. */
  enum Report {
    HUMAN,
    JSON
  }

  @Mixin RepoOptions repo;
  @Mixin LimitOptions limits;
  @Mixin CheckpointOptions checkpoints;
  @Mixin RetryLockOption retryLock;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = {"-n", "--dry-run"}, description = "Only show what would be removed.")
  boolean dryRun;

  @Option(names = "--max-unused", paramLabel = "PERCENT", defaultValue = "5%",
      description = "Leave at most this share of the repository unused in partly used packs; "
          + "0 repacks every partly used pack (default: ${DEFAULT-VALUE}).")
  String maxUnused;

  @Option(names = "--pack-size", paramLabel = "SIZE", defaultValue = "16M",
      description = "Target size of repacked pack files (default: ${DEFAULT-VALUE}).")
  String packSize;

  @Option(names = "--batch", paramLabel = "PACKS",
      description = "The same as --checkpoint-every, which wins over it: write an index after "
          + "every PACKS repacked packs, so an interrupted prune keeps its work (default: "
          + "$BULWARK_CHECKPOINT_EVERY, then $BULWARK_PRUNE_BATCH, then 16).")
  String batch;

  @Option(names = "--stream-retention", paramLabel = "DURATION",
      description = "Keep every point of a stream restorable for DURATION back from now (e.g. "
          + "24h, 90m, 7d, 1d12h); older points stay restorable where a snapshot holds them "
          + "(default: keep every segment a remaining snapshot can replay).")
  String streamRetention;

  @Option(names = "--json", description = "Print the summary as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PruneOptions opts;
    try {
      opts = PruneOptions.defaults().withMaxUnusedPercent(parsePercent(maxUnused))
          .withPackBytes(Messages.parseSize(packSize)).withCheckpoints(checkpointPolicy())
          .withMode(dryRun ? PruneOptions.Mode.DRY_RUN : PruneOptions.Mode.PRUNE);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (streamRetention != null) {
      try {
        opts = opts.withStreamRetention(StreamRetention.parse(streamRetention));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--stream-retention: " + e.getMessage());
      }
    }
    retryLock.retryFor();
    try (Repository r = repo.open(true, limits); Lock lock = retryLock.lock(r, true, "prune")) {
      prune(r, lock, opts, json ? Report.JSON : Report.HUMAN, spec.commandLine().getOut());
    }
    return 0;
  }

  /**
   * The checkpoint policy of the flags and environment; {@code --batch} and {@code
   * BULWARK_PRUNE_BATCH} came before the common interval, and each still counts below its
   * common counterpart.
   */
  private CheckpointPolicy checkpointPolicy() throws UsageException {
    CheckpointPolicy p = checkpoints.policy();
    if (checkpoints.every != null) {
      return p;
    }
    if (batch != null) {
      return p.withEvery(CheckpointOptions.parse(batch, "--batch"));
    }
    String legacy = repo.env().get("BULWARK_PRUNE_BATCH");
    if (repo.env().get(CheckpointPolicy.ENV) == null && legacy != null) {
      return p.withEvery(CheckpointOptions.parse(legacy, "BULWARK_PRUNE_BATCH"));
    }
    return p;
  }

  /**
   * Prunes {@code repo}, which the caller has open and holds the exclusive {@code lock} on,
   * showing progress on a terminal and printing the summary to {@code out}. For commands that
   * end with a prune (e.g. {@code forget --prune}).
   */
  static PruneResult prune(Repository repo, Lock lock, PruneOptions options, Report report,
      PrintWriter out) throws IOException, BulwarkException {
    Progress progress = new Progress();
    PruneResult res;
    try (ProgressPrinter pp = new ProgressPrinter(progress, "repack", report == Report.HUMAN)) {
      res = new Pruner(repo, lock, options, progress).run();
    }
    if (report == Report.JSON) {
      out.println(json(res));
    } else {
      printHuman(res, out);
    }
    out.flush();
    return res;
  }

  static double parsePercent(String s) throws UsageException {
    String t = s.trim();
    if (t.endsWith("%")) {
      t = t.substring(0, t.length() - 1).trim();
    }
    try {
      double v = Double.parseDouble(t);
      if (!(v >= 0 && v <= 100)) {
        throw new UsageException("--max-unused must be between 0 and 100%: " + s);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new UsageException("--max-unused is a percentage, e.g. 5 or 5%: " + s);
    }
  }

  private static void printHuman(PruneResult r, PrintWriter out) {
    String will = r.dryRun() ? "would " : "";
    out.printf("repository before: %d packs, %s%n", r.packsBefore(),
        Messages.bytes(r.bytesBefore()));
    boolean packsUntouched = r.packsDeleted() == 0 && r.packsRepacked() == 0
        && r.packsUnindexed() == 0 && r.indexFilesReplaced() == 0;
    if (packsUntouched) {
      out.printf("nothing to prune: every pack is in use (%s unused in kept packs)%n",
          Messages.bytes(r.unusedBytesLeft()));
    } else {
      out.printf("%sdelete %d unused packs and %d packs no index names%n", will,
          r.packsDeleted(), r.packsUnindexed());
      out.printf("%srepack %d partly used packs: %d blobs, %s into %d new packs%n", will,
          r.packsRepacked(), r.blobsRepacked(), Messages.bytes(r.bytesRepacked()),
          r.packsWritten());
      out.printf("%sremove %d unused blobs (%d duplicates), %s; %s unused left in %d kept packs%n",
          will, r.unusedBlobs(), r.duplicateBlobs(), Messages.bytes(r.unusedBytesRemoved()),
          Messages.bytes(r.unusedBytesLeft()), r.packsKept());
      out.printf("%sreplace %d index files%n", will, r.indexFilesReplaced());
    }
    if (!r.dryRun() && r.tempFilesRemoved() > 0) {
      out.printf("removed %d temp files left by interrupted writers%n", r.tempFilesRemoved());
    }
    out.printf(Locale.ROOT, "repository after%s: %d packs, %s (%s%s) in %.1f s%n",
        r.dryRun() ? " (estimated)" : "", r.packsAfter(), Messages.bytes(r.bytesAfter()),
        r.bytesAfter() <= r.bytesBefore() ? "-" : "+",
        Messages.bytes(Math.abs(r.bytesBefore() - r.bytesAfter())), r.seconds());
    printStreams(r, out);
    if (r.dryRun()) {
      out.println("dry run: nothing was changed");
    }
  }

  /** The stream part of the summary; nothing for a repository without streams. */
  private static void printStreams(PruneResult r, PrintWriter out) {
    for (String w : r.streamWarnings()) {
      out.println("warning: " + w);
    }
    if (!r.hasStreams()) {
      return;
    }
    String will = r.dryRun() ? "would " : "";
    if (r.streamSegmentsRemoved() == 0) {
      out.printf("streams: nothing to remove, %d segments (%s) kept%n", r.streamSegmentsKept(),
          Messages.bytes(r.streamBytesKept()));
      return;
    }
    out.printf("streams: %sremove %d segments (%s), emptying %d generations; keep %d "
        + "segments (%s)%n", will, r.streamSegmentsRemoved(),
        Messages.bytes(r.streamBytesRemoved()), r.streamGenerationsRemoved(),
        r.streamSegmentsKept(), Messages.bytes(r.streamBytesKept()));
    if (r.dryRun()) {
      for (String path : r.streamRemoved()) {
        out.println("would remove " + path);
      }
    }
  }

  private static String json(PruneResult r) {
    ObjectMapper m = new ObjectMapper();
    ObjectNode n = m.createObjectNode();
    n.put("dry_run", r.dryRun());
    n.put("packs_before", r.packsBefore());
    n.put("bytes_before", r.bytesBefore());
    n.put("packs_kept", r.packsKept());
    n.put("packs_deleted", r.packsDeleted());
    n.put("packs_repacked", r.packsRepacked());
    n.put("packs_unindexed", r.packsUnindexed());
    n.put("packs_written", r.packsWritten());
    n.put("blobs_repacked", r.blobsRepacked());
    n.put("bytes_repacked", r.bytesRepacked());
    n.put("unused_blobs", r.unusedBlobs());
    n.put("duplicate_blobs", r.duplicateBlobs());
    n.put("unused_bytes_removed", r.unusedBytesRemoved());
    n.put("unused_bytes_left", r.unusedBytesLeft());
    n.put("packs_after", r.packsAfter());
    n.put("bytes_after", r.bytesAfter());
    n.put("index_files_replaced", r.indexFilesReplaced());
    n.put("temp_files_removed", r.tempFilesRemoved());
    n.put("seconds", r.seconds());
    if (r.hasStreams() || !r.streamWarnings().isEmpty()) {
      n.put("stream_segments_removed", r.streamSegmentsRemoved());
      n.put("stream_bytes_removed", r.streamBytesRemoved());
      n.put("stream_generations_removed", r.streamGenerationsRemoved());
      n.put("stream_segments_kept", r.streamSegmentsKept());
      n.put("stream_bytes_kept", r.streamBytesKept());
      r.streamRemoved().forEach(n.putArray("stream_removed")::add);
      r.streamWarnings().forEach(n.putArray("stream_warnings")::add);
    }
    try {
      return m.writeValueAsString(n);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
