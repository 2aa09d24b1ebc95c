package dev.bulwark.core.backup;

import dev.bulwark.core.chunk.FixedChunker;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.repo.BlobSaver;
import dev.bulwark.core.repo.Host;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a backup runs. Immutable; start from {@link #defaults()} and change with the withers.
 *
 * @param chunkBytes size of content chunks of plain files (and RocksDB's, which never change in
 *     place)
 * @param pageChunkBytes size of content chunks of page-aligned database files (SQLite), rounded
 *     down to the page size
 * @param packBytes target size of pack files
 * @param zstdLevel zstd level for content; 0 stores content uncompressed
 * @param threads worker threads for hashing, compressing and sealing
 * @param hostname recorded in the snapshot
 * @param tags added to the snapshot
 * @param clock source of the snapshot time
 * @param checkpoints an index file is written every {@code every} packs stored, so a killed
 *     backup's next run reuses them; after each the backup asks whether to yield
 * @param parent the snapshot (id or unique prefix) whose unchanged files are reused; null for
 *     the newest snapshot of the same paths from this host
 * @param force read every file, reusing nothing from the parent (which is still recorded)
 */
public record BackupOptions(int chunkBytes, int pageChunkBytes, int packBytes, int zstdLevel,
    int threads, String hostname, List<String> tags, Clock clock, CheckpointPolicy checkpoints,
    @Nullable String parent, boolean force) {
  /**
   * Default chunk size. Databases rewrite pages in place; small page-aligned chunks keep what a
   * changed page costs small, at the price of longer content lists (see bench/).
   */
  public static final int DEFAULT_CHUNK_BYTES = 64 * 1024;
  /**
   * Default chunk size of database pages, chosen by measurement (bench/RESULTS.md, fold.sh):
   * after 1% of a SQLite database's rows change, 32 KiB chunks store 0.71x of what 64 KiB
   * chunks store (16 KiB: 0.45x), while a 10 GiB database's content list stays at 24 MiB of ids
   * and a 21 MiB tree (16 KiB: twice that, too close to a 256 MiB heap).
   */
  public static final int DEFAULT_PAGE_CHUNK_BYTES = 32 * 1024;
  /** Default zstd level: restic's "auto" is about level 3; level 1 is much faster. */
  public static final int DEFAULT_ZSTD_LEVEL = 1;

  /**
   * Checks every size, level and count is in range.
   *
   * @param chunkBytes chunk size of plain files, in bytes
   * @param pageChunkBytes chunk size of page-aligned database files, in bytes
   * @param packBytes target pack size, between 1 and 128 MiB
   * @param zstdLevel zstd level, 0 (uncompressed) to 19
   * @param threads worker threads; at least 1
   * @param hostname the host name recorded in the snapshot
   * @param tags tags added to the snapshot
   * @param clock the clock the snapshot's time is read from
   * @param checkpoints how often an index checkpoint is written, and what asks to yield
   * @param parent the snapshot whose unchanged files are reused, or null for the newest match
   * @param force true to read every file
   * @throws IllegalArgumentException if a value is out of range; the message names it
   */
  public BackupOptions {
    for (int n : new int[] {chunkBytes, pageChunkBytes}) {
      if (n < FixedChunker.MIN_CHUNK_BYTES || n > FixedChunker.MAX_CHUNK_BYTES) {
        throw new IllegalArgumentException("chunk size must be between "
            + FixedChunker.MIN_CHUNK_BYTES + " and " + FixedChunker.MAX_CHUNK_BYTES + " bytes");
      }
    }
    if (packBytes < 1024 * 1024 || packBytes > 128 * 1024 * 1024) {
      throw new IllegalArgumentException("pack size must be between 1 and 128 MiB");
    }
    if (zstdLevel < 0 || zstdLevel > 19) {
      throw new IllegalArgumentException("compression level must be between 0 and 19");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    if (checkpoints == null) {
      throw new IllegalArgumentException("a backup needs a checkpoint policy");
    }
    tags = List.copyOf(tags);
  }

  /**
   * The chunk size for content aligned to {@code alignment} bytes (a database's page size; 1
   * for other files): {@link #chunkBytes} for other files, {@link #pageChunkBytes} rounded down
   * to a multiple of the page size for databases, but never below {@link
   * FixedChunker#MIN_CHUNK_BYTES}. Every writer of database content chunks with this size, so
   * that the same bytes always make the same chunks and deduplicate.
   *
   * @param alignment the content's alignment in bytes: a page size, or 1
   * @return the chunk size to cut that content with, in bytes
   */
  public int chunkBytesFor(int alignment) {
    if (alignment < 1) {
      throw new IllegalArgumentException("alignment must be positive");
    }
    if (alignment == 1) {
      return chunkBytes;
    }
    return Math.max(FixedChunker.MIN_CHUNK_BYTES, pageChunkBytes / alignment * alignment);
  }

  /**
   * Defaults: 64 KiB chunks (32 KiB for database pages), 16 MiB packs, zstd level 1, one thread
   * per core.
   *
   * @return the default options, recorded under this machine's host name
   */
  public static BackupOptions defaults() {
    return new BackupOptions(DEFAULT_CHUNK_BYTES, DEFAULT_PAGE_CHUNK_BYTES,
        BlobSaver.DEFAULT_PACK_BYTES, DEFAULT_ZSTD_LEVEL, Workers.defaultThreads(), Host.name(),
        List.of(), Clock.systemUTC(), CheckpointPolicy.defaults(), null,
        false);
  }

  /**
   * These options with {@code n}-byte chunks for all content, database pages included.
   *
   * @param n the chunk size in bytes
   * @return new options; these are unchanged
   */
  public BackupOptions withChunkBytes(int n) {
    return new BackupOptions(n, n, packBytes, zstdLevel, threads, hostname, tags, clock,
        checkpoints, parent, force);
  }

  /**
   * These options with {@code n}-byte chunks for database pages only.
   *
   * @param n the chunk size in bytes
   * @return new options; these are unchanged
   */
  public BackupOptions withPageChunkBytes(int n) {
    return new BackupOptions(chunkBytes, n, packBytes, zstdLevel, threads, hostname, tags,
        clock, checkpoints, parent, force);
  }

  /**
   * These options with packs of about {@code n} bytes; larger packs mean fewer files to store.
   *
   * @param n the pack size in bytes, between 1 and 128 MiB
   * @return new options; these are unchanged
   */
  public BackupOptions withPackBytes(int n) {
    return new BackupOptions(chunkBytes, pageChunkBytes, n, zstdLevel, threads, hostname, tags,
        clock, checkpoints, parent, force);
  }

  /**
   * These options compressing content at zstd level {@code n}.
   *
   * @param n the level, 0 (stored uncompressed) to 19 (smallest, slowest)
   * @return new options; these are unchanged
   */
  public BackupOptions withZstdLevel(int n) {
    return new BackupOptions(chunkBytes, pageChunkBytes, packBytes, n, threads, hostname, tags,
        clock, checkpoints, parent, force);
  }

  /**
   * These options with {@code n} worker threads.
   *
   * @param n how many threads hash, compress and seal chunks; at least 1
   * @return new options; these are unchanged
   */
  public BackupOptions withThreads(int n) {
    return new BackupOptions(chunkBytes, pageChunkBytes, packBytes, zstdLevel, n, hostname, tags,
        clock, checkpoints, parent, force);
  }

  /**
   * These options recording snapshots under host name {@code h}.
   *
   * @param h the host name; {@code latest} and retention choose among one host's snapshots by it
   * @return new options; these are unchanged
   */
  public BackupOptions withHostname(String h) {
    return new BackupOptions(chunkBytes, pageChunkBytes, packBytes, zstdLevel, threads, h, tags,
        clock, checkpoints, parent, force);
  }

  /**
   * These options adding tags {@code t} to every snapshot.
   *
   * @param t the tags, e.g. to tell scheduled from manual backups
   * @return new options; these are unchanged
   */
  public BackupOptions withTags(List<String> t) {
    return new BackupOptions(chunkBytes, pageChunkBytes, packBytes, zstdLevel, threads, hostname,
        t, clock, checkpoints, parent, force);
  }

  /**
   * These options reading the snapshot's time from {@code c}.
   *
   * @param c the clock; tests fix it to get known times
   * @return new options; these are unchanged
   */
  public BackupOptions withClock(Clock c) {
    return new BackupOptions(chunkBytes, pageChunkBytes, packBytes, zstdLevel, threads, hostname,
        tags, c, checkpoints, parent, force);
  }

  /**
   * These options with an index checkpoint every {@code policy.every()} packs stored, asking
   * {@code policy.yieldSignal()} after each whether to stop there.
   *
   * @param policy the checkpoint interval and the yield signal
   * @return new options; these are unchanged
   */
  public BackupOptions withCheckpoints(CheckpointPolicy policy) {
    return new BackupOptions(chunkBytes, pageChunkBytes, packBytes, zstdLevel, threads, hostname,
        tags, clock, policy, parent, force);
  }

  /**
   * These options with {@code ref} (a snapshot id or unique prefix) as the parent whose
   * unchanged files are reused, whatever its host and paths; null to pick the newest snapshot of
   * the same paths from this host.
   *
   * @param ref a snapshot id or prefix, or null
   * @return new options; these are unchanged
   */
  public BackupOptions withParent(@Nullable String ref) {
    return new BackupOptions(chunkBytes, pageChunkBytes, packBytes, zstdLevel, threads, hostname,
        tags, clock, checkpoints, ref, force);
  }

  /**
   * These options reading every file ({@code true}) or reusing unchanged ones from the parent.
   *
   * @param f true to read every file
   * @return new options; these are unchanged
   */
  public BackupOptions withForce(boolean f) {
    return new BackupOptions(chunkBytes, pageChunkBytes, packBytes, zstdLevel, threads, hostname,
        tags, clock, checkpoints, parent, f);
  }
}
