package dev.bulwark.core.check;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.concurrent.HeapBudget;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.job.CheckpointCounter;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.job.JobYieldedException;
import dev.bulwark.core.index.BlobLocation;
import dev.bulwark.core.pack.PackReader;
import dev.bulwark.core.pack.PackedBlob;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

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
  /** Where the read-data progress record is kept; null for none. */
  private final @Nullable Path stateFolder;
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  private final List<String> hints = new ArrayList<>();

  /** A checker that keeps no progress record: every check reads everything it checks. */
  public Checker(Repository repo, int threads, Progress progress) {
    this(repo, threads, progress, CheckpointPolicy.defaults(), null);
  }

  /**
   * A checker whose {@code --read-data} records the packs verified every {@code
   * checkpoints.every()} packs read (so that a check run again resumes after them), asking
   * {@code checkpoints.yieldSignal()} after each record whether to stop there. The record is
   * kept in the state folder of this process's environment: {@code $BULWARK_STATE_DIR}, else
   * {@code $XDG_STATE_HOME/bulwark}, else {@code ~/.local/state/bulwark}.
   */
  public Checker(Repository repo, int threads, Progress progress, CheckpointPolicy checkpoints) {
    this(repo, threads, progress, checkpoints, ReadProgress.stateFolder(System.getenv()));
  }

  /**
   * As {@link #Checker(Repository, int, Progress, CheckpointPolicy)}, keeping the progress
   * record in {@code stateFolder} (created 0700 if missing).
   */
  public Checker(Repository repo, int threads, Progress progress, CheckpointPolicy checkpoints,
      Path stateFolder) {
    this.repo = repo;
    this.threads = threads;
    this.progress = progress;
    this.checkpoints = java.util.Objects.requireNonNull(checkpoints, "checkpoints");
    this.stateFolder = stateFolder;
  }

  /** The state folder {@code env} names for progress records (see the constructors). */
  public static Path stateFolder(Map<String, String> env) {
    return ReadProgress.stateFolder(env);
  }

  /**
   * Runs the check; {@code readData} also decrypts and hashes every stored blob, skipping the
   * packs that an earlier run's progress record shows verified in this repository state.
   *
   * @throws JobYieldedException if the checkpoint policy's signal asked at a checkpoint of
   *     {@code readData}; the packs read so far are recorded, and the next check resumes
   */
  public CheckResult check(boolean readData) throws IOException, JobYieldedException {
    IndexFiles indexFiles = loadIndexes();
    Map<Id, List<PackedBlob>> packs = indexFiles.packs();
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
      read = readPacks(indexFiles, onDisk);
    }
    return new CheckResult(errors, hints, snapshots, trees.size(), packs.size(), read, streams);
  }

  private IndexFiles loadIndexes() throws IOException {
    IndexFiles files = repo.indexFiles();
    files.unreadable().forEach((iid, e) -> errors.add("index " + iid + ": " + e.getMessage()));
    for (Id p : files.conflicting()) {
      errors.add("pack " + p + " is described differently by two index files");
    }
    return files;
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

  /**
   * Reads and verifies every stored pack the index names, in ascending id order, but those
   * an earlier run's record shows verified against index files still here. Every {@code
   * every} packs read in order, records how far it got, then asks whether to yield.
   *
   * @return the packs verified: read now, or earlier in this repository state
   */
  private long readPacks(IndexFiles files, Map<Id, Long> onDisk)
      throws IOException, JobYieldedException {
    @Nullable Path record = stateFolder == null ? null
        : ReadProgress.file(stateFolder, repo.config().id());
    ReadProgress before = record == null ? null : ReadProgress.load(record);
    if (before != null && !before.repository().equals(repo.config().id())) {
      before = null;
    }
    Set<Id> indexFilesNow = new TreeSet<>(files.ids());
    indexFilesNow.removeAll(files.unreadable().keySet());
    Map<Id, List<String>> found = new HashMap<>();
    List<Id> toRead = new ArrayList<>();
    long total = 0;
    long skipped = 0;
    for (Id p : new TreeSet<>(files.packs().keySet())) {
      Long size = onDisk.get(p);
      if (size == null) {
        continue;
      }
      if (before != null && p.compareTo(before.cursor()) <= 0
          && before.indexFiles().contains(files.describedBy().get(p))) {
        skipped++;
        List<String> old = before.errors().getOrDefault(p, List.of());
        errors.addAll(old);
        if (!old.isEmpty()) {
          found.put(p, old);
        }
      } else {
        toRead.add(p);
        total += size;
      }
    }
    if (skipped > 0) {
      hints.add("resumed: " + skipped + " packs verified by an earlier check --read-data in "
          + "this repository state were not read again");
    }
    progress.setTotalBytes(total);
    CheckpointCounter counter = new CheckpointCounter(checkpoints, "check --read-data");
    Deque<Future<List<String>>> pending = new ArrayDeque<>();
    HeapBudget budget = HeapBudget.ofMaxHeap(3);
    try (Workers workers = new Workers("check", "read", threads)) {
      try {
        int window = Math.max(2, threads * 2);
        int next = 0;
        for (int done = 0; done < toRead.size(); done++) {
          // A sliding window in id order: the packs done in order are a prefix, which is what a
          // record can name with one cursor.
          while (next < toRead.size() && pending.size() < window) {
            Id p = toRead.get(next++);
            long size = onDisk.get(p);
            List<PackedBlob> indexed = files.packs().get(p);
            pending.add(workers.executor().submit(() -> {
              // Each reader holds a whole pack: on a small heap with many cores, the packs
              // read at once would not fit.
              if (size > largePackBytes) {
                try (HeapBudget.Grant g = budget.take(PIECE_BYTES)) {
                  return readLargePack(p, size, indexed);
                }
              }
              try (HeapBudget.Grant g = budget.take(size)) {
                return readPack(p, indexed);
              }
            }));
          }
          Id p = toRead.get(done);
          List<String> problems = await(pending.poll(), p);
          errors.addAll(problems);
          if (!problems.isEmpty()) {
            found.put(p, problems);
          }
          if (counter.add(1)) {
            if (record != null) {
              try {
                new ReadProgress(repo.config().id(), indexFilesNow, p, found).save(record);
              } catch (IOException e) {
                // A state folder that cannot be written (a read-only home) must not fail the
                // check; it only cannot resume.
                hints.add("cannot record the progress of check --read-data in " + record + " ("
                    + e + "); a check run again reads every pack");
                record = null;
              }
            }
            counter.checkpointed();
          }
        }
      } finally {
        pending.forEach(f -> f.cancel(true));
      }
    }
    if (record != null) {
      try {
        Files.deleteIfExists(record);
      } catch (IOException e) {
        hints.add("cannot remove the finished progress record " + record + " (" + e + ")");
      }
    }
    return CheckpointCounter.saturatingAdd(toRead.size(), skipped);
  }

  private static List<String> await(Future<List<String>> f, Id pack) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("check interrupted");
    } catch (ExecutionException ex) {
      return List.of("reading pack " + pack + ": " + ex.getCause());
    }
  }

  /**
   * Packs larger than this are read in pieces rather than held whole: a pack holding a large
   * tree (23 MiB for a 10 GiB file at 16 KiB chunks) found no contiguous room in a 128 MiB heap.
   */
  private long largePackBytes = Math.max(20L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 8);

  /** This checker, reading packs above {@code bytes} in pieces (tests use small ones). */
  Checker withLargePackBytes(long bytes) {
    largePackBytes = bytes;
    return this;
  }

  /** Bytes of a large pack hashed at a time. */
  private static final int PIECE_BYTES = 4 * 1024 * 1024;

  /**
   * Reads a pack too large to hold in pieces and returns the problems found in it: the same
   * checks as {@link #readPack(Id, List)}, with each blob read on its own (a large one
   * authenticated and hashed as a stream).
   */
  private List<String> readLargePack(Id id, long size, List<PackedBlob> indexed) {
    List<String> problems = new ArrayList<>();
    String what = "pack " + id;
    try {
      MessageDigest sha = Id.sha256();
      for (long off = 0; off < size; off += PIECE_BYTES) {
        int n = (int) Math.min(PIECE_BYTES, size - off);
        sha.update(repo.loadPackRange(id, off, n));
        progress.addBytes(n);
      }
      if (!Id.of(sha.digest()).equals(id)) {
        problems.add(what + ": content does not match its id (damaged)");
      }
      List<PackedBlob> header;
      try {
        header = repo.readPackHeader(id, size, what);
      } catch (BulwarkException e) {
        problems.add(e.getMessage());
        header = null;
      }
      if (header != null && !new HashSet<>(header).equals(new HashSet<>(indexed))) {
        problems.add(what + ": header does not match the index");
      }
      verifyBlobs(indexed, size, what, b -> repo.verifyBlob(new BlobLocation(id, b), what),
          problems);
    } catch (IOException e) {
      problems.add(what + ": cannot read: " + e.getMessage());
    }
    progress.addItem();
    return problems;
  }

  /** Reads one pack and returns the problems found in it. */
  private List<String> readPack(Id id, List<PackedBlob> indexed) {
    List<String> problems = new ArrayList<>();
    String what = "pack " + id;
    try {
      byte[] data = repo.loadPack(id);
      progress.addBytes(data.length);
      if (!Id.hash(data).equals(id)) {
        problems.add(what + ": content does not match its id (damaged)");
      }
      List<PackedBlob> header;
      try {
        header = repo.readPackHeader(data, what);
      } catch (BulwarkException e) {
        problems.add(e.getMessage());
        header = null;
      }
      if (header != null && !new HashSet<>(header).equals(new HashSet<>(indexed))) {
        problems.add(what + ": header does not match the index");
      }
      verifyBlobs(indexed, data.length, what,
          b -> repo.verifyBlob(data, (int) b.offset(), b, what), problems);
    } catch (IOException e) {
      problems.add(what + ": cannot read: " + e.getMessage());
    }
    progress.addItem();
    return problems;
  }

  /** How one blob of a pack is verified: its plaintext length, or why it fails. */
  @FunctionalInterface
  private interface BlobVerifier {
    long verify(PackedBlob b) throws IOException, BulwarkException;
  }

  /** Verifies each indexed blob of a pack of {@code size} bytes, adding what is wrong. */
  private static void verifyBlobs(List<PackedBlob> indexed, long size, String what,
      BlobVerifier verifier, List<String> problems) throws IOException {
    for (PackedBlob b : indexed) {
      if (b.offset() + b.length() > size) {
        problems.add(what + ": blob " + b.id().shortForm() + " lies beyond the end");
        continue;
      }
      try {
        if (verifier.verify(b) != b.plaintextLength()) {
          problems.add(what + ": blob " + b.id().shortForm() + " has the wrong length");
        }
      } catch (BulwarkException e) {
        problems.add(e.getMessage());
      }
    }
  }
}
