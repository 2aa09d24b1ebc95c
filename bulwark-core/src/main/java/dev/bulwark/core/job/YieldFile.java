package dev.bulwark.core.job;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A {@link YieldSignal} that asks while a sentinel file exists (a job's {@code --yield-file
 * PATH}). Only looks: it never creates, changes or deletes the sentinel, which belongs to
 * whoever made it. A symbolic link counts as the file it is, dangling or not.
 *
 * @param sentinel the file whose existence asks the job to yield
 */
public record YieldFile(Path sentinel) implements YieldSignal {
  /**
   * Checks the path is given.
   *
   * @param sentinel the file whose existence asks the job to yield
   * @throws IllegalArgumentException if it is not
   */
  public YieldFile {
    if (sentinel == null) {
      throw new IllegalArgumentException("a yield file needs a path");
    }
  }

  @Override
  public @Nullable String requested() {
    return Files.exists(sentinel, LinkOption.NOFOLLOW_LINKS)
        ? "yield file " + sentinel + " exists" : null;
  }
}
