package dev.bulwark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.core.Id;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Keys;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.repo.TreeWalker;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bulwark info [SNAPSHOT]}. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Show the repository (size, snapshots, keys) or one snapshot: what it is a "
        + "snapshot of (database kind, path, page size, change counter or sequence number, "
        + "schema version) and its files.",
    footer = {"", "Examples:", "  bulwark info --repo /backups/repo",
        "  bulwark info latest --repo /backups/repo --json",
        "  bulwark info latest --repo /backups/repo --host old-node"})
final class InfoCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin RepoOptions repo;
  @Mixin NoLockOption noLock;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "SNAPSHOT", arity = "0..1",
      description = "Snapshot id, unique prefix, or latest.")
  String snapshot;

  @Option(names = "--host", paramLabel = "NAME",
      description = "With latest: the newest snapshot written by host NAME (as restic).")
  String host;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ObjectNode out = JSON.createObjectNode();
    try (Repository r = repo.open(true); Lock lock = noLock.lock(r, false)) {
      if (snapshot == null) {
        repositoryInfo(r, out);
      } else {
        snapshotInfo(r, HostSnapshots.find(r, SnapshotRef.parse(snapshot), host), out);
      }
    }
    PrintWriter pw = spec.commandLine().getOut();
    if (json) {
      pw.println(JSON.writeValueAsString(out));
    } else {
      print(out, "", pw);
    }
    return 0;
  }

  private static void repositoryInfo(Repository r, ObjectNode out) throws Exception {
    out.put("location", r.location());
    out.put("id", r.config().id());
    out.put("version", r.config().version());
    List<Snapshot> snapshots = r.snapshots();
    out.put("snapshots", snapshots.size());
    Map<Id, Long> packSizes = r.packSizes();
    long stored = packSizes.values().stream().mapToLong(Long::longValue).sum();
    out.put("packs", packSizes.size());
    out.put("blobs", r.index().blobCount());
    // Three sizes tell the story: what the snapshots would restore to, what that is after
    // deduplication, and what it takes on disk after compression and encryption.
    Map<Id, Long> treeSizes = new HashMap<>();
    long restoreBytes = 0;
    for (Snapshot s : snapshots) {
      restoreBytes += treeSize(r, s.tree(), treeSizes);
    }
    long uniqueBytes = r.index().plaintextBytes();
    out.put("restore_bytes", restoreBytes);
    out.put("unique_bytes", uniqueBytes);
    out.put("stored_bytes", stored);
    out.put("dedup_ratio", ratio(restoreBytes, uniqueBytes));
    out.put("compression_ratio", ratio(uniqueBytes, stored));
    ArrayNode keys = out.putArray("keys");
    for (Keys.KeyEntry k : r.keys().list()) {
      keys.addObject().put("id", k.id().shortForm()).put("current", k.current())
          .put("username", k.username()).put("hostname", k.hostname())
          .put("created", k.created().toString());
    }
  }

  private static double ratio(long a, long b) {
    return b == 0 ? 0 : Math.round(a * 100.0 / b) / 100.0;
  }

  /** Bytes a tree restores to; shared subtrees are counted once per use but read once. */
  private static long treeSize(Repository r, Id tree, Map<Id, Long> memo) throws Exception {
    Long known = memo.get(tree);
    if (known != null) {
      return known;
    }
    long total = 0;
    for (Node n : r.loadTree(tree).nodes()) {
      total += n.type() == NodeType.DIR ? treeSize(r, n.subtree(), memo)
          : n.type() == NodeType.FILE ? n.size() : 0;
    }
    memo.put(tree, total);
    return total;
  }

  private static void snapshotInfo(Repository r, Snapshot s, ObjectNode out) throws Exception {
    out.put("id", s.id().toString());
    out.put("time", s.time().toString());
    out.put("hostname", s.hostname());
    out.put("username", s.username());
    ArrayNode paths = out.putArray("paths");
    s.paths().forEach(paths::add);
    ArrayNode tags = out.putArray("tags");
    s.tags().stream().filter(t -> !t.startsWith(DatabaseTags.PREFIX)).forEach(tags::add);
    DatabaseTags.fromTags(s.tags()).ifPresent(db ->
        GroupMembers.putDatabase(out.putObject("database"), db));
    GroupMembers.putJson(out, s);
    ArrayNode files = out.putArray("files");
    long total = walk(r, s.tree(), files);
    out.put("total_bytes", total);
  }

  /** Lists every node but folders under {@code tree} into {@code files}; returns their bytes. */
  private static long walk(Repository r, Id tree, ArrayNode files) throws Exception {
    long[] total = {0};
    TreeWalker.of(r, TreeWalker.ErrorPolicy.STOP).walk(tree, (parent, path, n) -> {
      if (n.type() != NodeType.DIR) {
        ObjectNode f = files.addObject();
        f.put("path", path);
        f.put("type", n.type().jsonName());
        f.put("size", n.size());
        total[0] += n.size();
      }
      return true;
    });
    return total[0];
  }

  private static void print(ObjectNode node, String indent, PrintWriter pw) {
    node.fields().forEachRemaining(e -> {
      var v = e.getValue();
      if (v.isObject()) {
        pw.println(indent + e.getKey() + ":");
        print((ObjectNode) v, indent + "  ", pw);
      } else if (v.isArray()) {
        if (e.getKey().equals("keys")) {
          pw.println(indent + "keys:");
          v.forEach(k -> pw.printf("%s  %s%-8s  %s@%s  created %s%n", indent,
              k.path("current").asBoolean() ? "*" : " ", k.path("id").asText(),
              k.path("username").asText(), k.path("hostname").asText(),
              k.path("created").asText()));
        } else if (e.getKey().equals("members")) {
          pw.println(indent + "members:");
          int n = 0;
          for (var m : v) {
            n++;
            pw.printf("%s  %d. kind: %s%n", indent, n, m.path("kind").asText());
            String inner = indent + "     ";
            m.fields().forEachRemaining(f -> {
              if (!f.getKey().equals("kind")) {
                pw.println(inner + f.getKey() + ": " + f.getValue().asText());
              }
            });
          }
        } else if (e.getKey().equals("files")) {
          pw.println(indent + "files:");
          v.forEach(f -> pw.printf("%s  %12s  %s%n", indent,
              f.path("type").asText().equals("file")
                  ? Messages.bytes(f.path("size").asLong()) : f.path("type").asText(),
              f.path("path").asText()));
        } else {
          StringBuilder sb = new StringBuilder();
          v.forEach(x -> sb.append(sb.length() == 0 ? "" : ", ").append(x.asText()));
          pw.println(indent + e.getKey() + ": " + sb);
        }
      } else if (e.getKey().endsWith("_bytes")) {
        pw.println(indent + e.getKey().replace("_bytes", "").replace('_', ' ') + ": "
            + Messages.bytes(v.asLong()));
      } else if (e.getKey().endsWith("_ratio")) {
        pw.println(indent + e.getKey().replace('_', ' ') + ": " + v.asText() + "x");
      } else {
        pw.println(indent + e.getKey() + ": " + v.asText());
      }
    });
  }
}
