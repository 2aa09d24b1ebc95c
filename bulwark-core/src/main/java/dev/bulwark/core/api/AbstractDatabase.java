package dev.bulwark.core.api;

import dev.bulwark.core.SourceException;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.backup.SourceView;
import dev.bulwark.core.restore.DatabaseKind;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The plain part of a {@link Database}: a path, the {@link Source} that backs it up and the
 * {@link DatabaseKind} that restores it. Database modules extend it and add the factories that
 * pick the right source for their engine.
 */
public abstract class AbstractDatabase implements Database {
  private final Path path;
  private final Source source;
  private final DatabaseKind kind;

  /**
   * {@code path} should be absolute and normalized: snapshots are found by it.
   *
   * @param path where the database lives, absolute and normalized
   * @param source what a backup reads the database through
   * @param kind how a restored copy is verified and swapped in
   */
  protected AbstractDatabase(Path path, Source source, DatabaseKind kind) {
    this.path = Objects.requireNonNull(path, "path");
    this.source = Objects.requireNonNull(source, "source");
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  @Override
  public final Path path() {
    return path;
  }

  @Override
  public final DatabaseKind kind() {
    return kind;
  }

  @Override
  public final SourceView open() throws SourceException {
    return source.open();
  }

  /** The source that backs it up, e.g. to ask whether it can stream. */
  final Source source() {
    return source;
  }

  @Override
  public String toString() {
    return source.toString();
  }
}
