package dev.bulwark.core.repo;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The JSON conventions shared by the repository's files. */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Json() {}

  /** RFC 3339 as Go prints it: up to nine fraction digits, trailing zeros dropped, Z for UTC. */
  static String time(Instant t) {
    return time(t.atOffset(ZoneOffset.UTC));
  }

  /** The same, keeping the offset (Z when it is UTC, as Go prints it). */
  static String time(OffsetDateTime t) {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
  }

  static OffsetDateTime parseTime(String s) throws DateTimeParseException {
    return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }
}
