package dev.bulwark.cli;

import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.FileDump;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark dump SNAPSHOT PATH}. */
@Command(name = "dump", mixinStandardHelpOptions = true,
    description = {"Write one file of a snapshot to standard output (or --target FILE), as "
        + "restic's dump: each blob is checked against its id before it is written, and the "
        + "file is streamed, never held whole in memory.",
        "A folder is refused: restore it with `bulwark restore --target DIR --include PATH`."},
    footer = {"", "Examples:",
        "  bulwark dump latest /srv/app/node.key --repo /backups/repo > node.key",
        "  bulwark dump 4f2a9c1e /srv/app/app.db --repo /backups/repo --target /tmp/app.db"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:written", "1:error (no such path, not a file, a damaged blob)",
        "2:usage", "10:no repository", "11:repository locked", "12:wrong password"})
final class DumpCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Mixin NoLockOption noLock;

  @Parameters(index = "0", paramLabel = "SNAPSHOT",
      description = "Snapshot id, unique id prefix, or latest.")
  String snapshot;

  @Parameters(index = "1", paramLabel = "PATH",
      description = "The file's absolute path in the snapshot.")
  String path;

  @Option(names = "--host", paramLabel = "NAME",
      description = "With latest: the newest snapshot written by host NAME.")
  String host;

  @Option(names = "--target", paramLabel = "FILE", description = "Write to FILE (created 0600 "
      + "under a temporary name and renamed when complete) instead of standard output.")
  Path target;

  @Override
  public Integer call() throws Exception {
    if (target != null && Files.isDirectory(target)) {
      throw new UsageException("--target " + target + " is a folder; name the file to write",
          false);
    }
    try (Repository r = repo.open(true); Lock lock = noLock.lock(r, false)) {
      Snapshot s = HostSnapshots.find(r, SnapshotRef.parse(snapshot), host);
      FileDump dump = new FileDump(r);
      if (target == null) {
        // Raw bytes: the command line's writer is for text.
        OutputStream out = new BufferedOutputStream(new FileOutputStream(
            java.io.FileDescriptor.out), 1 << 16);
        dump.dump(s, path, out);
        return 0;
      }
      Path abs = target.toAbsolutePath().normalize();
      Path tmp = AtomicFiles.tempSibling(abs);
      try {
        Files.createFile(tmp, AtomicFiles.fileAttributes());
        try (FileOutputStream file = new FileOutputStream(tmp.toFile());
            OutputStream out = new BufferedOutputStream(file, 1 << 16)) {
          dump.dump(s, path, out);
          // Durable before it takes the name.
          file.getFD().sync();
        }
        AtomicFiles.moveIntoPlace(tmp, abs);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    return 0;
  }
}
