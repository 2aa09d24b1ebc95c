package dev.bulwark.cli.copy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.TestRepositories;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark copy} and {@code init --copy-chunker-params} as a user runs them: one line per
 * snapshot and a summary, a warning when the chunker parameters differ, and one line naming the
 * repository at fault with restic's exit code when a password, repository or snapshot is wrong.
 */
class CopyCliTest {
  private static final String SOURCE_PASSWORD = "source password";
  private final Cli cli = Cli.withPassword().inProcess();
  @TempDir Path dir;
  private Path source;
  private Path sourcePassword;
  private Path data;

  @BeforeEach
  void sourceWithOneSnapshot() throws Exception {
    source = dir.resolve("source");
    sourcePassword = Cli.passwordFile(dir, SOURCE_PASSWORD);
    data = TestRepositories.randomFile(dir.resolve("data/node.key"), 200_000, 11);
    cli.run("init", "--repo", source.toString(), "--password-file", sourcePassword.toString(),
        "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", source.toString(), "--password-file",
        sourcePassword.toString(), "--file", data.toString()).assertOk();
  }

  private Cli.Result copy(Path target, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("copy", "--from-repo",
        source.toString(), "--from-password-file", sourcePassword.toString(), "--to-repo",
        target.toString()));
    args.addAll(List.of(more));
    return cli.run(args.toArray(String[]::new));
  }

  @Test
  void copyPrintsEachSnapshotAndSkipsItTheSecondTime() throws Exception {
    Path target = dir.resolve("target");
    cli.run("init", "--repo", target.toString(), "--kdf-n", "1024").assertOk();

    Cli.Result first = copy(target).assertOk();
    assertThat(first.stdout()).containsPattern("snapshot [0-9a-f]{8} copied as [0-9a-f]{8}: "
        + "[0-9]+ new blobs, .* added")
        .contains("1 snapshot copied, 0 already present");
    assertThat(first.stderr().lines().filter(l -> l.contains("warning"))).singleElement()
        .asString().contains("different chunker parameters");

    Cli.Result second = copy(target).assertOk();
    assertThat(second.stdout()).containsPattern("snapshot [0-9a-f]{8} skipped: already copied as "
        + "[0-9a-f]{8}").contains("0 snapshots copied, 1 already present: 0 new blobs");
    assertThat(Files.list(target.resolve("snapshots")).count()).isEqualTo(1);

    Path out = dir.resolve("out");
    cli.run("restore", "latest", "--repo", target.toString(), "--target", out.toString())
        .assertOk();
    assertThat(Files.readAllBytes(out.resolve(data.toString().substring(1))))
        .isEqualTo(Files.readAllBytes(data));
  }

  @Test
  void targetCreatedWithTheSourcesChunkerParametersGetsNoWarning() throws Exception {
    Path target = dir.resolve("target");
    cli.run("init", "--repo", target.toString(), "--kdf-n", "1024", "--copy-chunker-params",
        "--from-repo", source.toString(), "--from-password-file", sourcePassword.toString())
        .assertOk();

    // The source's password from a command's output, as restic's --from-password-command.
    Cli.Result r = cli.run("copy", "--from-repo", source.toString(), "--from-password-command",
        "cat '" + sourcePassword + "'", "--repo", target.toString(), "--json", "latest")
        .assertOk();

    assertThat(r.stderr()).doesNotContain("warning");
    JsonNode n = new ObjectMapper().readTree(r.stdout());
    assertThat(n.path("copied").asInt()).isEqualTo(1);
    assertThat(n.path("snapshots").get(0).path("outcome").asText()).isEqualTo("copied");
    assertThat(n.path("new_blobs").asInt()).isPositive();
  }

  @Test
  void copyChunkerParamsWithoutASourceIsAUsageError() {
    Cli.Result r = cli.run("init", "--repo", dir.resolve("t").toString(),
        "--copy-chunker-params");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("--from-repo");
    assertThat(dir.resolve("t")).doesNotExist();
  }

  @Test
  void noLockReadsASourceThatCannotBeLocked() throws Exception {
    Path target = dir.resolve("target");
    cli.run("init", "--repo", target.toString(), "--kdf-n", "1024").assertOk();
    try (Repository r = Repository.open(LocalBackend.open(source),
            SOURCE_PASSWORD.getBytes(StandardCharsets.UTF_8));
        Lock exclusive = r.lock(true)) {
      Cli.Result locked = copy(target);
      assertThat(locked.exitCode()).isEqualTo(11);
      assertThat(Files.list(target.resolve("snapshots")).count()).isZero();

      copy(target, "--no-lock").assertOk();
      assertThat(Files.list(target.resolve("snapshots")).count()).isEqualTo(1);
    }
  }

  @Test
  void wrongPasswordOfEitherRepositoryIsOneLineNamingIt() throws Exception {
    Path target = dir.resolve("target");
    cli.run("init", "--repo", target.toString(), "--kdf-n", "1024").assertOk();
    Path wrong = Cli.passwordFile(dir, "not it");

    Cli.Result badSource = cli.run("copy", "--from-repo", source.toString(),
        "--from-password-file", wrong.toString(), "--repo", target.toString());
    assertThat(badSource.exitCode()).isEqualTo(12);
    assertThat(badSource.stderr().lines()).singleElement().asString()
        .startsWith("bulwark: source repository: wrong password");

    Cli.Result badTarget = cli.run("copy", "--from-repo", source.toString(),
        "--from-password-file", sourcePassword.toString(), "--repo", target.toString(),
        "--password-file", wrong.toString());
    assertThat(badTarget.exitCode()).isEqualTo(12);
    assertThat(badTarget.stderr().lines()).singleElement().asString()
        .startsWith("bulwark: target repository: wrong password");
  }

  @Test
  void missingRepositoryOrSnapshotIsOneLineNamingTheRepository() throws Exception {
    Path target = dir.resolve("target");
    Cli.Result noTarget = copy(target);
    assertThat(noTarget.exitCode()).isEqualTo(10);
    assertThat(noTarget.stderr().lines()).singleElement().asString()
        .startsWith("bulwark: target repository: no repository at");

    cli.run("init", "--repo", target.toString(), "--kdf-n", "1024").assertOk();
    Cli.Result noSource = cli.run("copy", "--from-repo", dir.resolve("nowhere").toString(),
        "--from-password-file", sourcePassword.toString(), "--repo", target.toString());
    assertThat(noSource.exitCode()).isEqualTo(10);
    assertThat(noSource.stderr().lines()).singleElement().asString()
        .startsWith("bulwark: source repository: no repository at");

    Cli.Result noSnapshot = copy(target, "deadbeef");
    assertThat(noSnapshot.exitCode()).isEqualTo(1);
    assertThat(noSnapshot.stderr().lines()).singleElement().asString()
        .isEqualTo("bulwark: source repository: no snapshot matches deadbeef");
    assertThat(Files.list(target.resolve("snapshots")).count()).isZero();
  }
}
