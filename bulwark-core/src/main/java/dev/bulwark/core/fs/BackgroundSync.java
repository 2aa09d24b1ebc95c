package dev.bulwark.core.fs;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Makes a file, or a folder with everything below it, durable on a thread of its own while the
 * caller goes on: writing a restored database back to disk then overlaps its replay and its
 * verification, which read it from the page cache, instead of following them. Each {@link
 * #syncAgain()} queues another pass after the ones before (for what was written since); {@link
 * #await()} returns once every pass is done. Nothing may be moved into place before that.
 */
public final class BackgroundSync implements AutoCloseable {
  private final Path root;
  /** What the passes make durable: what was under the root when it started. */
  private final List<Path> entries;
  private final ExecutorService thread;
  private final List<Future<?>> passes = new ArrayList<>();

  private BackgroundSync(Path root, List<Path> entries) {
    this.root = root;
    this.entries = entries;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "bulwark-sync");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts making {@code root} (a file or a folder tree) durable: the files and folders under
   * it now (what is added later, say by opening a database to verify it, is not its concern).
   */
  public static BackgroundSync start(Path root) throws IOException {
    BackgroundSync s = new BackgroundSync(root, entries(root));
    s.syncAgain();
    return s;
  }

  /** Queues one more pass, for what was written to its entries since the last one began. */
  public synchronized void syncAgain() {
    passes.add(thread.submit(() -> {
      syncAll(entries);
      return null;
    }));
  }

  /**
   * Waits for every pass queued so far.
   *
   * @throws IOException if a file or folder could not be made durable
   */
  public void await() throws IOException {
    List<Future<?>> queued;
    synchronized (this) {
      queued = List.copyOf(passes);
    }
    for (Future<?> f : queued) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for fsync of " + root);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof UncheckedIOException u) {
          throw u.getCause();
        }
        if (c instanceof IOException io) {
          throw io;
        }
        throw new IllegalStateException("fsync of " + root + " failed", c);
      }
    }
  }

  /**
   * Stops after the pass under way (one not yet started is dropped) and waits for it: the
   * tree may then be deleted. Errors are not reported; {@link #await()} reports them.
   */
  @Override
  public void close() {
    thread.shutdownNow();
    boolean interrupted = false;
    while (true) {
      try {
        if (thread.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The regular files under {@code root} (or root itself), then its folders from the deepest
   * up: the order that makes each entry durable after what it names.
   */
  private static List<Path> entries(Path root) throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return List.of(root);
    }
    List<Path> files = new ArrayList<>();
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          files.add(p);
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          dirs.add(p);
        }
      }
    }
    for (int i = dirs.size() - 1; i >= 0; i--) {
      files.add(dirs.get(i));
    }
    return files;
  }

  private static void syncAll(List<Path> entries) throws IOException {
    for (Path p : entries) {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        AtomicFiles.fsyncDirectory(p);
      } else {
        force(p);
      }
    }
  }

  /** fsync through a read-only descriptor (Linux allows it): a restored file may be 0444. */
  private static void force(Path file) throws IOException {
    try (FileChannel ch = open(file)) {
      ch.force(true);
    }
  }

  private static FileChannel open(Path file) throws IOException {
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (AccessDeniedException e) {
      return FileChannel.open(file, StandardOpenOption.WRITE);
    }
  }
}
