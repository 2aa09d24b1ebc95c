package dev.bulwark.core.check;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.concurrent.HeapBudget;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.pack.PackReader;
import dev.bulwark.core.pack.PackedBlob;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.IndexFiles;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.repo.TreeWalker;
import dev.bulwark.core.stream.StreamTags;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Checks a repository the way {@code restic check} does: index files, pack sizes, snapshots
 * and every tree reachable from them, then the stream segments beside them ({@link
 * StreamChecker}); optionally reads every pack and verifies each blob.
 * Reports all problems it finds rather than stopping at the first.
 */
public final class Checker {
  private final Repository repo;
  private final int threads;
  private final Progress progress;
  private final CheckpointPolicy checkpoints;
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  private final List<String> hints = new ArrayList<>();

  /** A checker with {@link CheckpointPolicy#defaults()}. */
  public Checker(Repository repo, int threads, Progress progress) {
    this(repo, threads, progress, CheckpointPolicy.defaults());
  }

  /**
   * A checker whose {@code --read-data} records the packs verified every {@code
   * checkpoints.every()} packs (so that a check run again resumes after them), asking {@code
   * checkpoints.yieldSignal()} after each record whether to stop there.
   */
  public Checker(Repository repo, int threads, Progress progress, CheckpointPolicy checkpoints) {
    this.repo = repo;
    this.threads = threads;
    this.progress = progress;
    this.checkpoints = java.util.Objects.requireNonNull(checkpoints, "checkpoints");
  }

  /** Runs the check; {@code readData} also decrypts and hashes every stored blob. */
  public CheckResult check(boolean readData) throws IOException {
    Map<Id, List<PackedBlob>> packs = loadIndexes();
    Map<Id, Long> onDisk = repo.packSizes();
    for (var e : packs.entrySet()) {
      Long size = onDisk.get(e.getKey());
      long expected = PackReader.expectedSize(e.getValue());
      if (size == null) {
        errors.add("pack " + e.getKey() + " is listed in the index but missing");
      } else if (size != expected) {
        errors.add("pack " + e.getKey() + ": size " + size + " but the index implies "
            + expected);
      }
    }
    for (Id p : onDisk.keySet()) {
      if (!packs.containsKey(p)) {
        hints.add("pack " + p + " is not referenced in any index (left by an interrupted "
            + "backup; harmless, prune removes it)");
      }
    }
    StreamChecker streamChecker = StreamChecker.listNow(repo, errors, hints);
    long snapshots = 0;
    Set<Id> trees = new HashSet<>();
    Map<Id, StreamTags> streamTags = new HashMap<>();
    for (Id sid : repo.list(FileType.SNAPSHOT)) {
      snapshots++;
      Snapshot s;
      try {
        s = repo.loadSnapshot(sid);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        // As for a tree, and as restic's check does: one unreadable snapshot is reported and
        // the others are still checked.
        errors.add("snapshots/" + sid + ": cannot read: " + e.getMessage());
        continue;
      } catch (BulwarkException e) {
        errors.add(e.getMessage());
        continue;
      }
      DatabaseTags.fromTags(s.tags()).flatMap(StreamTags::of)
          .ifPresent(t -> streamTags.put(sid, t));
      try {
        checkTrees(s, trees);
      } catch (BulwarkException e) {
        errors.add(e.getMessage());
      }
    }
    CheckResult.Streams streams = streamChecker.check(streamTags, readData);
    long read = 0;
    if (readData) {
      read = readPacks(packs, onDisk);
    }
    return new CheckResult(errors, hints, snapshots, trees.size(), packs.size(), read, streams);
  }

  private Map<Id, List<PackedBlob>> loadIndexes() throws IOException {
    IndexFiles files = repo.indexFiles();
    files.unreadable().forEach((iid, e) -> errors.add("index " + iid + ": " + e.getMessage()));
    for (Id p : files.conflicting()) {
      errors.add("pack " + p + " is described differently by two index files");
    }
    return files.packs();
  }

  /** Walks a snapshot's trees not seen before, reporting every problem and going on. */
  private void checkTrees(Snapshot s, Set<Id> seen) throws IOException, BulwarkException {
    TreeWalker walker = TreeWalker.of(repo, (tid, path, e) -> errors.add(tid == null
        ? e.getMessage()
        : "snapshot " + s.id().shortForm() + ": tree " + tid.shortForm() + ": "
            + e.getMessage()));
    walker.walk(s.tree(), new TreeWalker.Visitor() {
      @Override
      public boolean enterTree(Id tree, String path) {
        return seen.add(tree);
      }

      @Override
      public boolean visit(Id parent, String path, Node n) {
        if (n.type() == NodeType.FILE) {
          for (Id b : n.content()) {
            if (!repo.index().has(BlobType.DATA, b)) {
              errors.add("tree " + parent.shortForm() + ": file " + n.name() + ": data blob "
                  + b.shortForm() + " is not in the index");
            }
          }
        }
        return true;
      }
    });
  }

  private long readPacks(Map<Id, List<PackedBlob>> packs, Map<Id, Long> onDisk)
      throws IOException {
    long total = 0;
    for (Id p : packs.keySet()) {
      total += onDisk.getOrDefault(p, 0L);
    }
    progress.setTotalBytes(total);
    List<Future<?>> futures = new ArrayList<>();
    HeapBudget budget = HeapBudget.ofMaxHeap(3);
    try (Workers workers = new Workers("check", "read", threads)) {
      for (var e : packs.entrySet()) {
        Long size = onDisk.get(e.getKey());
        if (size != null) {
          futures.add(workers.executor().submit(() -> {
            // Each reader holds a whole pack: on a small heap with many cores, the packs
            // read at once would not fit.
            try (HeapBudget.Grant g = budget.take(size)) {
              readPack(e.getKey(), e.getValue());
            }
            return null;
          }));
        }
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("check interrupted");
        } catch (ExecutionException ex) {
          errors.add("reading packs: " + ex.getCause());
        }
      }
    }
    return futures.size();
  }

  private void readPack(Id id, List<PackedBlob> indexed) {
    String what = "pack " + id;
    try {
      byte[] data = repo.loadPack(id);
      progress.addBytes(data.length);
      if (!Id.hash(data).equals(id)) {
        errors.add(what + ": content does not match its id (damaged)");
      }
      List<PackedBlob> header;
      try {
        header = repo.readPackHeader(data, what);
      } catch (BulwarkException e) {
        errors.add(e.getMessage());
        header = null;
      }
      if (header != null && !new HashSet<>(header).equals(new HashSet<>(indexed))) {
        errors.add(what + ": header does not match the index");
      }
      for (PackedBlob b : indexed) {
        if (b.offset() + b.length() > data.length) {
          errors.add(what + ": blob " + b.id().shortForm() + " lies beyond the end");
          continue;
        }
        try {
          byte[] plain = repo.openBlob(data, (int) b.offset(), b, what);
          if (plain.length != b.plaintextLength()) {
            errors.add(what + ": blob " + b.id().shortForm() + " has the wrong length");
          }
        } catch (BulwarkException e) {
          errors.add(e.getMessage());
        }
      }
    } catch (IOException e) {
      errors.add(what + ": cannot read: " + e.getMessage());
    }
    progress.addItem();
  }
}
