package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * File names and symlink targets that are not valid in the JVM's file-name encoding (bytes that
 * are not UTF-8; under {@code LC_ALL=C} anything not ASCII) round-trip byte for byte: Bulwark to
 * Bulwark, Bulwark to restic and restic to Bulwark, under a UTF-8 and a C locale. The names are
 * made and compared by Python on bytes, so the oracle does not share the JVM's decoding.
 */
@Slow
class OddNamesTest {
  /** restic 0.14 writes a non-UTF-8 symlink target with U+FFFD in place of each bad byte. */
  private static String asRestic014Restores(String manifest) {
    return manifest
        .replace("b'link-raw' -> b'tar\\xfeget'", "b'link-raw' -> b'tar\\xef\\xbf\\xbdget'")
        .replace("-> b'dir\\xe9/inner\\xfe'", "-> b'dir\\xef\\xbf\\xbd/inner\\xef\\xbf\\xbd'");
  }

  @TempDir Path dir;

  @ParameterizedTest(name = "LC_ALL={0}")
  @ValueSource(strings = {"C.UTF-8", "C"})
  void oddNamesRoundTripWithBulwarkAndRestic(String locale) throws Exception {
    Path repo = dir.resolve("repo");
    Path src = dir.resolve("src");
    python("make_odd_names.py", src);
    String expected = manifest(src);
    Cli cli = Cli.withPassword(Map.of("LC_ALL", locale));
    Restic restic = Restic.forRepo(repo, Files.createDirectories(dir.resolve("cache")))
        .withEnv("LC_ALL", locale);
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();

    // Bulwark backs up: every name kept (\xfe and \xff not merged), exit 0.
    cli.run("backup", "--repo", repo.toString(), src.toString()).assertOk();
    Path ours = dir.resolve("bulwark-restore");
    cli.run("restore", "latest", "--repo", repo.toString(), "--target", ours.toString())
        .assertOk();
    assertThat(manifest(under(ours, src))).isEqualTo(expected);

    // restic reads Bulwark's tree: check, then restore with the same names. restic 0.14 reads
    // linktarget, not linktarget_raw, so it writes that one target as it would have stored it.
    Restic.Outcome check = restic.runMerged("check", "--read-data");
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.complaints()).as(check.output()).isEmpty();
    Path theirs = dir.resolve("restic-restore");
    restic.run("restore", "latest", "--target", theirs.toString());
    String as014 = asRestic014Restores(expected);
    assertThat(as014).isNotEqualTo(expected);
    assertThat(manifest(under(theirs, src))).isEqualTo(as014);

    // restic backs up the same names; Bulwark restores them byte for byte.
    String snap = restic.backup(src.toString());
    Path fromRestic = dir.resolve("bulwark-restore-of-restic");
    cli.run("restore", snap, "--repo", repo.toString(), "--target", fromRestic.toString())
        .assertOk();
    assertThat(manifest(under(fromRestic, src))).isEqualTo(as014);
  }

  /**
   * A 255-byte name (the limit) that is not ASCII backs up under the C locale, and both restic
   * and Bulwark restore it (Bulwark's temp name for it is cut short to fit the limit).
   */
  @ParameterizedTest(name = "LC_ALL={0}")
  @ValueSource(strings = {"C.UTF-8", "C"})
  void longestNameBacksUpAndBothToolsRestoreIt(String locale) throws Exception {
    Path repo = dir.resolve("repo");
    Path src = dir.resolve("src");
    Tools.run(dir, Map.of(), Tools.require("python3").toString(), "-c",
        "import os,sys; os.makedirs(sys.argv[1]); "
            + "open(os.path.join(os.fsencode(sys.argv[1]), 'é'.encode() * 127 + b'\\xfe'), "
            + "'wb').write(b'long')", src.toString());
    String expected = manifest(src);
    assertThat(expected).contains("\\xfe' = b'long'");
    Cli cli = Cli.withPassword(Map.of("LC_ALL", locale));
    Restic restic = Restic.forRepo(repo, Files.createDirectories(dir.resolve("cache")));
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), src.toString()).assertOk();
    Path theirs = dir.resolve("restic-restore");
    restic.run("restore", "latest", "--target", theirs.toString());
    assertThat(manifest(under(theirs, src))).isEqualTo(expected);
    Path ours = dir.resolve("bulwark-restore");
    cli.run("restore", "latest", "--repo", repo.toString(), "--target", ours.toString())
        .assertOk();
    assertThat(manifest(under(ours, src))).isEqualTo(expected);
  }

  /**
   * A symlink target with repeated and trailing slashes is stored exactly (restic restores it
   * so). The JDK builds no path of that shape, so Bulwark restores it folded, with a warning.
   */
  @ParameterizedTest(name = "LC_ALL={0}")
  @ValueSource(strings = {"C.UTF-8", "C"})
  void symlinkTargetWithRepeatedAndTrailingSlashesIsStoredExactly(String locale)
      throws Exception {
    Path repo = dir.resolve("repo");
    Path src = Files.createDirectories(dir.resolve("src"));
    Tools.run(dir, Map.of(), "ln", "-s", "d//x/", src.resolve("slashes").toString());
    String expected = manifest(src);
    assertThat(expected).isEqualTo("b'slashes' -> b'd//x/'\n");
    Cli cli = Cli.withPassword(Map.of("LC_ALL", locale));
    Restic restic = Restic.forRepo(repo, Files.createDirectories(dir.resolve("cache")));
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), src.toString()).assertOk();
    Path theirs = dir.resolve("restic-restore");
    restic.run("restore", "latest", "--target", theirs.toString());
    assertThat(manifest(under(theirs, src))).isEqualTo(expected);
    Path ours = dir.resolve("bulwark-restore");
    Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--target",
        ours.toString()).assertOk();
    assertThat(manifest(under(ours, src))).isEqualTo("b'slashes' -> b'd/x'\n");
    assertThat(restore.stderr()).contains("restored as");
  }

  private static Path under(Path target, Path absolute) {
    return target.resolve(absolute.toString().substring(1));
  }

  private static String manifest(Path folder) throws Exception {
    return python("manifest.py", folder);
  }

  private static String python(String script, Path arg) throws Exception {
    Path py = Path.of(OddNamesTest.class.getResource("/names/" + script).toURI());
    return Tools.run(arg.getParent(), Map.of(), Tools.require("python3").toString(),
        py.toString(), arg.toString());
  }
}
