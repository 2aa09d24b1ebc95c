package dev.bulwark.examples.ledger;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The ledger's table, {@code entries(id INTEGER PRIMARY KEY, account TEXT, amount INTEGER)}. */
@Service
public class Ledger {
  private final JdbcTemplate jdbc;

  public Ledger(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Posts one entry and returns it with its id; committed when this returns. */
  @Transactional
  public Entry post(String account, long amount) {
    if (account == null || account.isBlank()) {
      throw new IllegalArgumentException("an entry needs an account");
    }
    jdbc.update("INSERT INTO entries(account, amount) VALUES (?, ?)", account, amount);
    // The same connection (one transaction), so this is the row just inserted.
    Long id = jdbc.queryForObject("SELECT last_insert_rowid()", Long.class);
    return new Entry(id, account, amount);
  }

  /** Every entry, in id order. */
  public List<Entry> entries() {
    return jdbc.query("SELECT id, account, amount FROM entries ORDER BY id",
        (rs, n) -> new Entry(rs.getLong(1), rs.getString(2), rs.getLong(3)));
  }

  /** The sum of an account's entries. */
  public long balance(String account) {
    Long sum = jdbc.queryForObject(
        "SELECT coalesce(sum(amount), 0) FROM entries WHERE account = ?", Long.class, account);
    return sum == null ? 0 : sum;
  }
}
