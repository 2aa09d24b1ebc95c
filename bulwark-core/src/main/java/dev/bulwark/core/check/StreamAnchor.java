package dev.bulwark.core.check;

import dev.bulwark.core.Id;
import dev.bulwark.core.stream.PageSetChecksum;

/**
 * A snapshot that a generation's replay can start from: it holds the database as it was after
 * position {@code txid}, whose state checksum is {@code state}.
 */
record StreamAnchor(Id snapshot, long txid, PageSetChecksum state) {
  /** How a message names it. */
  String describe() {
    return "snapshot " + snapshot.shortForm() + " (position " + txid + ")";
  }
}
