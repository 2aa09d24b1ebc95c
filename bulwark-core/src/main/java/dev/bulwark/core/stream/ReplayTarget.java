package dev.bulwark.core.stream;

import java.time.Instant;
import java.util.Objects;

/**
 * How far a point-in-time restore replays a database's stream: to the newest shipped
 * transaction, to a time, or to a transaction position. A restore stops at a segment boundary
 * (a segment holds only the last version of each page of its run), so the point reached is the
 * last boundary at or before the target.
 */
public sealed interface ReplayTarget {

  /**
   * The newest transaction shipped to the repository.
   *
   * @return the target; resolved when a restore uses it
   */
  static ReplayTarget newest() {
    return Newest.INSTANCE;
  }

  /**
   * The database as it was at {@code time}: the last segment whose last commit is not after.
   *
   * @param time the moment to restore to
   * @return the target; resolved when a restore uses it
   */
  static ReplayTarget at(Instant time) {
    return new At(time);
  }

  /**
   * Transaction position {@code txid} of the newest generation.
   *
   * @param txid the transaction position within the newest generation; 0 is its start
   * @return the target; resolved when a restore uses it
   */
  static ReplayTarget txid(long txid) {
    return new Txid(txid);
  }

  /**
   * Transaction position {@code position.txid()} of generation {@code position.generation()}.
   *
   * @param position the generation and transaction position, as a stream reports them
   * @return the target; resolved when a restore uses it
   */
  static ReplayTarget position(StreamPosition position) {
    return new Position(position);
  }

  /** The newest shipped transaction. */
  record Newest() implements ReplayTarget {
    private static final Newest INSTANCE = new Newest();

    @Override
    public String toString() {
      return "the newest shipped transaction";
    }
  }

  /** The state at a time. */
  record At(Instant time) implements ReplayTarget {
    /**
     * Checks the time is given.
     *
     * @param time the moment to restore to; not null
     */
    public At {
      Objects.requireNonNull(time, "time");
    }

    @Override
    public String toString() {
      return time.toString();
    }
  }

  /** A position of the newest generation. */
  record Txid(long txid) implements ReplayTarget {
    /**
     * Checks the position is not negative.
     *
     * @param txid the transaction position; at least 0
     */
    public Txid {
      if (txid < 0) {
        throw new IllegalArgumentException("negative stream position: " + txid);
      }
    }

    @Override
    public String toString() {
      return "txid " + txid;
    }
  }

  /** A position of a named generation. */
  record Position(StreamPosition position) implements ReplayTarget {
    /**
     * Checks the position is given.
     *
     * @param position the generation and transaction position; not null
     */
    public Position {
      Objects.requireNonNull(position, "position");
    }

    @Override
    public String toString() {
      return "txid " + position.txid() + " of generation "
          + SegmentName.generation(position.generation());
    }
  }
}
