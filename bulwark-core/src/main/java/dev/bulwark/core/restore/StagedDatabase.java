package dev.bulwark.core.restore;

import dev.bulwark.core.fs.FileTrees;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.ReplayPlan;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A database restored into a staging path beside its target, verified and durable, waiting to
 * be swapped in ({@link DatabaseRestorer#swapIn}). Closing it deletes the staging copy if it was
 * not swapped in, so an abandoned restore of a group leaves every target as it was.
 *
 * @param kind how it is swapped in
 * @param snapshot the snapshot it came from
 * @param staging the verified copy
 * @param target where it goes
 * @param replay the stream segments replayed onto it, or null
 * @param bytes the bytes reused from the target and fetched
 */
record StagedDatabase(DatabaseKind kind, Snapshot snapshot, Path staging, Path target,
    @Nullable ReplayPlan replay, RestoredBytes bytes) implements AutoCloseable {

  @Override
  public void close() throws IOException {
    FileTrees.deleteRecursively(staging);
  }
}
