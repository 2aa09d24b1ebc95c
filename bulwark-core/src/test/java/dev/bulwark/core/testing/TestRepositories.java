package dev.bulwark.core.testing;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/** Small real repositories for in-process tests: a cheap key derivation and 1 MiB packs. */
public final class TestRepositories {
  /** The password every repository made here opens with. */
  public static final byte[] PASSWORD = "test password".getBytes(StandardCharsets.UTF_8);
  /** scrypt parameters that take milliseconds, not half a second. */
  public static final Kdf.Params FAST_KDF = new Kdf.Params(1024, 8, 1);
  /** Options that give a new pack every MiB, so a few MiB of data make several packs. */
  public static final BackupOptions OPTIONS =
      BackupOptions.defaults().withPackBytes(1 << 20).withThreads(2);

  private TestRepositories() {}

  /** Creates a new repository on {@code backend}. */
  public static Repository init(Backend backend) throws IOException, BulwarkException {
    return Repository.init(backend, PASSWORD, FAST_KDF);
  }

  /** Opens the repository on {@code backend} and loads its index. */
  public static Repository open(Backend backend) throws IOException, BulwarkException {
    return Repository.open(backend, PASSWORD);
  }

  /** Writes {@code bytes} of incompressible, seeded random content to {@code file}. */
  public static Path randomFile(Path file, int bytes, long seed) throws IOException {
    byte[] b = new byte[bytes];
    new SplittableRandom(seed).nextBytes(b);
    Files.createDirectories(file.getParent());
    return Files.write(file, b);
  }

  /** Copies the folder {@code from} with everything in it to {@code to}. */
  public static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }

  /** Backs up {@code paths} as one snapshot with {@link #OPTIONS}. */
  public static Snapshot backup(Repository repo, Path... paths)
      throws IOException, BulwarkException {
    return Backups.underLock(repo, new Archiver(repo, OPTIONS, new Progress()),
        List.of(FileSource.of(paths))).snapshot();
  }
}
