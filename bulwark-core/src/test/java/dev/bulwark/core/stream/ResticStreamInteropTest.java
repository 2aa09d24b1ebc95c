package dev.bulwark.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.Id;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.core.testing.Tools;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real restic 0.14 on a repository that holds stream segments: {@code check --read-data}
 * passes and says nothing about them, and {@code forget --prune} leaves every segment as it was.
 */
@Slow
class ResticStreamInteropTest {
  @TempDir Path dir;

  @Test
  void resticChecksAndPrunesARepositoryWithStreamsAndLeavesThemAlone() throws Exception {
    Path restic = Tools.require("restic");
    Path repoDir = dir.resolve("repo");
    Random random = new Random(5);
    List<Segment> saved = new ArrayList<>();
    try (Repository repo = TestRepositories.init(LocalBackend.open(repoDir))) {
      Path a = TestRepositories.randomFile(dir.resolve("a.bin"), 300_000, 1);
      TestRepositories.backup(repo, a);
      TestRepositories.randomFile(a, 300_000, 2);
      TestRepositories.backup(repo, a);
      SegmentStore store = new SegmentStore(repo);
      for (long gen = 1; gen <= 2; gen++) {
        for (long first = 1; first <= 20; first += 5) {
          Segment s = SegmentCodecTest.segment(random, gen, first, first + 4, 60);
          store.save("app.db", s);
          saved.add(s);
        }
      }
    }
    Map<String, String> before = digests(repoDir.resolve("bulwark"));
    assertThat(before).hasSize(8);

    String check = restic(restic, repoDir, "check", "--read-data");
    assertThat(check).contains("no errors were found").doesNotContainIgnoringCase("bulwark");
    String prune = restic(restic, repoDir, "forget", "--keep-last", "1", "--prune");
    // The forgotten snapshot's data is really pruned, so prune did walk the repository.
    assertThat(prune).contains("1 snapshots have been removed")
        .containsPattern("removing [1-9][0-9]* old packs").doesNotContainIgnoringCase("bulwark");
    assertThat(restic(restic, repoDir, "check", "--read-data")).contains("no errors were found");

    assertThat(digests(repoDir.resolve("bulwark"))).isEqualTo(before);
    try (Repository repo = TestRepositories.open(LocalBackend.open(repoDir))) {
      SegmentStore store = new SegmentStore(repo);
      List<Segment> loaded = new ArrayList<>();
      for (long gen = 1; gen <= 2; gen++) {
        for (SegmentRef ref : store.list("app.db", gen)) {
          loaded.add(store.load(ref));
        }
      }
      assertThat(loaded).isEqualTo(saved);
    }
  }

  /** Runs restic; returns stdout and stderr together, so that a warning cannot hide. */
  private String restic(Path restic, Path repo, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(restic.toString(), "-r", repo.toString(),
        "--no-cache"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().keySet().removeIf(name -> name.startsWith("RESTIC_"));
    pb.environment().put("RESTIC_PASSWORD",
        new String(TestRepositories.PASSWORD, StandardCharsets.UTF_8));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("restic %s exited non-zero:%n%s", args[0], out).isZero();
    return out;
  }

  private static Map<String, String> digests(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(f).toString(), Id.hash(Files.readAllBytes(f)).toString());
      }
    }
    return out;
  }
}
