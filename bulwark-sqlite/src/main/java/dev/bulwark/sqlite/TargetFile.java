package dev.bulwark.sqlite;

import dev.bulwark.core.BulwarkException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks on the file a restore replaces, made with stat() only (never opening it). */
final class TargetFile {
  private static final Logger LOG = LoggerFactory.getLogger(TargetFile.class);

  private TargetFile() {}

  /** Refuses a target that is a symlink or a folder: replacing it would not do what is meant. */
  static void requireRegular(Path target) throws IOException, BulwarkException {
    if (Files.isSymbolicLink(target)) {
      throw new BulwarkException(target + " is a symbolic link; restore to the file it points to"
          + " (" + target.toRealPath() + ")");
    }
    if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new BulwarkException(target + " exists and is not a file; move it away first");
    }
  }

  /**
   * Gives {@code staged} the permissions, owner and group of {@code old}, so an application
   * running as another user can still open its database. Best effort: without the right to
   * change the owner, the restorer's own user keeps it.
   */
  static void copyOwnership(Path old, Path staged) {
    PosixFileAttributeView to = Files.getFileAttributeView(staged, PosixFileAttributeView.class);
    if (to == null) {
      return;
    }
    try {
      PosixFileAttributes from = Files.readAttributes(old, PosixFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      to.setPermissions(from.permissions());
      PosixFileAttributes now = to.readAttributes();
      if (!now.owner().equals(from.owner())) {
        to.setOwner(from.owner());
      }
      if (!now.group().equals(from.group())) {
        to.setGroup(from.group());
      }
    } catch (IOException e) {
      LOG.warn("could not give {} the owner and permissions of {}: {}", staged, old, e.toString());
    }
  }
}
