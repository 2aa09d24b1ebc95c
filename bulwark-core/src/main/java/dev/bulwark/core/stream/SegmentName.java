package dev.bulwark.core.stream;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of stream objects: a generation is 16 hex digits, a segment is
 * {@code <first>-<last>.seg} with both positions as 16 zero-padded hex digits, so that the
 * lexical order of names is the order of positions, or {@code <first>-<last>-<epoch>.seg} for a
 * segment written under a lease epoch (16 hex digits too), so that a listing alone tells which
 * segments a later epoch supersedes.
 */
public final class SegmentName {
  private static final Pattern SEGMENT = Pattern.compile(
      "([0-9a-f]{16})-([0-9a-f]{16})(?:-([0-9a-f]{16}))?\\.seg");
  private static final Pattern DATABASE_ID = Pattern.compile("[0-9a-z][0-9a-z._-]{0,63}");
  private static final Pattern GENERATION = Pattern.compile("[0-9a-f]{16}");

  private SegmentName() {}

  /** The name of the segment covering {@code first..last}. */
  public static String of(long first, long last) {
    return String.format("%016x-%016x.seg", first, last);
  }

  /** The name of the segment covering {@code first..last} written under {@code epoch}. */
  public static String of(long first, long last, long epoch) {
    return epoch == 0 ? of(first, last) : String.format("%016x-%016x-%016x.seg", first, last,
        epoch);
  }

  /** The epoch in a segment name: 0 where it has none. */
  public static long epoch(String name) {
    Matcher m = SEGMENT.matcher(name);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a segment name: " + name);
    }
    return m.group(3) == null ? 0 : Long.parseUnsignedLong(m.group(3), 16);
  }

  /** A generation id as a folder name. */
  public static String generation(long generation) {
    return String.format("%016x", generation);
  }

  /** True if {@code name} is a segment name. */
  public static boolean isSegment(String name) {
    return SEGMENT.matcher(name).matches();
  }

  /** True if {@code name} is a generation folder's name. */
  public static boolean isGeneration(String name) {
    return GENERATION.matcher(name).matches();
  }

  /** True if {@code id} is a valid database id (see {@link #requireDatabaseId}). */
  public static boolean isDatabaseId(String id) {
    return DATABASE_ID.matcher(id).matches() && !id.contains("..");
  }

  /** The first position in a segment name. */
  public static long first(String name) {
    return position(name, 1);
  }

  /** The last position in a segment name. */
  public static long last(String name) {
    return position(name, 2);
  }

  /**
   * Checks a database id: lowercase letters, digits, '.', '_' and '-', at most 64, so that it is
   * a safe folder name on every backend.
   */
  public static String requireDatabaseId(String id) {
    if (id == null || !isDatabaseId(id)) {
      throw new IllegalArgumentException("invalid database id: " + id);
    }
    return id;
  }

  private static long position(String name, int group) {
    Matcher m = SEGMENT.matcher(name);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a segment name: " + name);
    }
    return Long.parseUnsignedLong(m.group(group), 16);
  }
}
