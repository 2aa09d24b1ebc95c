package dev.bulwark.core.restore;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes one file of a snapshot to a stream, as restic's {@code dump} does: blob by blob, each
 * checked against its id before any of its bytes are written, so a file of any size needs the
 * memory of one blob and a damaged blob stops the stream instead of passing into it.
 */
public final class FileDump {
  private final Repository repo;

  /** Dumps from {@code repo}, locked by the caller (or read without a lock on purpose). */
  public FileDump(Repository repo) {
    this.repo = repo;
  }

  /**
   * Writes the file at {@code path} of {@code snapshot} to {@code out}.
   *
   * @return the bytes written
   * @throws BulwarkException if the snapshot has no such path, or it is not a regular file
   * @throws CorruptionException if a blob is missing or damaged, or the content is not as long
   *     as the snapshot records (what was written until then is a prefix of the file)
   */
  public long dump(Snapshot snapshot, String path, OutputStream out)
      throws IOException, BulwarkException {
    Node node = new Restorer(repo, 1, new dev.bulwark.core.Progress()).findNode(snapshot, path);
    if (node.type() != NodeType.FILE) {
      throw new BulwarkException(path + " in snapshot " + snapshot.id().shortForm() + " is a "
          + describe(node.type()) + ", not a file; restore it with `bulwark restore "
          + snapshot.id().shortForm() + " --target DIR --include " + path + "`");
    }
    long written = 0;
    for (Id id : node.content() == null ? java.util.List.<Id>of() : node.content()) {
      byte[] plain = repo.loadBlob(BlobType.DATA, id);
      out.write(plain);
      written += plain.length;
    }
    out.flush();
    if (written != node.size()) {
      throw new CorruptionException(path + " in snapshot " + snapshot.id().shortForm()
          + " should hold " + node.size() + " bytes but its content blobs hold " + written);
    }
    return written;
  }

  private static String describe(NodeType type) {
    return switch (type) {
      case DIR -> "folder";
      case SYMLINK -> "symbolic link";
      default -> type.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    };
  }
}
