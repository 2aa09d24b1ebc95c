package dev.bulwark.cli.faults;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File names of every kind a Linux file system allows (random bytes without {@code /}, not
 * UTF-8, control characters, quotes and backslashes, U+FFFD itself, up to 255 bytes), plus the
 * hand-picked odd names and symlinks of {@code OddNamesTest}, backed up and restored by the
 * real command under a UTF-8 and a C locale. Python makes and compares the names as bytes, so
 * the oracle does not share the JVM's decoding. Each name in each locale is one trial.
 */
@Slow
class NamesCampaignTest {
  @TempDir Path dir;

  @Test
  void namesOfEveryKindRoundTripByteForByte() throws Exception {
    long seed = Campaign.seed();
    Campaign campaign = new Campaign("file names of every kind, UTF-8 and C locales", seed);
    Path src = dir.resolve("src");
    python("make_random_names.py", Long.toString(Math.floorMod(seed, 1L << 31)),
        Integer.toString(Campaign.FULL ? 2000 : 300), src.toString());
    python("make_odd_names.py", src.resolve("odd").toString());
    List<String> expected = lines(python("manifest.py", src.toString()));
    for (String locale : List.of("C.UTF-8", "C")) {
      Path repo = dir.resolve("repo-" + locale);
      Path target = dir.resolve("restored-" + locale);
      Cli cli = Cli.withPassword(Map.of("LC_ALL", locale));
      cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
      Cli.Result backup = cli.run("backup", "--repo", repo.toString(), src.toString());
      Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--target",
          target.toString());
      Path root = target.resolve(src.toString().substring(1));
      Set<String> got = Files.isDirectory(root)
          ? new HashSet<>(lines(python("manifest.py", root.toString()))) : Set.of();
      for (String e : expected) {
        campaign.trial("LC_ALL=" + locale + " " + e.split(" ", 2)[0], got.contains(e) ? null
            : "not restored byte for byte (backup exit " + backup.exitCode() + ", restore exit "
                + restore.exitCode() + ": " + restore.stderr().strip() + ")");
      }
    }
    campaign.report();
  }

  private static List<String> lines(String s) {
    return Arrays.stream(s.split("\n")).filter(l -> !l.isBlank()).toList();
  }

  private static String python(String script, String... args) throws Exception {
    Path py = Path.of(NamesCampaignTest.class.getResource("/names/" + script).toURI());
    String[] cmd = new String[args.length + 2];
    cmd[0] = Tools.require("python3").toString();
    cmd[1] = py.toString();
    System.arraycopy(args, 0, cmd, 2, args.length);
    return Tools.run(py.getParent(), Map.of(), cmd);
  }
}
