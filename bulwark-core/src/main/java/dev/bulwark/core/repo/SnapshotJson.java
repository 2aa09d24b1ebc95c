package dev.bulwark.core.repo;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * Snapshots as listing JSON. Kept apart from {@link Snapshot}, a value the library API returns,
 * so that the API names no JSON library type.
 */
public final class SnapshotJson {
  private SnapshotJson() {}

  /**
   * Writes {@code s} as one object: its stored fields plus {@code id} and {@code short_id}, as
   * {@code restic snapshots --json} does.
   */
  public static void writeListing(Snapshot s, JsonGenerator g) throws IOException {
    s.writeListingJson(g);
  }
}
