package dev.bulwark.core.backend;

import dev.bulwark.core.FileType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link Backend} that hands every call to another one: the base of backends that change a
 * few calls and pass the rest on (a rate limit, injected faults). One place forwards each
 * method, so a method added to {@link Backend} cannot be passed over by one wrapper and reach
 * the wrapped backend's default instead.
 */
public abstract class ForwardingBackend implements Backend {
  /** The backend every call goes to unless a subclass changes it. */
  protected final Backend inner;

  /** A backend passing every call to {@code inner}. */
  protected ForwardingBackend(Backend inner) {
    this.inner = inner;
  }

  @Override
  public String location() {
    return inner.location();
  }

  @Override
  public boolean exists() throws IOException {
    return inner.exists();
  }

  @Override
  public void create() throws IOException {
    inner.create();
  }

  @Override
  public void save(Handle handle, List<ByteBuffer> parts) throws IOException {
    inner.save(handle, parts);
  }

  @Override
  public byte[] load(Handle handle, long offset, int length) throws IOException {
    return inner.load(handle, offset, length);
  }

  @Override
  public Optional<Long> stat(Handle handle) throws IOException {
    return inner.stat(handle);
  }

  @Override
  public void list(FileType type, Consumer<FileInfo> consumer) throws IOException {
    inner.list(type, consumer);
  }

  @Override
  public void listFolder(FileType type, String folder, Consumer<FileInfo> consumer)
      throws IOException {
    inner.listFolder(type, folder, consumer);
  }

  @Override
  public void listTree(FileType type, Consumer<FileInfo> consumer) throws IOException {
    inner.listTree(type, consumer);
  }

  @Override
  public void delete(Handle handle) throws IOException {
    inner.delete(handle);
  }

  @Override
  public int deleteTempFiles(Duration lockFreeMinAge) throws IOException {
    return inner.deleteTempFiles(lockFreeMinAge);
  }

  @Override
  public int connections() {
    return inner.connections();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
