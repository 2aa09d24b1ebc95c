package dev.bulwark.core.backup;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.index.Index;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.tree.FileName;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decides which files did not change since the parent snapshot, so that their content list is
 * reused without reading them.
 *
 * <p>A file with {@link SourceEntry.Reuse#IF_METADATA_EQUAL} is unchanged when its size, mtime,
 * ctime and inode all equal the parent node's (restic's rule; the device id is not compared,
 * since it can change across reboots). A file with {@link SourceEntry.Reuse#IF_SIZE_EQUAL} is
 * unchanged when the parent has a file of the same name, size and mtime: the mtime tells a
 * database deleted and created again, or restored to an older state, whose new tables reuse
 * the numbers (and often the sizes) of tables in the parent. Either way every blob of the
 * reused list must still be in the index (a pruned or damaged parent makes the file be read).
 *
 * <p>Timestamps only prove that nothing changed when they were taken well before the parent
 * began: a file written within the file system's clock tick of the parent reading it can change
 * again without its mtime or ctime moving (git's "racy" files). Such files, and files dated in
 * the future (a wrong clock), are always read.
 */
final class UnchangedFiles {
  /**
   * How long before the parent began a file's mtime and ctime must be: the kernel stamps files
   * from a coarse clock (a few ms behind); a second leaves room for clocks set by hand.
   */
  static final Duration RACY_MARGIN = Duration.ofSeconds(1);
  private final ParentTree parent;
  private final Instant trustedBefore;
  private final Instant now;
  private final Index index;

  /**
   * @param now this backup's start on the system clock, past which no file may be dated
   */
  UnchangedFiles(ParentTree parent, Snapshot parentSnapshot, Index index, Instant now) {
    this.parent = parent;
    this.trustedBefore = parentSnapshot.time().minus(RACY_MARGIN);
    this.now = now;
    this.index = index;
  }

  /**
   * The content list of the parent's node for {@code e} (at {@code names}) if {@code e} is a
   * file that did not change since; null if it must be read.
   */
  @Nullable List<Id> reusableContent(SourceEntry e, List<FileName> names) {
    if (e.kind() != SourceEntry.Kind.FILE || e.reuse() == SourceEntry.Reuse.NEVER
        || e.size() < 0) {
      return null;
    }
    Node old = parent.find(names);
    if (old == null || old.type() != NodeType.FILE || old.size() != e.size()
        || old.content() == null) {
      return null;
    }
    if (e.reuse() == SourceEntry.Reuse.IF_METADATA_EQUAL ? !sameMetadata(e.meta(), old)
        : !e.meta().mtime().equals(old.mtime())) {
      return null;
    }
    for (Id id : old.content()) {
      if (!index.has(BlobType.DATA, id)) {
        return null;
      }
    }
    return old.content();
  }

  private boolean sameMetadata(FileMeta m, Node old) {
    // An unknown inode (0) proves nothing.
    return m.inode() != 0 && m.inode() == old.inode()
        && m.mtime().equals(old.mtime()) && m.ctime().equals(old.ctime())
        && m.mtime().isBefore(trustedBefore) && m.ctime().isBefore(trustedBefore)
        && !m.mtime().isAfter(now);
  }
}
