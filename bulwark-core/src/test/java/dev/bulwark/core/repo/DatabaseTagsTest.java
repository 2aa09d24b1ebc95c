package dev.bulwark.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseTagsTest {
  @Test
  void roundTripsThroughTagsAmongOthers() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("page-size", "4096");
    props.put("change-counter", "17");
    DatabaseTags d = new DatabaseTags("sqlite", "/srv/a b/app.db", props);
    List<String> tags = new java.util.ArrayList<>(List.of("nightly"));
    tags.addAll(d.toTags());
    assertThat(tags).contains("bulwark:kind=sqlite", "bulwark:db=/srv/a b/app.db",
        "bulwark:page-size=4096");
    assertThat(DatabaseTags.fromTags(tags)).contains(d);
    assertThat(DatabaseTags.describes(tags, "/srv/a b/app.db")).isTrue();
    assertThat(DatabaseTags.describes(tags, "/srv/other.db")).isFalse();
    assertThat(DatabaseTags.fromTags(List.of("nightly", "bulwark:page-size=1"))).isEmpty();
  }

  @Test
  void rejectsRelativePathsAndReservedNames() {
    assertThatThrownBy(() -> new DatabaseTags("sqlite", "app.db", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DatabaseTags("sqlite", "/a", Map.of("db", "x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
