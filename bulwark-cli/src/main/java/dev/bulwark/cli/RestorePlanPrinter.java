package dev.bulwark.cli;

import dev.bulwark.core.restore.RestorePlan;
import dev.bulwark.core.restore.TravellingFile;
import dev.bulwark.core.stream.ReplayPlan;
import dev.bulwark.core.stream.SegmentName;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** Prints what {@code bulwark restore --dry-run} would do. */
final class RestorePlanPrinter {
  /** The throughput the estimate assumes: a local disk or a fast link to the repository. */
  static final long ASSUMED_BYTES_PER_SECOND = 100L << 20;

  private RestorePlanPrinter() {}

  /**
   * Prints the plan.
   *
   * @param databaseBytes the size of the snapshot's database file, or -1 if unknown (a folder)
   */
  static void print(PrintWriter out, RestorePlan plan, Path database, Path destination,
      long databaseBytes) {
    out.println("dry run: nothing is written");
    out.println("database:   " + database
        + (destination.equals(database) ? "" : " (restored to " + destination + ")"));
    out.println("snapshot:   " + plan.snapshot().id().shortForm() + " taken "
        + plan.snapshot().time()
        + (databaseBytes >= 0 ? ", " + Messages.bytes(databaseBytes) + " to download" : ""));
    long bytes = Math.max(0, databaseBytes);
    if (plan.replay().isEmpty()) {
      out.println("stream:     none; the snapshot is restored as it is");
    } else {
      ReplayPlan r = plan.replay().get();
      String gen = SegmentName.generation(r.start().generation());
      out.println("generation: " + gen + ", snapshot at txid " + r.start().txid());
      out.println("segments:   " + (r.segments().isEmpty() ? "none"
          : r.segments().size() + " (txid " + (r.start().txid() + 1) + ".." + r.reached().txid()
              + "), " + Messages.bytes(r.segmentBytes()) + " to download, "
              + Messages.bytes(r.pageBytes()) + " of pages to write"));
      bytes += r.segmentBytes();
    }
    out.printf("estimate:   %s in all, about %.1f s at an assumed %s/s%n", Messages.bytes(bytes),
        (double) bytes / ASSUMED_BYTES_PER_SECOND, Messages.bytes(ASSUMED_BYTES_PER_SECOND));
    out.println("reaches:    " + plan.replay().map(r -> "txid " + r.reached().txid()
        + " of generation " + SegmentName.generation(r.reached().generation()) + ", committed "
        + r.reachedTime()).orElse("the snapshot's state, " + plan.snapshot().time()));
    out.flush();
  }

  /** One line per file backed up with the database(s): what a restore would do with it. */
  static void printFiles(PrintWriter out, List<TravellingFile> files, boolean noFiles,
      boolean overwrite) {
    for (TravellingFile f : files) {
      String what = noFiles ? "not restored (--no-files)" : switch (f.state()) {
        case MISSING -> "nothing there now: would be written";
        case IDENTICAL -> "identical to the snapshot's: left alone";
        case DIFFERS -> overwrite ? "differs: would be replaced, the current file kept beside it"
            : "differs: the restore would stop (--overwrite-files replaces it)";
        case NOT_A_FILE -> "not a regular file there: the restore would stop";
      };
      out.println("file:       " + f.path() + ", " + Messages.bytes(f.size()) + ": " + what);
    }
  }
}
