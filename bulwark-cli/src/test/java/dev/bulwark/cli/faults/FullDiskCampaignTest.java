package dev.bulwark.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up at a random moment, for real: a small tmpfs mount holds the repository
 * (and, for restores, the target), and a filler file of random size leaves a random amount of
 * room, so the disk runs full at a different point of each backup or restore. A trial survives
 * when the command either succeeds or fails with one clear line, and once space is freed the
 * repository checks, the next backup succeeds, and restores are byte-identical; a restore that
 * ran out of space leaves nothing wrong under a real name. Needs root (mount); CI runs as root.
 */
@Slow
class FullDiskCampaignTest {
  private static final Duration LIMIT = Duration.ofSeconds(120);
  private static final long MIB = 1 << 20;
  private static final long DISK = 40 * MIB;
  @TempDir Path dir;

  @Test
  void aDiskThatFillsUpAtARandomMomentLosesNothing() throws Exception {
    Path mnt = Files.createDirectories(dir.resolve("disk"));
    mount(mnt);
    try {
      run(mnt);
    } finally {
      new ProcessBuilder("umount", "-l", mnt.toString()).start().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private void run(Path mnt) throws Exception {
    long seed = Campaign.seed();
    Random random = new Random(seed);
    Campaign campaign = new Campaign("full-disk moments in backup and restore", seed);
    Path pw = Cli.passwordFile(dir, Cli.PASSWORD);
    Path src = dir.resolve("src");
    Map<String, byte[]> original = new LinkedHashMap<>();
    for (int i = 0; i < 4; i++) {
      byte[] b = new byte[(int) (4 * MIB)];
      random.nextBytes(b);
      original.put("f" + i + ".bin", b);
      Files.createDirectories(src);
      Files.write(src.resolve("f" + i + ".bin"), b);
    }
    Path repo = mnt.resolve("repo");
    Path filler = mnt.resolve("filler");
    int backups = Campaign.FULL ? 40 : 8;
    for (int i = 0; i < backups; i++) {
      ByteFlipCampaignTest.deleteTree(repo);
      InProcess.Run init = InProcess.run(LIMIT, "init", "--repo", repo.toString(),
          "--password-file", pw.toString(), "--kdf-n", "1024");
      assertThat(init.exitCode()).as(init.err()).isZero();
      long room = (long) (random.nextDouble() * 20 * MIB);
      fill(filler, room);
      InProcess.Run backup = InProcess.run(LIMIT, "backup", "--repo", repo.toString(),
          "--password-file", pw.toString(), src.toString());
      Files.deleteIfExists(filler);
      String what = "backup " + i + " with " + room / 1024 + " KiB free";
      String problem = backup.unclearError();
      if (problem == null) {
        problem = afterSpaceFreed(repo, pw, src, original);
      }
      campaign.trial(what + " (exit " + backup.exitCode() + ")", problem);
    }
    // Restores into the small disk: the repository lives outside it now.
    Path outsideRepo = dir.resolve("repo");
    InProcess.run(LIMIT, "init", "--repo", outsideRepo.toString(), "--password-file",
        pw.toString(), "--kdf-n", "1024");
    InProcess.Run full = InProcess.run(LIMIT, "backup", "--repo", outsideRepo.toString(),
        "--password-file", pw.toString(), src.toString());
    assertThat(full.exitCode()).as(full.err()).isZero();
    int restores = Campaign.FULL ? 30 : 6;
    for (int i = 0; i < restores; i++) {
      Path target = mnt.resolve("target");
      ByteFlipCampaignTest.deleteTree(target);
      ByteFlipCampaignTest.deleteTree(repo);
      long room = (long) (random.nextDouble() * 16 * MIB);
      fill(filler, room);
      InProcess.Run restore = InProcess.run(LIMIT, "restore", "latest", "--repo",
          outsideRepo.toString(), "--password-file", pw.toString(), "--target",
          target.toString());
      String problem = restore.unclearError();
      if (problem == null) {
        problem = wrongUnderRealName(target, src, original, restore.exitCode() == 0);
      }
      Files.deleteIfExists(filler);
      if (problem == null && restore.exitCode() != 0) {
        ByteFlipCampaignTest.deleteTree(target);
        InProcess.Run again = InProcess.run(LIMIT, "restore", "latest", "--repo",
            outsideRepo.toString(), "--password-file", pw.toString(), "--target",
            target.toString());
        problem = again.exitCode() != 0 ? "restore after freeing space: " + again.err()
            : wrongUnderRealName(target, src, original, true);
      }
      campaign.trial("restore " + i + " with " + room / 1024 + " KiB free (exit "
          + restore.exitCode() + ")", problem);
    }
    campaign.report();
  }

  /** Space is back: the repository checks, a backup succeeds, and it restores exactly. */
  private String afterSpaceFreed(Path repo, Path pw, Path src, Map<String, byte[]> original)
      throws Exception {
    // A backup killed by the full disk may leave its lock; that is for unlock, as after a kill.
    InProcess.run(LIMIT, "unlock", "--repo", repo.toString(), "--password-file", pw.toString());
    InProcess.Run check = InProcess.run(LIMIT, "check", "--read-data", "--repo",
        repo.toString(), "--password-file", pw.toString());
    if (check.exitCode() != 0) {
      return "check after freeing space: " + check.err().strip();
    }
    InProcess.Run backup = InProcess.run(LIMIT, "backup", "--repo", repo.toString(),
        "--password-file", pw.toString(), src.toString());
    if (backup.exitCode() != 0) {
      return "backup after freeing space: " + backup.err().strip();
    }
    Path target = dir.resolve("restored");
    ByteFlipCampaignTest.deleteTree(target);
    InProcess.Run restore = InProcess.run(LIMIT, "restore", "latest", "--repo",
        repo.toString(), "--password-file", pw.toString(), "--target", target.toString());
    if (restore.exitCode() != 0) {
      return "restore after freeing space: " + restore.err().strip();
    }
    return wrongUnderRealName(target, src, original, true);
  }

  private static String wrongUnderRealName(Path target, Path src, Map<String, byte[]> original,
      boolean allThere) throws Exception {
    Path root = target.resolve(src.toAbsolutePath().toString().substring(1));
    for (Map.Entry<String, byte[]> e : original.entrySet()) {
      Path f = root.resolve(e.getKey());
      if (Files.exists(f)) {
        if (!Arrays.equals(Files.readAllBytes(f), e.getValue())) {
          return "wrong content under the real name " + f;
        }
      } else if (allThere) {
        return "not restored: " + f;
      }
    }
    return null;
  }

  /** A file that leaves about {@code room} bytes free on the disk. */
  private static void fill(Path filler, long room) throws Exception {
    Files.deleteIfExists(filler);
    long free = Files.getFileStore(filler.getParent()).getUsableSpace();
    long size = Math.max(0, free - room);
    try (var ch = java.nio.channels.FileChannel.open(filler,
        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16);
      for (long left = size; left > 0; left -= buf.capacity()) {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), left));
        ch.write(buf);
      }
    } catch (java.io.IOException e) {
      // the disk was fuller than measured: filled it is
    }
  }

  private static void mount(Path mnt) throws Exception {
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + DISK + ",mode=0700",
        "tmpfs", mnt.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      String why = "cannot mount a tmpfs to fill (needs root): " + out.strip();
      if ("1".equals(System.getenv("BULWARK_REQUIRE_TOOLS"))) {
        fail(why + " and BULWARK_REQUIRE_TOOLS=1");
      }
      Assumptions.abort(why);
    }
  }
}
