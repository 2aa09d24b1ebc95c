package dev.bulwark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.RepositoryNotFoundException;
import dev.bulwark.core.SnapshotNotFoundException;
import dev.bulwark.core.WrongPasswordException;
import dev.bulwark.core.copy.CopyOptions;
import dev.bulwark.core.copy.CopyResult;
import dev.bulwark.core.copy.SnapshotCopier;
import dev.bulwark.core.copy.SnapshotCopy;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.retention.SnapshotFilter;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bulwark copy}: restic's {@code copy}, from {@code --from-repo} into {@code --repo}. */
@Command(name = "copy", mixinStandardHelpOptions = true,
    description = {"Copy snapshots from a source repository (--from-repo) into this one "
        + "(--repo or --to-repo): every blob the target lacks is read, checked, re-encrypted "
        + "under the target's key and stored; then the snapshot is saved, recording the "
        + "source snapshot as its original. Snapshots copied before are skipped, and a copy "
        + "that was killed resumes where its last checkpoint left it. --no-lock applies to the "
        + "source only (read-only media or credentials); the target is always locked."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:ok", "1:error (a snapshot or blob missing or damaged)", "2:usage",
        "10:no repository (the message says which)", "11:repository locked",
        "12:wrong password (the message says for which repository)",
        "75:yielded at a checkpoint (run again to resume)", "130:interrupted"},
    footer = {"", "Examples:",
        "  bulwark copy --from-repo /backups/repo --from-password-file /etc/bulwark/pw \\",
        "      --to-repo s3:https://s3.example.com/offsite --password-file /etc/bulwark/pw2",
        "  bulwark copy --from-repo /backups/repo --repo /mnt/usb/repo latest"})
final class CopyCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Mixin FromRepoOptions from;
  @Mixin LimitOptions limits;
  @Mixin CheckpointOptions checkpoints;
  @Mixin NoLockOption noLock;
  @Mixin SnapshotFilterOptions filters;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--to-repo", paramLabel = "PATH", description = "Target repository: the same "
      + "as --repo (default: $BULWARK_REPOSITORY).")
  String toRepo;

  @Parameters(paramLabel = "SNAPSHOT", arity = "0..*", description = "Snapshots to copy: ids, "
      + "unique id prefixes or latest (default: every snapshot that passes the filters).")
  List<String> snapshots = new ArrayList<>();

  @Option(names = "--pack-size", paramLabel = "SIZE", defaultValue = "16M",
      description = "Target pack file size (default: ${DEFAULT-VALUE}).")
  String packSize;

  @Option(names = "--compression", paramLabel = "LEVEL", defaultValue = "1",
      description = "zstd level 1-19, or 0 for none (default: ${DEFAULT-VALUE}).")
  int compression;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (toRepo != null) {
      if (repo.repo != null && !repo.repo.equals(toRepo)) {
        throw new UsageException("--repo and --to-repo name the same target: give one");
      }
      repo.repo = toRepo;
    }
    CopyOptions opts;
    try {
      opts = CopyOptions.defaults().withPackBytes(Messages.parseSize(packSize))
          .withZstdLevel(compression).withCheckpoints(checkpoints.policy());
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    SnapshotFilter filter = filters.filter();
    PrintWriter out = spec.commandLine().getOut();
    Progress progress = new Progress();
    // Without their indexes: the copier reads them under the locks, and only when a snapshot is
    // to be copied (a run that finds everything copied reads none).
    try (Repository source = from.open(false, limits.rateLimits(repo.env()));
        Repository target = openTarget();
        Lock sourceLock = noLock.lock(source, false); Lock targetLock = target.lock(false)) {
      List<Snapshot> chosen = select(source, filter);
      SnapshotCopier copier = new SnapshotCopier(source, target, opts, progress);
      if (!copier.sharesChunkerParameters()) {
        spec.commandLine().getErr().println("bulwark: warning: the repositories have different "
            + "chunker parameters: files chunked by content (restic's backups) will not "
            + "deduplicate with the target's own; create a target with `bulwark init "
            + "--copy-chunker-params --from-repo SOURCE` to share them");
        spec.commandLine().getErr().flush();
      }
      CopyResult result;
      try (ProgressPrinter pp = new ProgressPrinter(progress, "copy", !json)) {
        result = copier.copy(sourceLock, targetLock, chosen, c -> {
          if (!json) {
            out.println(line(c));
            out.flush();
          }
        });
      }
      targetLock.releaseAfterSuccess();
      if (sourceLock != null) {
        sourceLock.releaseAfterSuccess();
      }
      print(result, out);
    }
    return 0;
  }

  /** The target, its failures to open naming it as the target. */
  private Repository openTarget() throws IOException, BulwarkException, UsageException {
    try {
      return repo.open(false, limits);
    } catch (RepositoryNotFoundException e) {
      throw new RepositoryNotFoundException("target repository: " + e.getMessage());
    } catch (WrongPasswordException e) {
      throw new WrongPasswordException("target repository: " + e.getMessage());
    }
  }

  /**
   * The snapshots named (in the order named, each once), {@code latest} being the newest that
   * passes the filter; with none named, every one that passes, oldest first.
   */
  private List<Snapshot> select(Repository source, SnapshotFilter filter)
      throws IOException, BulwarkException {
    if (snapshots.isEmpty()) {
      return filter.apply(source.snapshots());
    }
    Set<Snapshot> chosen = new LinkedHashSet<>();
    for (String ref : snapshots) {
      try {
        if ("latest".equals(ref)) {
          List<Snapshot> passing = filter.apply(source.snapshots());
          if (passing.isEmpty()) {
            throw new SnapshotNotFoundException("no snapshot passes the filters");
          }
          chosen.add(passing.get(passing.size() - 1));
        } else {
          chosen.add(source.findSnapshot(ref));
        }
      } catch (SnapshotNotFoundException e) {
        throw new SnapshotNotFoundException("source repository: " + e.getMessage());
      }
    }
    return List.copyOf(chosen);
  }

  private static String line(SnapshotCopy c) {
    String from = c.source().id().shortForm();
    String to = c.target().id().shortForm();
    if (c.outcome() == SnapshotCopy.Outcome.ALREADY_PRESENT) {
      return "snapshot " + from + " skipped: already copied as " + to;
    }
    return "snapshot " + from + " copied as " + to + ": " + c.newBlobs() + " new blobs, "
        + Messages.bytes(c.bytesAdded()) + " added";
  }

  private void print(CopyResult r, PrintWriter out) throws IOException {
    if (json) {
      ObjectMapper m = new ObjectMapper();
      ObjectNode n = m.createObjectNode();
      ArrayNode arr = n.putArray("snapshots");
      for (SnapshotCopy c : r.snapshots()) {
        arr.addObject().put("source", c.source().id().toString())
            .put("target", c.target().id().toString())
            .put("outcome", c.outcome() == SnapshotCopy.Outcome.COPIED ? "copied"
                : "already_present")
            .put("new_blobs", c.newBlobs()).put("bytes_added", c.bytesAdded());
      }
      n.put("copied", r.copied());
      n.put("already_present", r.alreadyPresent());
      n.put("new_blobs", r.newBlobs());
      n.put("bytes_added", r.bytesAdded());
      n.put("seconds", r.seconds());
      out.println(m.writeValueAsString(n));
    } else {
      out.printf("%d snapshot%s copied, %d already present: %d new blobs, %s added in %.1f s%n",
          r.copied(), r.copied() == 1 ? "" : "s", r.alreadyPresent(), r.newBlobs(),
          Messages.bytes(r.bytesAdded()), r.seconds());
    }
    out.flush();
  }
}
