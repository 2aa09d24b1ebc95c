package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.core.testing.Slow;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * restic 0.14 initialises a repository with a password file whose edges are tricky; Bulwark
 * opens it with the same file, so both tools read the same password from it (Go's
 * {@code strings.TrimSpace}, not Java's {@code strip()} or {@code trim()}).
 */
@Slow
class PasswordFileMatchesResticTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "BOM prefix               | efbbbf 736563726574 0a",
      "UTF-16 LE with BOM       | fffe 7300 6500 6300 a000 0a00",
      "trailing no-break space  | 736563726574 c2a0 0a",
      "trailing U+001C          | 736563726574 1c 0a",
      "trailing U+0085          | 736563726574 c285",
      "U+2003 on both sides     | e28083 736563726574 e28083",
      "leading tab and newline  | 09 0a 736563726574 0a",
      "byte that is not UTF-8   | 736563726574 ff 0a",
      "inner space kept         | 20 7365 20 63726574 0d0a"})
  void bulwarkOpensWithTheFileResticInitialisedWith(String name, String hex) throws Exception {
    Path file = dir.resolve("password");
    Files.write(file, bytes(hex));
    Path repo = dir.resolve("repo");
    Restic restic = Restic.forRepo(repo, Files.createDirectories(dir.resolve("cache")));
    restic.run("init", "--password-file", file.toString());

    Cli.Result r = Cli.withEnv(Map.of()).inProcess().run("snapshots", "--repo",
        repo.toString(), "--password-file", file.toString());
    assertThat(r.exitCode()).as(name + ": " + r.stderr()).isZero();
  }

  private static byte[] bytes(String hex) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String h = hex.replace(" ", "");
    for (int i = 0; i < h.length(); i += 2) {
      out.write(Integer.parseInt(h.substring(i, i + 2), 16));
    }
    return out.toByteArray();
  }

}
