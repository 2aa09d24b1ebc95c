package dev.bulwark.cli;

import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.StreamPosition;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The point a database restore goes to, from {@code --time} or {@code --txid}. */
final class RestorePoint {
  private static final Pattern TXID = Pattern.compile("(?:([0-9a-f]{16})/)?([0-9]{1,18})");

  private RestorePoint() {}

  /**
   * The target {@code --time} or {@code --txid} names, or the newest shipped transaction when
   * neither is given.
   *
   * @throws UsageException (one line) for both at once, or a value that does not parse
   */
  static ReplayTarget parse(String time, String txid, ZoneId zone) throws UsageException {
    if (time != null && txid != null) {
      throw new UsageException("give --time or --txid, not both", false);
    }
    if (time != null) {
      return ReplayTarget.at(time(time, zone));
    }
    if (txid != null) {
      Matcher m = TXID.matcher(txid);
      if (!m.matches()) {
        throw new UsageException("--txid " + txid + " is not a transaction position: give N or"
            + " GENERATION/N (16 hex digits, as --dry-run prints it)", false);
      }
      long n = Long.parseLong(m.group(2));
      return m.group(1) == null ? ReplayTarget.txid(n)
          : ReplayTarget.position(new StreamPosition(Long.parseUnsignedLong(m.group(1), 16), n));
    }
    return ReplayTarget.newest();
  }

  /** An ISO-8601 instant, a date-time with an offset, or a local date-time in {@code zone}. */
  static Instant time(String s, ZoneId zone) throws UsageException {
    try {
      return Instant.parse(s);
    } catch (DateTimeException e) {
      // not an instant; try the other forms
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeException e) {
      // no offset
    }
    try {
      return LocalDateTime.parse(s).atZone(zone).toInstant();
    } catch (DateTimeException e) {
      throw new UsageException("--time " + s + " is not an ISO-8601 time: give e.g. "
          + "2026-12-01T10:15:30Z, 2026-12-01T11:15:30+01:00 or 2026-12-01T10:15:30 (local)",
          false);
    }
  }
}
