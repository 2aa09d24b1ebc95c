package dev.bulwark.core;

import java.time.Instant;
import java.util.Objects;

/**
 * Which snapshot a restore or a query means: {@link #latest()}, {@link #id(String)} (a full id or
 * a unique prefix) or {@link #at(Instant)} (the newest at or before a time). {@code latest} and
 * {@code at} choose among the snapshots of one database written by one host; an id names one
 * snapshot outright.
 */
public sealed interface SnapshotRef {

  /**
   * The newest snapshot.
   *
   * @return the reference; resolved when a call uses it
   */
  static SnapshotRef latest() {
    return Latest.INSTANCE;
  }

  /**
   * The snapshot whose id is {@code prefix} or starts with it. The prefix is checked against the
   * repository when it is used: not hex, no match or several matches fail then.
   *
   * @param prefix a full id, or the first hex characters of one (restic's short form has 8)
   * @return the reference; resolved when a call uses it
   */
  static SnapshotRef id(String prefix) {
    return new IdPrefix(prefix);
  }

  /**
   * The newest snapshot taken at or before {@code time}.
   *
   * @param time the latest time a chosen snapshot may have been taken at
   * @return the reference; resolved when a call uses it
   */
  static SnapshotRef at(Instant time) {
    return new At(time);
  }

  /**
   * Reads a reference as restic's command line writes one: {@code latest}, else an id or a
   * prefix.
   *
   * @param text {@code latest}, an id or an id's prefix
   * @return the reference; an invalid id fails only when a call uses it
   */
  static SnapshotRef parse(String text) {
    return "latest".equals(text) ? latest() : id(text);
  }

  /** The newest snapshot. */
  record Latest() implements SnapshotRef {
    private static final Latest INSTANCE = new Latest();

    @Override
    public String toString() {
      return "latest";
    }
  }

  /**
   * A full snapshot id or a unique prefix of one, as given.
   *
   * @param prefix the id or prefix as the user gave it; checked when a call resolves it
   */
  record IdPrefix(String prefix) implements SnapshotRef {
    /**
     * Checks the prefix is given.
     *
     * @param prefix the id or prefix; not null
     */
    public IdPrefix {
      Objects.requireNonNull(prefix, "prefix");
    }

    @Override
    public String toString() {
      return prefix;
    }
  }

  /**
   * The newest snapshot at or before {@code time}.
   *
   * @param time the latest time a chosen snapshot may have been taken at
   */
  record At(Instant time) implements SnapshotRef {
    /**
     * Checks the time is given.
     *
     * @param time the latest time; not null
     */
    public At {
      Objects.requireNonNull(time, "time");
    }

    @Override
    public String toString() {
      return "newest at or before " + time;
    }
  }
}
