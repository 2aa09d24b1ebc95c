package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Manifest;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.cli.testing.SampleTree;
import dev.bulwark.cli.testing.TestFiles;
import dev.bulwark.core.testing.Slow;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deduplication as a database page store needs it: an unchanged re-backup stores almost
 * nothing, and rewriting 1% of the 4 KiB pages stores only the chunks around them.
 */
@Slow
class DedupTest {
  private static final long SIZE = 64L << 20;
  private static final int PAGE = 4096;
  private static final long SEED = 777L;

  @TempDir Path dir;

  private final Cli cli = Cli.withPassword().inProcess();

  @Test
  void unchangedAndOnePercentChangedBackupsStoreLittle() throws Exception {
    Path repo = dir.resolve("repo");
    Path data = Files.createDirectories(dir.resolve("src")).resolve("db.pages");
    SampleTree.writeRandom(data, SIZE, SEED);
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    long empty = du(repo);

    String hash1 = TestFiles.sha256(data);
    String id1 = backup(repo, data);
    long afterFirst = du(repo);
    long first = afterFirst - empty;
    // Random data does not compress: the first backup stores about the file's size.
    assertThat(first).as("first backup size").isBetween(SIZE, SIZE + SIZE / 20);

    String id2 = backup(repo, data);
    long afterSecond = du(repo);
    long unchangedGrowth = afterSecond - afterFirst;

    int pages = (int) (SIZE / PAGE);
    int toRewrite = pages / 100;
    TreeSet<Integer> chosen = new TreeSet<>();
    SplittableRandom rnd = new SplittableRandom(SEED + 1);
    while (chosen.size() < toRewrite) {
      chosen.add(rnd.nextInt(pages));
    }
    try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
      byte[] page = new byte[PAGE];
      for (int p : chosen) {
        rnd.nextBytes(page);
        f.seek((long) p * PAGE);
        f.write(page);
      }
    }
    String hash3 = TestFiles.sha256(data);
    assertThat(hash3).isNotEqualTo(hash1);
    String id3 = backup(repo, data);
    long afterThird = du(repo);
    long changedGrowth = afterThird - afterSecond;

    double unchangedPct = 100.0 * unchangedGrowth / first;
    double changedPct = 100.0 * changedGrowth / first;
    System.out.printf("DedupTest: file %d bytes; empty repo %d bytes; first backup +%d bytes;%n"
        + "  unchanged re-backup +%d bytes (%.3f%% of first);%n"
        + "  %d of %d pages rewritten, backup +%d bytes (%.2f%% of first)%n",
        SIZE, empty, first, unchangedGrowth, unchangedPct, toRewrite, pages, changedGrowth,
        changedPct);
    assertThat(unchangedPct).as("growth of an unchanged re-backup, %% of the first backup")
        .isLessThan(1.0);
    assertThat(changedPct).as("growth after rewriting 1%% of the pages, %% of the first backup")
        .isLessThan(20.0);
    // The rewritten pages themselves (incompressible) must have been stored.
    assertThat(changedGrowth).as("bytes added for %d new pages", toRewrite)
        .isGreaterThanOrEqualTo((long) toRewrite * PAGE);

    // Every snapshot restores to the content it was taken of.
    String snapshots = cli.run("snapshots", "--repo", repo.toString(), "--json").assertOk()
        .stdout();
    List<String> ids = List.of(id1, id2, id3);
    assertThat(Restic.parseSnapshots(snapshots).keySet()).containsExactlyElementsOf(ids);
    String[] expected = {hash1, hash1, hash3};
    for (int i = 0; i < 3; i++) {
      Path target = dir.resolve("restore-" + i);
      cli.run("restore", ids.get(i), "--repo", repo.toString(), "--target", target.toString())
          .assertOk();
      assertThat(TestFiles.sha256(Manifest.restored(target, data)))
          .as("content of snapshot %d restored", i + 1).isEqualTo(expected[i]);
      delete(target);
    }
    Path latest = dir.resolve("restore-latest");
    cli.run("restore", "latest", "--repo", repo.toString(), "--target", latest.toString())
        .assertOk();
    assertThat(TestFiles.sha256(Manifest.restored(latest, data))).isEqualTo(hash3);
  }

  private String backup(Path repo, Path data) throws Exception {
    Cli.Result r = cli.run("backup", "--repo", repo.toString(), "--json", data.toString())
        .assertOk();
    return new ObjectMapper().readTree(r.stdout()).path("snapshot_id").asText();
  }

  /** Bytes in all files of the repository, as {@code du -b} counts them. */
  private static long du(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void delete(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
