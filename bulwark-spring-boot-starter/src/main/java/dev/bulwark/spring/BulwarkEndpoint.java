package dev.bulwark.spring;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.Snapshot;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * Actuator endpoint {@code bulwark}: read lists this host's snapshots of the database; write
 * {@code backup} backs up now and {@code verify} verifies the newest snapshot now ({@code POST
 * /actuator/bulwark/backup}, {@code /verify}), each waiting for the run to end. Exposed and
 * secured like any actuator endpoint: not reachable over HTTP unless the application exposes
 * it ({@code management.endpoints.web.exposure.include}).
 */
@Endpoint(id = "bulwark")
public class BulwarkEndpoint {
  private final BulwarkJobs jobs;

  BulwarkEndpoint(BulwarkJobs jobs) {
    this.jobs = jobs;
  }

  /**
   * One snapshot as the endpoint lists it.
   *
   * @param id its full id (hex)
   * @param shortId its first eight hex digits, as {@code bulwark snapshots} shows it
   * @param time when it was taken
   * @param hostname the host it was taken on
   * @param tags its tags
   */
  public record SnapshotView(String id, String shortId, Instant time, String hostname,
      List<String> tags) {
    static SnapshotView of(Snapshot s) {
      String id = s.id() == null ? "" : s.id().toString();
      return new SnapshotView(id, s.id() == null ? "" : s.id().shortForm(), s.time(),
          s.hostname(), s.tags());
    }
  }

  /**
   * What the endpoint reads: the database's name and its snapshots, oldest first.
   *
   * @param database the database's name, as in logs and metrics
   * @param snapshots this host's snapshots of it, oldest first
   */
  public record Snapshots(String database, List<SnapshotView> snapshots) {}

  /**
   * How a backup or verification asked for through the endpoint ended.
   *
   * @param action {@code backup} or {@code verify}
   * @param ok whether it succeeded
   * @param snapshot the snapshot made or verified, or null if it failed
   * @param error the failure in one line, or null if it succeeded
   */
  public record ActionResult(String action, boolean ok, @Nullable SnapshotView snapshot,
      @Nullable String error) {}

  /**
   * This host's snapshots of the database.
   *
   * @return the database's name and its snapshots, oldest first
   * @throws IOException if the repository cannot be read
   * @throws BulwarkException if the repository's snapshots cannot be listed
   */
  @ReadOperation
  public Snapshots snapshots() throws IOException, BulwarkException {
    return new Snapshots(jobs.databaseName(),
        jobs.snapshots().stream().map(SnapshotView::of).toList());
  }

  /**
   * Runs {@code backup} or {@code verify} now and waits for it: 200, or 500 with the line.
   *
   * @param action {@code backup} or {@code verify}; anything else is a bad request (400)
   * @return how it ended, with the HTTP status to answer with
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  @WriteOperation
  public WebEndpointResponse<ActionResult> run(@Selector String action)
      throws InterruptedException {
    try {
      Snapshot s = switch (action) {
        case "backup" -> jobs.backupNow();
        case "verify" -> jobs.verifyNow();
        default -> throw new InvalidEndpointRequestException("unknown action '" + action
            + "'; use backup or verify", "unknown action");
      };
      return new WebEndpointResponse<>(new ActionResult(action, true, SnapshotView.of(s),
          null), WebEndpointResponse.STATUS_OK);
    } catch (BulwarkException e) {
      return new WebEndpointResponse<>(new ActionResult(action, false, null,
          RestoreGate.oneLine(e)), WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR);
    }
  }
}
