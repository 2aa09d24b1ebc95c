package dev.bulwark.core.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.core.repo.DatabaseTags;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamTagsTest {
  @Test
  void roundTripsThroughSnapshotTags() {
    StreamTags t = new StreamTags("app.db-1234abcd", 0x0123456789abcdefL, 4711,
        new PageSetChecksum(0xfedcba9876543210L));
    List<String> tags = new ArrayList<>(new DatabaseTags("sqlite", "/srv/app.db",
        Map.of("page-size", "4096")).toTags());
    tags.addAll(t.toTags());
    DatabaseTags parsed = DatabaseTags.fromTags(tags).orElseThrow();
    assertEquals(t, StreamTags.of(parsed).orElseThrow());
    assertEquals("4096", parsed.properties().get("page-size"));
  }

  @Test
  void damagedOrMissingPropertiesMeanNoStream() {
    DatabaseTags none = new DatabaseTags("sqlite", "/a.db", Map.of("page-size", "4096"));
    assertTrue(StreamTags.of(none).isEmpty());
    DatabaseTags bad = new DatabaseTags("sqlite", "/a.db", Map.of("stream-id", "x",
        "stream-generation", "zz", "stream-txid", "1", "stream-checksum", "0000000000000000"));
    assertTrue(StreamTags.of(bad).isEmpty());
  }

  @Test
  void generationIdsSortByStartTime() {
    long a = GenerationIds.next(Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC));
    long b = GenerationIds.next(Clock.fixed(Instant.ofEpochMilli(1_001), ZoneOffset.UTC));
    assertTrue(SegmentName.generation(a).compareTo(SegmentName.generation(b)) < 0);
    assertEquals(1_000, a >>> 16);
  }
}
