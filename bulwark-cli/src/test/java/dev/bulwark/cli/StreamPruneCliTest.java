package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.GenerationIds;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.core.testing.compaction.SqliteStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark prune} on a repository with streams: what it lists, removes and refuses. */
class StreamPruneCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();

  @Test
  void aDryRunListsTheSegmentsOfAGenerationNoSnapshotCanReplayAndPruneRemovesThem()
      throws Exception {
    Path repo = dir.resolve("repo");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    Instant started = Instant.now().minus(Duration.ofDays(2));
    long gen = GenerationIds.next(Clock.fixed(started, ZoneOffset.UTC));
    try (Repository r = Repository.open(LocalBackend.open(repo), TestRepositories.PASSWORD)) {
      SqliteStream stream = SqliteStream.create(dir, "app.db", gen, 1024,
          "CREATE TABLE t(v TEXT);");
      for (int i = 0; i < 3; i++) {
        new SegmentStore(r).save("app", stream.commit("INSERT INTO t VALUES ('" + i + "');", 1,
            started.plusSeconds(i)));
      }
    }
    String folder = "bulwark/streams/app/" + String.format("%016x", gen) + "/";

    Cli.Result dry = cli.run("prune", "--repo", repo.toString(), "--dry-run",
        "--stream-retention", "24h").assertOk();
    assertThat(dry.stdout()).contains("streams: would remove 3 segments")
        .contains("emptying 1 generations")
        .contains("would remove " + folder + "0000000000000003-0000000000000003.seg")
        .contains("would remove " + folder + "0000000000000001-0000000000000001.seg");
    assertThat(repo.resolve(folder + "0000000000000001-0000000000000001.seg")).exists();

    JsonNode done = JSON.readTree(cli.run("prune", "--repo", repo.toString(), "--json")
        .assertOk().stdout());
    assertThat(done.get("stream_segments_removed").asLong()).isEqualTo(3);
    assertThat(done.get("stream_removed")).hasSize(3);
    assertThat(done.get("stream_removed").get(0).asText())
        .isEqualTo(folder + "0000000000000003-0000000000000003.seg");
    assertThat(repo.resolve(folder + "0000000000000001-0000000000000001.seg")).doesNotExist();
    // No stream left: the summary is a plain prune's again.
    assertThat(cli.run("prune", "--repo", repo.toString()).assertOk().stdout())
        .doesNotContainIgnoringCase("stream");
  }

  @Test
  void aBadStreamRetentionIsAUsageErrorNamingTheOption() {
    Path repo = dir.resolve("repo");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    for (String bad : new String[] {"24", "0h", "1h1d", "soon"}) {
      Cli.Result r = cli.run("prune", "--repo", repo.toString(), "--stream-retention", bad);
      assertThat(r.exitCode()).as(bad).isEqualTo(2);
      assertThat(r.stderr().lines().findFirst().orElseThrow()).as(bad)
          .startsWith("bulwark: --stream-retention: ").contains(bad);
    }
  }

  @Test
  void aRepositoryWithoutStreamsPrunesWithTheSameOutputAsBefore() throws Exception {
    Path repo = dir.resolve("repo");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    Path file = TestRepositories.randomFile(dir.resolve("src/a.bin"), 4096, 3);
    cli.run("backup", "--repo", repo.toString(), file.toString()).assertOk();
    Cli.Result human = cli.run("prune", "--repo", repo.toString(), "--stream-retention", "1h")
        .assertOk();
    assertThat(human.stdout()).doesNotContainIgnoringCase("stream")
        .contains("nothing to prune: every pack is in use");
    JsonNode json = JSON.readTree(cli.run("prune", "--repo", repo.toString(), "--json")
        .assertOk().stdout());
    assertThat(json.has("stream_segments_removed")).isFalse();
  }
}
