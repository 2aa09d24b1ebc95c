package dev.bulwark.sqlite.stream;

import dev.bulwark.sqlite.wal.WalFrame;
import dev.bulwark.sqlite.wal.WalHeader;
import dev.bulwark.sqlite.wal.WalPosition;
import dev.bulwark.sqlite.wal.WalSink;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Hands committed frames to a {@link SegmentAssembler} and appends each transaction it accepted
 * to the {@link LocalStreamLog}, with the stream position the assembler gave it and the WAL
 * position after it. Not thread-safe.
 */
public final class LoggingSink implements WalSink {
  private final SegmentAssembler assembler;
  private final LocalStreamLog log;
  private final long generation;
  private final Supplier<@Nullable WalHeader> currentLife;
  private final Map<Long, byte[]> transaction = new HashMap<>();

  /** A sink that feeds {@code assembler} and logs to {@code log} for {@code generation}. */
  public LoggingSink(SegmentAssembler assembler, LocalStreamLog log, long generation,
      Supplier<@Nullable WalHeader> currentLife) {
    this.assembler = assembler;
    this.log = log;
    this.generation = generation;
    this.currentLife = currentLife;
  }

  @Override
  public void frame(WalFrame frame) throws IOException {
    assembler.frame(frame);
    transaction.put(Integer.toUnsignedLong(frame.pageNumber()), frame.page());
  }

  @Override
  public void commit(WalPosition end, int dbSizePages) throws IOException {
    assembler.commit(end, dbSizePages);
    WalHeader life = currentLife.get();
    if (life == null) {
      throw new IllegalStateException("a commit outside any WAL life");
    }
    log.append(generation, assembler.readTxid(), life, end, dbSizePages, transaction);
    transaction.clear();
  }

  @Override
  public void discardUncommitted() {
    assembler.discardUncommitted();
    transaction.clear();
  }
}
