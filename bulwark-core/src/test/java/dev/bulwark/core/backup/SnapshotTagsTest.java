package dev.bulwark.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.repo.DatabaseTags;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the tags of the opened views become a snapshot's: as they are, or as numbered members. */
class SnapshotTagsTest {
  private static final List<String> SQLITE =
      new DatabaseTags("sqlite", "/srv/a.db", Map.of("page-size", "4096")).toTags();
  private static final List<String> ROCKS =
      new DatabaseTags("rocksdb", "/srv/chain", Map.of("sequence", "7")).toTags();

  @Test
  void oneDatabaseWithoutAGroupKeepsItsTagsExactly() {
    List<String> tags = SnapshotTags.of(List.of("nightly"), List.of(SQLITE, List.of()), null);
    assertThat(tags).containsExactly("nightly", "bulwark:kind=sqlite", "bulwark:db=/srv/a.db",
        "bulwark:page-size=4096");
  }

  @Test
  void twoDatabasesBecomeMembersInSourceOrderAndNeverCollide() {
    List<String> tags = SnapshotTags.of(List.of("nightly"),
        List.of(SQLITE, List.of(), ROCKS), null);
    assertThat(tags).containsExactly("nightly", "bulwark:1.kind=sqlite", "bulwark:1.db=/srv/a.db",
        "bulwark:1.page-size=4096", "bulwark:2.kind=rocksdb", "bulwark:2.db=/srv/chain",
        "bulwark:2.sequence=7");
    assertThat(DatabaseTags.fromTags(tags)).isEmpty();
    assertThat(DatabaseTags.members(tags)).extracting(DatabaseTags::path)
        .containsExactly("/srv/a.db", "/srv/chain");
    assertThat(DatabaseTags.group(tags)).isEmpty();
  }

  @Test
  void aGroupNameMakesMembersEvenOfOneDatabase() {
    List<String> tags = SnapshotTags.of(List.of(), List.of(ROCKS), "node");
    assertThat(tags).containsExactly("bulwark:group=node", "bulwark:1.kind=rocksdb",
        "bulwark:1.db=/srv/chain", "bulwark:1.sequence=7");
    assertThat(DatabaseTags.member(tags, "/srv/chain")).isPresent();
    assertThatThrownBy(() -> SnapshotTags.of(List.of(), List.of(ROCKS), "no spaces"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid group name");
  }
}
