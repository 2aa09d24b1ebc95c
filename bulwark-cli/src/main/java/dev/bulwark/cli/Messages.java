package dev.bulwark.cli;

import dev.bulwark.cli.config.SizeText;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** Turns any failure into the one line a user reads. */
final class Messages {
  private Messages() {}

  static String oneLine(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof OutOfMemoryError) {
        return outOfMemory(Runtime.getRuntime().maxMemory());
      }
    }
    String m;
    if (t instanceof NoSuchFileException e) {
      m = "no such file or directory: " + e.getFile();
    } else if (t instanceof AccessDeniedException e) {
      m = "permission denied: " + e.getFile();
    } else if (t instanceof FileAlreadyExistsException e) {
      m = "already exists: " + e.getFile();
    } else if (t instanceof FileSystemException e && e.getReason() != null) {
      m = e.getReason() + (e.getFile() != null ? ": " + e.getFile() : "");
    } else if (t.getMessage() != null && !t.getMessage().isBlank()) {
      m = t.getMessage();
    } else {
      m = t.getClass().getSimpleName();
    }
    return m.replace('\n', ' ');
  }

  /** What to do when the heap ran out: this much data needs a larger one. */
  static String outOfMemory(long maxHeapBytes) {
    return "out of memory: this job needs more than the JVM's " + bytes(maxHeapBytes)
        + " heap; raise it, e.g. BULWARK_OPTS=-Xmx1g (see the README's memory notes)";
  }

  /** Human size: 1.5 GiB. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format("%.1f %s", v, units[u]);
  }

  /** Parses 64K, 16M, 1G or a plain byte count. */
  static int parseSize(String s) throws UsageException {
    try {
      return SizeText.parse(s);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
