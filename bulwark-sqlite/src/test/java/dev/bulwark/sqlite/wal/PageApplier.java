package dev.bulwark.sqlite.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Applies committed frames to a copy of the main database file, as a checkpoint would. */
final class PageApplier implements WalSink, AutoCloseable {
  private final FileChannel copy;
  private final List<Integer> commitSizes = new ArrayList<>();
  private int pageSize;
  private int frames;

  PageApplier(Path copy) throws IOException {
    this.copy = FileChannel.open(copy, StandardOpenOption.WRITE);
  }

  @Override
  public void frame(WalFrame frame) throws IOException {
    pageSize = frame.page().length;
    frames++;
    copy.write(ByteBuffer.wrap(frame.page()), (long) (frame.pageNumber() - 1) * pageSize);
  }

  @Override
  public void commit(WalPosition end, int dbSizePages) throws IOException {
    commitSizes.add(dbSizePages);
    copy.truncate((long) dbSizePages * pageSize);
  }

  List<Integer> commits() {
    return commitSizes;
  }

  int frames() {
    return frames;
  }

  @Override
  public void close() throws IOException {
    copy.close();
  }
}
