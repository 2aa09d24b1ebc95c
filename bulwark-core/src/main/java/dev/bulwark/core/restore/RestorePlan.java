package dev.bulwark.core.restore;

import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.ReplayPlan;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a database restore will do: restore one snapshot and, for a streamed database, replay
 * segments onto it. {@link DatabaseRestorer#plan} makes one without writing anything.
 */
public final class RestorePlan {
  private final Snapshot snapshot;
  private final @Nullable ReplayPlan replay;

  RestorePlan(Snapshot snapshot, @Nullable ReplayPlan replay) {
    this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    this.replay = replay;
  }

  /** The snapshot restored first. */
  public Snapshot snapshot() {
    return snapshot;
  }

  /** The segments replayed onto it; empty for a database restored from a snapshot alone. */
  public Optional<ReplayPlan> replay() {
    return Optional.ofNullable(replay);
  }

  @Override
  public String toString() {
    return "snapshot " + snapshot.id().shortForm()
        + (replay == null ? "" : " + " + replay.segments().size() + " segments to "
            + replay.reached());
  }
}
