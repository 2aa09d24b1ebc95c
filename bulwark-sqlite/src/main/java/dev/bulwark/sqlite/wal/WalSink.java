package dev.bulwark.sqlite.wal;

import java.io.IOException;

/** Receives committed frames from {@link WalReader}, one page at a time, in WAL order. */
public interface WalSink {
  /** One frame of a committed transaction; its {@code page} may be kept by the sink. */
  void frame(WalFrame frame) throws IOException;

  /** The transaction whose frames came since the last commit ended; {@code end} follows it. */
  void commit(WalPosition end, int dbSizePages) throws IOException;

  /**
   * Frames delivered since the last commit belong to no transaction after all (the log was
   * restarted while they were read): forget them.
   */
  default void discardUncommitted() {}
}
