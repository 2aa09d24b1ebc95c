package dev.bulwark.core.stream;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a start-up check found, when it lets the database stream.
 *
 * @param database the database checked
 * @param repositoryId the id of the repository it was checked against
 * @param outcome what the replicator will do
 * @param streamId the stream the database belongs to
 * @param head the stream's newest state, empty if the repository holds no stream of it yet
 * @param transactionsAhead how many committed transactions past the head the database holds
 *     (in its WAL; the replicator ships them when it starts); 0 unless {@code outcome} is
 *     {@link Outcome#AHEAD}
 * @param detail one line for the log: what was compared and why this outcome
 */
public record StartupReport(Path database, String repositoryId, Outcome outcome,
    String streamId, Optional<StreamPoint> head, long transactionsAhead, String detail) {

  /** What the replicator does after the check. */
  public enum Outcome {
    /** The repository holds no stream of this database: the first generation starts. */
    NEW_STREAM,
    /** The database is at the stream's head: the stream goes on. */
    EQUAL,
    /** The database is the head plus transactions still in its WAL: they are shipped. */
    AHEAD,
    /** The database does not continue the stream; a new generation starts with a snapshot. */
    NEW_GENERATION
  }

  /**
   * Checks the report is whole.
   *
   * @param database the database checked
   * @param repositoryId the id of the repository it was checked against
   * @param outcome what the replicator will do
   * @param streamId the stream the database belongs to
   * @param head the stream's newest state, or empty
   * @param transactionsAhead committed transactions past the head
   * @param detail one line for the log
   */
  public StartupReport {
    if (database == null || repositoryId == null || outcome == null || streamId == null
        || head == null || detail == null) {
      throw new IllegalArgumentException("every part of a report is required");
    }
  }

  /**
   * Records in the database's binding file the generation its replicator streams in, once it
   * has started (the check writes the binding before a new generation has a number).
   *
   * @param generation the generation the replicator streams in
   * @throws IOException if the binding file cannot be written
   */
  public void bindTo(long generation) throws IOException {
    new StreamBinding(repositoryId, streamId, generation).write(database);
  }
}
