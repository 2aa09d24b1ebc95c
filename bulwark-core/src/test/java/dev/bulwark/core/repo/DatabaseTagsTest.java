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

  @Test
  void groupMembersRoundTripInPositionOrderAndAreNoSingleDatabase() {
    DatabaseTags a = new DatabaseTags("sqlite", "/srv/app/app.db", Map.of("page-size", "4096"));
    DatabaseTags b = new DatabaseTags("rocksdb", "/srv/app/index", Map.of());
    List<String> tags = new java.util.ArrayList<>(List.of("nightly",
        DatabaseTags.groupTag("node")));
    tags.addAll(b.toMemberTags(2));
    tags.addAll(a.toMemberTags(1));
    assertThat(tags).contains("bulwark:1.kind=sqlite", "bulwark:2.db=/srv/app/index",
        "bulwark:1.page-size=4096", "bulwark:group=node");
    assertThat(DatabaseTags.members(tags)).containsExactly(a, b);
    assertThat(DatabaseTags.member(tags, "/srv/app/index")).contains(b);
    assertThat(DatabaseTags.member(tags, "/srv/other")).isEmpty();
    assertThat(DatabaseTags.group(tags)).contains("node");
    // Code that handles one database leaves a group alone.
    assertThat(DatabaseTags.fromTags(tags)).isEmpty();
  }

  @Test
  void aSingleDatabaseIsItsOnlyMemberAndAGroupTagIsNoProperty() {
    DatabaseTags d = new DatabaseTags("sqlite", "/a.db", Map.of("page-size", "512"));
    List<String> tags = new java.util.ArrayList<>(d.toTags());
    tags.add(DatabaseTags.groupTag("svc"));
    assertThat(DatabaseTags.members(tags)).containsExactly(d);
    assertThat(DatabaseTags.fromTags(tags).orElseThrow().properties()).doesNotContainKey("group");
    assertThat(DatabaseTags.members(List.of("nightly"))).isEmpty();
  }

  @Test
  void incompleteOrInvalidMembersAndGroupNamesAreRefused() {
    assertThat(DatabaseTags.members(List.of("bulwark:1.kind=sqlite", "bulwark:2.db=/x",
        "bulwark:3.kind=sqlite", "bulwark:3.db=relative"))).isEmpty();
    assertThatThrownBy(() -> DatabaseTags.groupTag("a b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DatabaseTags("sqlite", "/a", Map.of()).toMemberTags(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
