package dev.bulwark.core.stream;

import dev.bulwark.core.stream.StartupRefusedException.Reason;
import dev.bulwark.core.stream.StartupReport.Outcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The start-up rules, on positions alone: compares the states a database provably went through
 * ({@link LocalStates}) with its stream ({@link StreamHistory}).
 *
 * <ul>
 *   <li>No stream yet: a new stream starts.
 *   <li>The database now is the head: go on.
 *   <li>An earlier provable state of the database is the head: the database is the head plus
 *       the transactions after that state, all still in its WAL, which the replicator reads and
 *       ships as segments chained from the head (usually one, after a crash between commit and
 *       ship).
 *   <li>The database is an earlier state of the stream: refused (or a new generation if the
 *       policy accepts an older database).
 *   <li>Anything else (ahead by transactions its WAL no longer holds, or diverged) cannot be
 *       told apart by content: refused, unless the policy accepts it; then a new generation
 *       starts with a snapshot, so nothing is shipped on top of a history it does not continue.
 *       Not even the same file (device and inode) shows that it merely moved on: a copy written
 *       over it, or put in its place after a delete, keeps or reuses the inode.
 * </ul>
 */
public final class StartupJudge {
  private StartupJudge() {}

  /**
   * The outcome for {@code database}, of stream {@code streamId} in repository {@code
   * repositoryId}.
   *
   * @throws StartupRefusedException naming both positions and how to resolve it
   */
  public static StartupReport judge(Path database, String repositoryId, String streamId,
      StreamHistory history, LocalStates db, StartupPolicy policy) throws StartupRefusedException {
    String what = database.toString();
    Optional<StreamPoint> head = history.head();
    if (head.isEmpty()) {
      return new StartupReport(database, repositoryId,
            Outcome.NEW_STREAM, streamId, head, 0,
          "the repository holds no stream " + streamId + " yet: a new stream starts");
    }
    StreamPoint h = head.get();
    List<LocalStates.State> states = db.states();
    for (int i = states.size() - 1; i >= 0; i--) {
      LocalStates.State s = states.get(i);
      if (s.is(h.checksum())) {
        if (s.transactionsAfter() == 0) {
          return new StartupReport(database, repositoryId,
            Outcome.EQUAL, streamId, head, 0,
              what + " is at the head of its stream, " + h);
        }
        return new StartupReport(database, repositoryId,
            Outcome.AHEAD, streamId, head, s.transactionsAfter(),
            what + " is " + s.transactionsAfter() + " committed transaction"
                + (s.transactionsAfter() == 1 ? "" : "s") + " past the head of its stream, "
                + h + ", all in its WAL: they are shipped");
      }
    }
    PageSetChecksum now = db.now().forms().get(0);
    Optional<StreamPoint> older = history.find(db.now());
    String fix = "restore it (`bulwark restore latest --db " + what + "`), or start with"
        + " --accept-older-database to begin a new generation from it on purpose";
    if (older.isPresent()) {
      String line = what + " is at " + older.get() + ", an earlier state of stream " + streamId
          + ", whose head is " + h;
      if (policy.acceptOlderDatabase()) {
        return new StartupReport(database, repositoryId,
            Outcome.NEW_GENERATION, streamId, head, 0,
            line + "; accepted: a new generation starts from it");
      }
      throw new StartupRefusedException(Reason.STREAM_AHEAD,
          "refusing to stream " + line + ": " + fix);
    }
    String line = what + " (checksum " + now.hex() + ") matches no state of stream " + streamId
        + ", whose head is " + h + ": it is ahead by transactions its WAL no longer holds, or"
        + " its history diverged";
    if (policy.acceptOlderDatabase()) {
      return new StartupReport(database, repositoryId,
            Outcome.NEW_GENERATION, streamId, head, 0,
          line + "; accepted: a new generation starts from it");
    }
    throw new StartupRefusedException(Reason.UNKNOWN_STATE, "refusing to stream " + line
        + "; " + fix);
  }
}
