package dev.bulwark.cli.testing;

import dev.bulwark.core.testing.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real {@code restic} binary as an oracle over one repository, through {@link Tools#run}.
 * Creating one calls {@link Tools#require}: the calling test is skipped without restic, or
 * fails when {@code BULWARK_REQUIRE_TOOLS=1}.
 */
public final class Restic {
  private final Path bin;
  private final Path repo;
  private final Path cacheDir;
  private final String password;

  private Restic(Path bin, Path repo, Path cacheDir, String password) {
    this.bin = bin;
    this.repo = repo;
    this.cacheDir = cacheDir;
    this.password = password;
  }

  /** restic over {@code repo} with {@link Cli#PASSWORD}, caching under {@code cacheDir}. */
  public static Restic at(Path repo, Path cacheDir) {
    return new Restic(Tools.require("restic"), repo, cacheDir, Cli.PASSWORD);
  }

  /** The same, with another password. */
  public Restic withPassword(String pw) {
    return new Restic(bin, repo, cacheDir, pw);
  }

  /** Runs {@code restic -r REPO args...}; returns stdout, or throws with stderr on failure. */
  public String run(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(bin.toString());
    cmd.add("-r");
    cmd.add(repo.toString());
    cmd.addAll(List.of(args));
    return Tools.run(cacheDir.getParent(), Map.of("RESTIC_PASSWORD", password,
        "RESTIC_CACHE_DIR", cacheDir.toString()), cmd.toArray(String[]::new));
  }

  /**
   * Runs a restic command that must fail; returns the failure text (exit code and stderr).
   *
   * @throws AssertionError if restic exits 0
   */
  public String fails(String... args) {
    String out;
    try {
      out = run(args);
    } catch (AssertionError expected) {
      return expected.getMessage();
    }
    throw new AssertionError("restic " + String.join(" ", args) + " should have failed but "
        + "exited 0:\n" + out);
  }
}
