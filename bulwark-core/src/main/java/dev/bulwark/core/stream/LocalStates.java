package dev.bulwark.core.stream;

import java.util.List;

/**
 * The states a database provably went through, newest last, as read from its own files: for
 * SQLite, the database file before the first frame of its WAL and after each committed
 * transaction in the WAL. Each state is given in every form the stream may have recorded it in
 * (SQLite's backup API rewrites three header counters in the copy a generation starts from).
 *
 * @param states oldest first; the last one is the database as it is now
 */
public record LocalStates(List<State> states) {
  /**
   * Copies the list and checks it holds the database as it is now.
   *
   * @param states oldest first; at least one
   */
  public LocalStates {
    states = List.copyOf(states);
    if (states.isEmpty()) {
      throw new IllegalArgumentException("a database has at least its current state");
    }
  }

  /**
   * One provable state.
   *
   * @param transactionsAfter how many committed transactions the database holds past it
   * @param forms its checksum in each form the stream may have recorded it in
   */
  public record State(long transactionsAfter, List<PageSetChecksum> forms) {
    /**
     * Copies the forms.
     *
     * @param transactionsAfter how many committed transactions the database holds past it
     * @param forms its checksum in each form the stream may have recorded it in
     */
    public State {
      forms = List.copyOf(forms);
    }

    /**
     * Whether {@code sum} is one of this state's forms.
     *
     * @param sum a checksum the stream recorded
     * @return true if the database was in this state when {@code sum} was recorded
     */
    public boolean is(PageSetChecksum sum) {
      return forms.contains(sum);
    }
  }

  /**
   * The database as it is now.
   *
   * @return the last state, with no transaction after it
   */
  public State now() {
    return states.get(states.size() - 1);
  }
}
