package dev.bulwark.examples.ledger;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /entries {"account": "cash", "amount": 1250}} posts an entry; {@code GET
 * /entries} lists them; {@code GET /entries/balance/{account}} sums one account.
 */
@RestController
@RequestMapping("/entries")
public class LedgerController {
  private final Ledger ledger;

  public LedgerController(Ledger ledger) {
    this.ledger = ledger;
  }

  /** What a client posts. */
  public record NewEntry(String account, long amount) {}

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public Entry post(@RequestBody NewEntry e) {
    return ledger.post(e.account(), e.amount());
  }

  @GetMapping
  public List<Entry> entries() {
    return ledger.entries();
  }

  @GetMapping("/balance/{account}")
  public long balance(@PathVariable String account) {
    return ledger.balance(account);
  }
}
