package dev.bulwark.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.Slow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flips one random byte of one repository file, of every type in turn (config, keys, locks,
 * snapshots, index, packs, and anything under {@code bulwark/}), in a fresh copy of a small
 * repository, then runs {@code check --read-data} and a restore. A trial survives when damage
 * to stored data is reported by check, the restore gives either the original bytes or a clear
 * error with nothing wrong under a real name, every error is one line from our own error types
 * (never a runtime exception or JVM error), and nothing hangs.
 */
@Slow
class ByteFlipCampaignTest {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  @TempDir Path dir;

  @Test
  void everyFlippedByteIsDetectedOrHarmless() throws Exception {
    long seed = Campaign.seed();
    Random random = new Random(seed);
    Campaign campaign = new Campaign("byte flips across every repository file type", seed);
    Path pristine = dir.resolve("pristine");
    Path pw = Cli.passwordFile(dir, Cli.PASSWORD);
    Path src = dir.resolve("src");
    Map<String, byte[]> original = sampleTree(src, random);
    ok(InProcess.run(LIMIT, "init", "--repo", pristine.toString(), "--password-file",
        pw.toString(), "--kdf-n", "1024"));
    ok(InProcess.run(LIMIT, "backup", "--repo", pristine.toString(), "--password-file",
        pw.toString(), src.toString()));
    // A lock file to damage too: taken, copied while held, released.
    Path withLock = dir.resolve("with-lock");
    try (Repository r = Repository.open(LocalBackend.open(pristine),
        Cli.PASSWORD.getBytes(StandardCharsets.UTF_8)); Lock lock = r.lock(false)) {
      copy(pristine, withLock);
    }
    Map<String, List<Path>> byType = filesByType(withLock);
    assertThat(byType.keySet()).contains("config", "keys", "locks", "snapshots", "index",
        "data");
    List<String> types = new ArrayList<>(byType.keySet());

    int trials = Campaign.FULL ? 1000 : 210;
    for (int i = 0; i < trials; i++) {
      String type = types.get(i % types.size());
      List<Path> files = byType.get(type);
      Path rel = withLock.relativize(files.get(random.nextInt(files.size())));
      Path repo = dir.resolve("trial");
      deleteTree(repo);
      copy(withLock, repo);
      Path victim = repo.resolve(rel);
      byte[] bytes = Files.readAllBytes(victim);
      int offset = random.nextInt(bytes.length);
      int mask = 1 + random.nextInt(255);
      bytes[offset] ^= (byte) mask;
      Files.write(victim, bytes);
      String what = "trial " + i + ": " + rel + " byte " + offset + " ^ 0x"
          + Integer.toHexString(mask);
      campaign.trial(what, judge(type, repo, pw, src, original));
    }
    campaign.report();
  }

  /** Null if the repository's behaviour after the flip is acceptable, else why not. */
  private String judge(String type, Path repo, Path pw, Path src, Map<String, byte[]> original)
      throws Exception {
    InProcess.Run check = InProcess.run(LIMIT, "check", "--read-data", "--repo",
        repo.toString(), "--password-file", pw.toString());
    String problem = check.unclearError();
    if (problem != null) {
      return "check: " + problem;
    }
    boolean storedData = type.equals("snapshots") || type.equals("index")
        || type.equals("data");
    if (storedData && check.exitCode() == 0) {
      return "check --read-data passed over damaged " + type;
    }
    if (type.equals("locks") && check.exitCode() != 0) {
      return "a damaged lock file failed check: " + check.err().strip();
    }
    Path target = dir.resolve("restored");
    deleteTree(target);
    InProcess.Run restore = InProcess.run(LIMIT, "restore", "latest", "--repo",
        repo.toString(), "--password-file", pw.toString(), "--target", target.toString());
    problem = restore.unclearError();
    if (problem != null) {
      return "restore: " + problem;
    }
    Path root = target.resolve(src.toAbsolutePath().toString().substring(1));
    for (Map.Entry<String, byte[]> e : original.entrySet()) {
      Path f = root.resolve(e.getKey());
      if (Files.isRegularFile(f)) {
        if (!Arrays.equals(Files.readAllBytes(f), e.getValue())) {
          return "restore wrote wrong content under the real name " + e.getKey()
              + " (exit " + restore.exitCode() + ")";
        }
      } else if (restore.exitCode() == 0) {
        return "restore exited 0 without restoring " + e.getKey();
      }
    }
    return null;
  }

  private static void ok(InProcess.Run r) {
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  /** A few files: empty, small, several chunks, in two folders. */
  private static Map<String, byte[]> sampleTree(Path src, Random random) throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("empty", new byte[0]);
    files.put("small.txt", "hello\n".getBytes(StandardCharsets.UTF_8));
    byte[] big = new byte[300_000];
    random.nextBytes(big);
    files.put("data/big.bin", big);
    byte[] mid = new byte[70_000];
    random.nextBytes(mid);
    files.put("data/sub/mid.bin", mid);
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Path p = src.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.write(p, e.getValue());
    }
    return files;
  }

  /** Repository files by type: the first path element, {@code config} for the config file. */
  private static Map<String, List<Path>> filesByType(Path repo) throws Exception {
    Map<String, List<Path>> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(repo)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String type = repo.relativize(p).getName(0).toString();
        out.computeIfAbsent(type, k -> new ArrayList<>()).add(p);
      }
    }
    return out;
  }

  private static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
  }

  static void deleteTree(Path p) throws Exception {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
