package dev.bulwark.core.check;

import java.util.List;

/**
 * What a check found.
 *
 * @param errors problems that make data unrestorable or the repository invalid
 * @param hints harmless findings (e.g. packs no index names, left by an interrupted backup)
 * @param streams what was checked of the stream folder ({@link Streams#NONE} if it is empty)
 * @param snapshots snapshots checked
 * @param trees distinct trees read
 * @param packs packs checked
 * @param packsRead packs read in full (with {@code READ_DATA}; 0 otherwise)
 */
public record CheckResult(List<String> errors, List<String> hints, long snapshots, long trees,
    long packs, long packsRead, Streams streams) {
  /**
   * Copies the lists, so the result cannot change under its reader.
   *
   * @param errors problems that make data unrestorable or the repository invalid
   * @param hints harmless findings (e.g. packs no index names, left by an interrupted backup)
   * @param snapshots snapshots checked
   * @param trees distinct trees read
   * @param packs packs checked
   * @param packsRead packs read in full (with {@code READ_DATA}; 0 otherwise)
   * @param streams what was checked of the stream folder ({@link Streams#NONE} if it is empty)
   */
  public CheckResult {
    errors = List.copyOf(errors);
    hints = List.copyOf(hints);
  }

  /**
   * True if no error was found.
   *
   * @return true if {@code errors} is empty; hints do not count
   */
  public boolean ok() {
    return errors.isEmpty();
  }

  /**
   * How much of the stream folder was checked: databases and generations that hold at least
   * one segment, their segment files, and those files' stored bytes.
   */
  public record Streams(long databases, long generations, long segments, long bytes) {
    /** A repository without streams. */
    public static final Streams NONE = new Streams(0, 0, 0, 0);

    /**
     * True if no segment was found.
     *
     * @return true if the repository holds no stream segment
     */
    public boolean isEmpty() {
      return segments == 0;
    }
  }
}
