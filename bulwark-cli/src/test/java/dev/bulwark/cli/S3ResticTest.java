package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Manifest;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.cli.testing.SampleTree;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.Backends;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.s3.testing.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * restic 0.14 and Bulwark on the same S3 server: each reads what the other wrote, and a
 * repository of more than 5,000 packs lists completely (several ListObjectsV2 pages).
 */
@Slow
class S3ResticTest {
  private static final long SEED = 20261123L;
  @TempDir static Path dir;
  private static S3ProxyServer server;
  private static Cli cli;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start(dir.resolve("s3"));
    cli = Cli.withPassword(server.env()).inProcess();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  private static Restic restic(String repo) throws Exception {
    return Restic.forRepository(repo, Files.createDirectories(dir.resolve("restic-cache")),
        server.env());
  }

  @Test
  void resticReadsWhatBulwarkWroteOnS3() throws Exception {
    String repo = server.repository("bulwark-written");
    Path src = dir.resolve("src-b");
    SampleTree.create(src, 8L << 20, SEED);
    Map<String, String> expected = Manifest.of(src);
    cli.run("init", "--repo", repo, "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo, src.toString()).assertOk();

    Restic restic = restic(repo);
    Restic.Outcome check = restic.runMerged("check", "--read-data");
    assertThat(check.exitCode()).as("restic check --read-data:\n%s", check.output()).isZero();
    assertThat(check.complaints()).as("complaints:\n%s", check.output()).isEmpty();
    Path target = dir.resolve("restic-restore");
    restic.run("restore", "latest", "--target", target.toString());
    Manifest.assertMatches(expected, Manifest.restored(target, src), "restic restore from S3");
  }

  @Test
  void bulwarkReadsWhatResticWroteOnS3() throws Exception {
    String repo = server.repository("restic-written");
    Path src = dir.resolve("src-r");
    SampleTree.create(src, 8L << 20, SEED + 1);
    Map<String, String> expected = Manifest.of(src);
    Restic restic = restic(repo);
    restic.run("init");
    restic.backup(src.toString());

    Cli.Result check = cli.run("check", "--repo", repo, "--read-data").assertOk();
    assertThat(check.stdout()).contains("no errors were found");
    Path target = dir.resolve("bulwark-restore");
    cli.run("restore", "latest", "--repo", repo, "--target", target.toString()).assertOk();
    Manifest.assertMatches(expected, Manifest.restored(target, src), "bulwark restore from S3");
  }

  /**
   * A repository with 5,000 more packs than its index knows (written through the backend, tiny
   * payloads): our listing, restic's listing and the server's disk agree, and check sees every
   * one of them (as unreferenced), which needs all ListObjectsV2 pages.
   */
  @Test
  void manyPacksListCompletely() throws Exception {
    String repo = server.repository("many-packs");
    Path src = dir.resolve("src-many");
    SampleTree.create(src, 2L << 20, SEED + 2);
    cli.run("init", "--repo", repo, "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo, src.toString()).assertOk();
    Set<String> stray = new HashSet<>();
    try (Backend b = Backends.open(repo, server.env())) {
      for (int i = 0; i < 5000; i++) {
        byte[] d = ("stray pack " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Handle h = Handle.of(FileType.PACK, Id.hash(d));
        b.save(h, d, 0, d.length);
        stray.add(h.name());
      }
    }

    Set<String> onDisk;
    try (Stream<Path> s = Files.walk(dir.resolve("s3/blobs").resolve(server.bucket())
        .resolve("many-packs/data"))) {
      onDisk = s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
          .collect(Collectors.toSet());
    }
    assertThat(onDisk).containsAll(stray).hasSizeGreaterThan(5000);
    Set<String> listed = new HashSet<>();
    try (Backend b = Backends.open(repo, server.env())) {
      b.list(FileType.PACK, f -> assertThat(listed.add(f.name())).isTrue());
    }
    assertThat(listed).isEqualTo(onDisk);
    Set<String> resticListed = restic(repo).run("list", "packs").lines()
        .collect(Collectors.toSet());
    assertThat(resticListed).isEqualTo(onDisk);

    // check finds every indexed pack (no error) and names each stray one (a hint).
    Cli.Result check = cli.run("check", "--repo", repo).assertOk();
    Set<String> hinted = check.stdout().lines()
        .filter(l -> l.startsWith("hint: pack ") && l.contains("not referenced"))
        .map(l -> l.substring("hint: pack ".length(), "hint: pack ".length() + 64))
        .collect(Collectors.toSet());
    assertThat(hinted).isEqualTo(stray);
  }
}
