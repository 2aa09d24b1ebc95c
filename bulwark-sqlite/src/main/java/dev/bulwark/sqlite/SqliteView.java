package dev.bulwark.sqlite;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.backup.FileMeta;
import dev.bulwark.core.backup.SourceEntry;
import dev.bulwark.core.backup.SourceView;
import dev.bulwark.core.repo.DatabaseTags;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The view {@link SqliteSource#open()} returns: one file, the snapshot copy. */
final class SqliteView implements SourceView {
  private final Path db;
  private final FileMeta meta;
  private final SnapshotCopy copy;

  SqliteView(Path db, FileMeta meta, SnapshotCopy copy) {
    this.db = db;
    this.meta = meta;
    this.copy = copy;
  }

  @Override
  public List<String> paths() {
    return List.of(db.toString());
  }

  @Override
  public void visit(EntryVisitor visitor) throws IOException, BulwarkException {
    visitor.accept(SourceEntry.file(db, meta, copy::openStream, copy.facts().pageSize()));
  }

  @Override
  public long estimatedBytes() {
    return copy.size();
  }

  @Override
  public List<String> tags() {
    return new DatabaseTags(SqliteKind.NAME, db.toString(), copy.facts().properties()).toTags();
  }

  @Override
  public void close() throws IOException {
    copy.close();
  }
}
