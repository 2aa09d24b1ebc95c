package dev.bulwark.core.prune;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.index.BlobLocation;
import dev.bulwark.core.index.Index;
import dev.bulwark.core.pack.PackedBlob;
import dev.bulwark.core.repo.IndexFiles;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.repo.TreeWalker;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import dev.bulwark.core.tree.Tree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a prune does: reads the index files and the pack listing afresh (the caller's
 * in-memory index may predate its lock), collects every blob a snapshot needs, and sorts the
 * packs into keep, repack, unused and unindexed.
 */
final class Planner {
  private static final Logger LOG = LoggerFactory.getLogger(Planner.class);

  /** Per pack: how many of its blobs, and how many stored bytes, are needed or not. */
  private static final class Usage {
    final List<PackedBlob> needed = new ArrayList<>();
    long neededBytes;
    long unusedBytes;
    int unusedBlobs;
  }

  private final Repository repo;
  private final PruneOptions options;

  Planner(Repository repo, PruneOptions options) {
    this.repo = repo;
    this.options = options;
  }

  PrunePlan plan() throws IOException, BulwarkException {
    IndexFiles files = repo.indexFiles();
    if (!files.unreadable().isEmpty()) {
      throw files.unreadable().values().iterator().next();
    }
    if (!files.conflicting().isEmpty()) {
      throw new CorruptionException("pack " + files.conflicting().get(0) + " is described "
          + "differently by two index files; run `bulwark check` and repair the index first");
    }
    List<Id> indexIds = files.ids();
    Map<Id, List<PackedBlob>> indexed = files.packs();
    boolean describedTwice = files.describedTwice();
    Map<Id, Long> onDisk = repo.packSizes();

    Index present = new Index();
    boolean missingPacks = false;
    for (var e : indexed.entrySet()) {
      if (onDisk.containsKey(e.getKey())) {
        present.addPack(e.getKey(), e.getValue());
      } else {
        missingPacks = true;
        LOG.warn("pack {} is in the index but missing; its entries are dropped from the index",
            e.getKey().shortForm());
      }
    }
    Set<BlobKey> used = usedBlobs(present);

    // Claim one copy of each needed blob, preferring packs that hold the most needed blobs,
    // so that an extra copy in a mostly unused pack is the one dropped.
    Map<Id, Long> neededCount = new HashMap<>();
    for (var e : indexed.entrySet()) {
      if (onDisk.containsKey(e.getKey())) {
        neededCount.put(e.getKey(), e.getValue().stream()
            .filter(b -> used.contains(new BlobKey(b.type(), b.id()))).count());
      }
    }
    List<Id> order = new ArrayList<>(neededCount.keySet());
    order.sort(Comparator.<Id>comparingDouble(p -> -(double) neededCount.get(p)
        / Math.max(1, indexed.get(p).size())).thenComparing(Id::toString));
    Set<BlobKey> claimed = new HashSet<>();
    Set<BlobKey> seen = new HashSet<>();
    Map<Id, Usage> usage = new LinkedHashMap<>();
    long duplicates = 0;
    for (Id p : order) {
      Usage u = new Usage();
      for (PackedBlob b : indexed.get(p)) {
        BlobKey k = new BlobKey(b.type(), b.id());
        if (!seen.add(k)) {
          duplicates++;
        }
        if (used.contains(k) && claimed.add(k)) {
          u.needed.add(b);
          u.neededBytes += b.length();
        } else {
          u.unusedBlobs++;
          u.unusedBytes += b.length();
        }
      }
      u.needed.sort(Comparator.comparingLong(PackedBlob::offset));
      usage.put(p, u);
    }
    return classify(indexIds, indexed, onDisk, usage, duplicates, missingPacks || describedTwice);
  }

  private PrunePlan classify(List<Id> indexIds, Map<Id, List<PackedBlob>> indexed,
      Map<Id, Long> onDisk, Map<Id, Usage> usage, long duplicates, boolean indexDamaged) {
    Map<Id, List<PackedBlob>> keep = new LinkedHashMap<>();
    Map<Id, List<PackedBlob>> repack = new LinkedHashMap<>();
    Set<Id> unused = new HashSet<>();
    List<Id> partly = new ArrayList<>();
    long neededBytes = 0;
    long unusedBlobs = 0;
    long unusedRemoved = 0;
    long unusedLeft = 0;
    for (var e : usage.entrySet()) {
      Usage u = e.getValue();
      neededBytes += u.neededBytes;
      unusedBlobs += u.unusedBlobs;
      if (u.needed.isEmpty()) {
        unused.add(e.getKey());
        unusedRemoved += u.unusedBytes;
      } else if (u.unusedBlobs == 0) {
        keep.put(e.getKey(), indexed.get(e.getKey()));
      } else {
        partly.add(e.getKey());
        unusedLeft += u.unusedBytes;
      }
    }
    // restic's --max-unused: unused / (needed + unused) <= p, i.e. unused <= needed * p/(100-p).
    double p = options.maxUnusedPercent();
    double allowed = p >= 100 ? Double.POSITIVE_INFINITY : neededBytes * p / (100 - p);
    partly.sort(Comparator.<Id>comparingDouble(id -> -(double) usage.get(id).unusedBytes
        / (usage.get(id).unusedBytes + usage.get(id).neededBytes)).thenComparing(Id::toString));
    for (Id id : partly) {
      Usage u = usage.get(id);
      if (unusedLeft > allowed) {
        repack.put(id, List.copyOf(u.needed));
        unusedLeft -= u.unusedBytes;
        unusedRemoved += u.unusedBytes;
      } else {
        keep.put(id, indexed.get(id));
      }
    }
    Set<Id> unindexed = new HashSet<>(onDisk.keySet());
    unindexed.removeAll(indexed.keySet());
    boolean rewrite = indexDamaged || !unused.isEmpty() || !repack.isEmpty();
    return new PrunePlan(Map.copyOf(onDisk), keep, repack, unused, unindexed,
        List.copyOf(indexIds), rewrite, unusedBlobs, duplicates, unusedRemoved, unusedLeft);
  }

  /**
   * Every tree and data blob some snapshot needs.
   *
   * @throws CorruptionException naming the snapshot and blob if one is missing or damaged
   */
  private Set<BlobKey> usedBlobs(Index present) throws IOException, BulwarkException {
    Set<BlobKey> used = new HashSet<>();
    for (Id sid : repo.list(FileType.SNAPSHOT)) {
      Snapshot s;
      try {
        s = repo.loadSnapshot(sid);
      } catch (CorruptionException e) {
        // As restic: prune cannot know which data an unreadable snapshot needs.
        throw new CorruptionException("snapshot " + sid.shortForm() + " cannot be read ("
            + e.getMessage() + "); prune cannot know which data it needs: remove it with "
            + "`bulwark forget " + sid.shortForm() + "` first", e);
      }
      String snapshot = "snapshot " + sid.shortForm();
      TreeWalker walker = new TreeWalker(tid -> loadTree(present, tid,
          snapshot + ": tree " + tid.shortForm()), TreeWalker.ErrorPolicy.STOP);
      walker.walk(s.tree(), new TreeWalker.Visitor() {
        @Override
        public boolean enterTree(Id tree, String path) {
          return used.add(new BlobKey(BlobType.TREE, tree));
        }

        @Override
        public boolean visit(Id parent, String path, Node n) throws CorruptionException {
          if (n.type() == NodeType.FILE) {
            for (Id b : n.content()) {
              if (!present.has(BlobType.DATA, b)) {
                throw new CorruptionException(snapshot + ": tree " + parent.shortForm()
                    + ": file " + n.name() + ": data blob " + b.shortForm() + " is missing "
                    + "(not indexed, or its pack is gone); prune refuses to run on a damaged "
                    + "repository");
              }
              used.add(new BlobKey(BlobType.DATA, b));
            }
          }
          return true;
        }
      });
    }
    return used;
  }

  private Tree loadTree(Index present, Id tid, String what)
      throws IOException, BulwarkException {
    BlobLocation loc = present.find(BlobType.TREE, tid).orElseThrow(() ->
        new CorruptionException(what + " is missing (not indexed, or its pack is gone); prune "
            + "refuses to run on a damaged repository"));
    return repo.loadTree(loc, what);
  }
}
