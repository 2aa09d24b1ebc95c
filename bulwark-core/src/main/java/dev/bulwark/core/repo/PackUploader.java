package dev.bulwark.core.repo;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.index.PackBlobs;
import dev.bulwark.core.pack.FinishedPack;
import dev.bulwark.core.pack.PackWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;

/**
 * Gathers sealed blobs into packs (one open pack per blob type) and stores each full pack on
 * upload threads, so that whoever fills packs (backup's sealing threads, prune's repack) never
 * waits for a write and fsync. The one pack-filling path of the repository. Thread-safe.
 *
 * <p>Memory is bounded: at most {@code maxPacksInFlight} finished packs wait or upload at
 * once, after which {@link #add} waits, so at most that many packs and one open pack per type
 * are held, whatever the number of threads adding. A pack is stored before its {@link Listener} hears of
 * it, and the listener writes any index naming it, so no index ever names a pack not stored.
 */
public final class PackUploader {
  /** Told of each stored pack, on the thread that stored it. */
  @FunctionalInterface
  public interface Listener {
    /** {@code pack} is stored, {@code bytes} long. */
    void stored(PackBlobs pack, long bytes) throws IOException;
  }

  private final Repository repo;
  private final int packBytes;
  private final Listener listener;
  private final Map<BlobType, PackWriter> writers = new EnumMap<>(BlobType.class);
  private final Executor uploads;
  private final Semaphore packsInFlight;
  private final List<CompletableFuture<Void>> pending = new ArrayList<>();
  private volatile IOException uploadFailure;

  /**
   * An uploader storing packs of about {@code packBytes} on {@code uploads} (owned by the
   * caller), with at most {@code maxPacksInFlight} finished packs waiting or uploading at once.
   */
  public PackUploader(Repository repo, int packBytes, Executor uploads, int maxPacksInFlight,
      Listener listener) {
    if (maxPacksInFlight < 1) {
      throw new IllegalArgumentException("at least one pack must be allowed in flight");
    }
    this.repo = repo;
    this.packBytes = packBytes;
    this.uploads = uploads;
    this.packsInFlight = new Semaphore(maxPacksInFlight);
    this.listener = listener;
  }

  /**
   * How many finished packs may wait for or be in upload at once: one per connection plus one
   * being handed over, but fewer on a small heap: each pack held costs its size in heap, and a
   * backup must leave room for its chunks, the index and the collector's headroom (on a
   * 128 MiB heap, one pack in flight beside the one being filled; on the launcher's 192 MiB,
   * two: one fewer cost a quarter of a 1 GiB backup's speed, and 70% more time on a 10 GiB
   * one). The JVM reports the launcher's heap as 171 to 184 MiB, so a pack counts five times
   * its size here: at six, that heap got one pack in flight.
   */
  public static int packsInFlight(int connections, int packBytes, long maxHeapBytes) {
    long affordable = maxHeapBytes / (5L * packBytes);
    return (int) Math.max(1, Math.min(connections + 1L, affordable));
  }

  /** restic's smallest pack size before 0.14 made 16 MiB the default; restic reads any size. */
  public static final int SMALL_HEAP_PACK_BYTES = 4 * 1024 * 1024;

  /**
   * The pack size to fill on a heap of {@code maxHeapBytes}: {@code packBytes}, unless the heap
   * is under nine packs of it (144 MiB for 16 MiB packs), in which case packs shrink to 1/32 of
   * the heap, at least {@link #SMALL_HEAP_PACK_BYTES}. On a 128 MiB heap a backup of 10 GiB at
   * 16 KiB chunks holds about 60 MiB of index and content list by its end, and two 16 MiB packs
   * (the open one and the one uploading) were what tipped it over; 4 MiB ones leave the room
   * (the JVM reports such a heap as 123 to 128 MiB, by collector). The launcher's 192 MiB, which
   * the JVM reports as 171 to 184 MiB, keeps 16 MiB packs: shrinking them there tripled the pack
   * files of every backup.
   */
  public static int packBytesFor(int packBytes, long maxHeapBytes) {
    if (maxHeapBytes >= 9L * packBytes) {
      return packBytes;
    }
    long shrunk = Math.max(SMALL_HEAP_PACK_BYTES, maxHeapBytes / 32);
    return (int) Math.min(packBytes, shrunk);
  }

  /**
   * Adds a sealed blob to the open pack of its type, and hands that pack to an upload thread
   * once full (waiting while too many are in flight).
   *
   * @param uncompressedLength the plaintext length if the blob is compressed, else 0
   * @throws IOException if an earlier upload failed
   */
  public void add(BlobType type, Id id, byte[] sealed, int uncompressedLength)
      throws IOException {
    add(type, id, ByteBuffer.wrap(sealed), uncompressedLength);
  }

  /**
   * Adds a sealed blob held in a buffer (from its position to its limit, such as a spilled
   * blob's file mapping), as {@link #add(BlobType, Id, byte[], int)}.
   *
   * @param uncompressedLength the plaintext length if the blob is compressed, else 0
   * @throws IOException if an earlier upload failed
   */
  public void add(BlobType type, Id id, ByteBuffer sealed, int uncompressedLength)
      throws IOException {
    IOException failed = uploadFailure;
    if (failed != null) {
      throw new IOException("an earlier pack upload failed: " + failed.getMessage(), failed);
    }
    PackWriter full = null;
    synchronized (writers) {
      PackWriter w = writers.computeIfAbsent(type, t -> new PackWriter(repo.key()));
      w.add(type, id, sealed, uncompressedLength);
      if (w.size() >= packBytes) {
        // Wait for room while holding the lock: a thread adding meanwhile would otherwise
        // start another pack, and the packs held would grow with the number of threads.
        awaitRoom();
        full = w;
        writers.remove(type);
      }
    }
    if (full != null) {
      upload(full);
    }
  }

  private void awaitRoom() throws InterruptedIOException {
    try {
      packsInFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to upload a pack");
    }
  }

  /** Finishes {@code w} and hands it to an upload thread; the caller holds a permit. */
  private void upload(PackWriter w) throws IOException {
    FinishedPack p;
    try {
      p = w.finish();
    } catch (RuntimeException e) {
      packsInFlight.release();
      throw e;
    }
    CompletableFuture<Void> f;
    try {
      f = CompletableFuture.runAsync(() -> {
        try {
          repo.savePack(p);
          listener.stored(new PackBlobs(p.id(), p.blobs()), p.length());
        } catch (IOException e) {
          uploadFailure = e;
          throw new UncheckedIOException(e);
        } finally {
          packsInFlight.release();
        }
      }, uploads);
    } catch (RuntimeException e) {
      packsInFlight.release();
      throw e;
    }
    synchronized (pending) {
      pending.add(f);
      pending.removeIf(u -> u.isDone() && !u.isCompletedExceptionally());
    }
  }

  /**
   * Waits until every pack handed to an upload thread so far is stored (and its listener
   * called); the open packs stay open.
   *
   * @throws IOException if an upload failed
   */
  public void awaitUploads() throws IOException {
    List<CompletableFuture<Void>> all;
    synchronized (pending) {
      all = new ArrayList<>(pending);
      pending.clear();
    }
    for (CompletableFuture<Void> f : all) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for pack uploads");
      } catch (ExecutionException e) {
        Throwable c = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
        throw c instanceof IOException io ? io : new IOException("pack upload failed", c);
      }
    }
  }

  /**
   * Finishes the open packs and waits until every pack is stored: when it returns, everything
   * added is durable and its listener called.
   */
  public void flush() throws IOException {
    List<PackWriter> open;
    synchronized (writers) {
      open = new ArrayList<>(writers.values());
      writers.clear();
    }
    for (PackWriter w : open) {
      awaitRoom();
      upload(w);
    }
    awaitUploads();
  }
}
