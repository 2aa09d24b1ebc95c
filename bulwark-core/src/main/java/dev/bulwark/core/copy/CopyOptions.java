package dev.bulwark.core.copy;

import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.repo.BlobSaver;

/**
 * How a copy runs. Immutable; start from {@link #defaults()} and change with the withers.
 *
 * @param packBytes target size of the packs written to the target repository
 * @param zstdLevel zstd level for the blobs written; 0 stores them uncompressed
 * @param threads blobs read from the source and sealed for the target at once
 * @param checkpoints an index file is written to the target every {@code every} packs stored,
 *     so a killed copy's next run reuses them; after each the copy asks whether to yield
 */
public record CopyOptions(int packBytes, int zstdLevel, int threads,
    CheckpointPolicy checkpoints) {
  public CopyOptions {
    if (packBytes < 1024 * 1024 || packBytes > 128 * 1024 * 1024) {
      throw new IllegalArgumentException("pack size must be between 1 and 128 MiB");
    }
    if (zstdLevel < 0 || zstdLevel > 19) {
      throw new IllegalArgumentException("compression level must be between 0 and 19");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("a copy needs at least one thread, got " + threads);
    }
    if (checkpoints == null) {
      throw new IllegalArgumentException("a copy needs a checkpoint policy");
    }
  }

  /** restic's pack size, backup's zstd level, one thread per core, the default checkpoints. */
  public static CopyOptions defaults() {
    return new CopyOptions(BlobSaver.DEFAULT_PACK_BYTES, BackupOptions.DEFAULT_ZSTD_LEVEL,
        Workers.defaultThreads(), CheckpointPolicy.defaults());
  }

  public CopyOptions withPackBytes(int n) {
    return new CopyOptions(n, zstdLevel, threads, checkpoints);
  }

  public CopyOptions withZstdLevel(int level) {
    return new CopyOptions(packBytes, level, threads, checkpoints);
  }

  public CopyOptions withThreads(int n) {
    return new CopyOptions(packBytes, zstdLevel, n, checkpoints);
  }

  public CopyOptions withCheckpoints(CheckpointPolicy policy) {
    return new CopyOptions(packBytes, zstdLevel, threads, policy);
  }
}
