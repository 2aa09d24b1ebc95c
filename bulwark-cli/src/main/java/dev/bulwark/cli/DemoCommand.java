package dev.bulwark.cli;

import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.BackupResult;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.check.CheckResult;
import dev.bulwark.core.check.Checker;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.Restorer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bulwark demo}: the whole cycle on a built-in example, nothing to set up. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the whole cycle on a built-in example: make a sample database file and "
        + "key file, create a repository, back up, list, change 1%% of the pages, back up again, "
        + "check every byte, restore to a new path and show the restored files are identical. "
        + "Then stream a SQLite database while a writer thread commits, restore it to a past "
        + "second with --time, and check the result against what the writer had committed.",
    footer = {"", "Example:", "  bulwark demo --dir /tmp/bulwark-demo"})
final class DemoCommand implements Callable<Integer> {
  private static final int PAGE = 4096;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".bulwark-demo",
      description = "Folder for the demo's files; replaced on each run (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--size", paramLabel = "SIZE", defaultValue = "32M",
      description = "Size of the sample database (default: ${DEFAULT-VALUE}).")
  String size;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path base = dir.toAbsolutePath().normalize();
    deleteTree(base);
    Path data = base.resolve("node");
    Path db = data.resolve("state.db");
    Path keyFile = data.resolve("node.key");
    Path repoDir = base.resolve("repo");
    Path restored = base.resolve("restored");
    AtomicFiles.createDirectories(data);
    int pages = Messages.parseSize(size) / PAGE;
    writeSampleDatabase(db, pages, new Random(42));
    Files.writeString(keyFile, "demo-node-identity-" + HexFormat.of().formatHex(
        Id.hash("demo".getBytes(StandardCharsets.UTF_8)).bytes()) + "\n");
    out.printf("1. sample database %s (%s, %d pages) and key file %s%n", db,
        Messages.bytes(Files.size(db)), pages, keyFile);

    byte[] pw = "bulwark-demo-password".getBytes(StandardCharsets.UTF_8);
    Path pwFile = base.resolve("password");
    AtomicFiles.write(pwFile, pw, 0, pw.length);
    try (Repository r = Repository.init(LocalBackend.open(repoDir), pw, Kdf.Params.calibrated())) {
      out.printf("2. created repository %s (password in %s)%n", repoDir, pwFile);
      BackupResult first = backup(r, repoDir);
      out.printf("3. backup: snapshot %s, %s read, %s stored%n",
          first.snapshot().id().shortForm(), Messages.bytes(first.bytesRead()),
          Messages.bytes(first.bytesAdded()));
      changePages(db, pages, pages / 100, new Random(7));
      BackupResult second = backup(r, repoDir);
      out.printf("4. changed 1%% of the pages; backup: snapshot %s, %s stored (%.1f%% of the "
          + "first)%n", second.snapshot().id().shortForm(), Messages.bytes(second.bytesAdded()),
          100.0 * second.bytesAdded() / first.bytesAdded());
      out.println("5. snapshots:");
      for (Snapshot s : r.snapshots()) {
        out.printf("     %s  %s  %s%n", s.id().shortForm(), s.time(), String.join(", ", s.paths()));
      }
      CheckResult check = new Checker(r, Workers.defaultThreads(), new Progress()).check(true);
      out.printf("6. check --read-data: %d packs read, %s%n", check.packsRead(),
          check.ok() ? "no errors" : check.errors().size() + " ERRORS: " + check.errors());
      new Restorer(r, Workers.defaultThreads(), new Progress())
          .restore(second.snapshot(), restored, List.of());
    }
    boolean same = true;
    for (Path p : List.of(db, keyFile)) {
      Path copy = restored.resolve(p.toString().substring(1));
      boolean eq = digest(p).equals(digest(copy));
      same &= eq;
      out.printf("7. restored %s: %s%n", copy, eq ? "identical (SHA-256 " + digest(p)
          .substring(0, 16) + "...)" : "DIFFERENT");
    }
    boolean streamed;
    try (Repository r = Repository.open(LocalBackend.open(repoDir), pw)) {
      streamed = new StreamDemo(base, r, repoDir, pwFile, out).run(8);
    }
    boolean ok = same && streamed;
    out.println(ok ? "demo ok: try `restic -r " + repoDir + " --password-file " + pwFile
        + " snapshots` too: the repository is restic's format." : "demo FAILED");
    return ok ? 0 : ExitCodes.ERROR;
  }

  private static BackupResult backup(Repository r, Path repoDir) throws Exception {
    Path node = repoDir.resolveSibling("node");
    try (Lock lock = r.lock(false)) {
      return new Archiver(r, BackupOptions.defaults().withTags(List.of("demo")), new Progress())
          .backup(lock, List.of(FileSource.of(node)));
    }
  }

  /** Pages that look like a database's: a header, then rows of text and numbers. */
  private static void writeSampleDatabase(Path db, int pages, Random rnd) throws IOException {
    try (OutputStream o = Files.newOutputStream(db)) {
      byte[] page = new byte[PAGE];
      for (int i = 0; i < pages; i++) {
        fillPage(page, i, rnd);
        o.write(page);
      }
    }
  }

  private static void fillPage(byte[] page, int n, Random rnd) {
    StringBuilder sb = new StringBuilder(PAGE);
    sb.append("page ").append(n).append('|');
    while (sb.length() < PAGE) {
      sb.append("account=").append(rnd.nextInt(100000)).append(";balance=")
          .append(rnd.nextInt(1000000)).append(";memo=").append(Long.toHexString(rnd.nextLong()))
          .append('\n');
    }
    System.arraycopy(sb.toString().getBytes(StandardCharsets.US_ASCII), 0, page, 0, PAGE);
  }

  private static void changePages(Path db, int pages, int count, Random rnd) throws IOException {
    try (var ch = java.nio.channels.FileChannel.open(db, StandardOpenOption.WRITE)) {
      byte[] page = new byte[PAGE];
      for (int i = 0; i < count; i++) {
        int p = rnd.nextInt(pages);
        fillPage(page, p + 1_000_000, rnd);
        ch.write(java.nio.ByteBuffer.wrap(page), (long) p * PAGE);
      }
    }
  }

  private static String digest(Path p) throws Exception {
    MessageDigest md = Id.sha256();
    try (var in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        x.toFile().setWritable(true);
        Files.delete(x);
      }
    }
  }
}
