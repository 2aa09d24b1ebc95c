package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two names of one file (a hard link) are recorded as restic records them (inode, device,
 * links), so restic restores them as one file with two names, and so does Bulwark, from its own
 * snapshot and from restic's.
 */
@Slow
class HardLinkTest {
  @TempDir Path dir;

  @Test
  void hardLinksAreRecordedAndRestoredAsRestic() throws Exception {
    Path repo = dir.resolve("repo");
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("a"), "shared");
    Files.createLink(src.resolve("b"), src.resolve("a"));
    Files.writeString(src.resolve("c"), "shared");
    Cli cli = Cli.withPassword().inProcess();
    Restic restic = Restic.forRepo(repo, Files.createDirectories(dir.resolve("cache")));
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), src.toString()).assertOk();

    Path theirs = dir.resolve("restic-restore");
    restic.run("restore", "latest", "--target", theirs.toString());
    assertLinkedAsSource(theirs.resolve(src.toString().substring(1)));

    Path ours = dir.resolve("bulwark-restore");
    cli.run("restore", "latest", "--repo", repo.toString(), "--target", ours.toString())
        .assertOk();
    assertLinkedAsSource(ours.resolve(src.toString().substring(1)));

    String resticSnap = restic.backup(src.toString());
    Path fromRestic = dir.resolve("bulwark-restore-of-restic");
    cli.run("restore", resticSnap, "--repo", repo.toString(), "--target",
        fromRestic.toString()).assertOk();
    assertLinkedAsSource(fromRestic.resolve(src.toString().substring(1)));
  }

  private static void assertLinkedAsSource(Path restored) throws Exception {
    assertThat(Files.readString(restored.resolve("b"))).isEqualTo("shared");
    assertThat(inode(restored.resolve("a"))).as("a and b are one file")
        .isEqualTo(inode(restored.resolve("b")));
    assertThat(inode(restored.resolve("c"))).as("c is another file")
        .isNotEqualTo(inode(restored.resolve("a")));
    assertThat(Files.getAttribute(restored.resolve("a"), "unix:nlink", LinkOption.NOFOLLOW_LINKS))
        .isEqualTo(2);
  }

  private static Object inode(Path p) throws Exception {
    return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
  }
}
