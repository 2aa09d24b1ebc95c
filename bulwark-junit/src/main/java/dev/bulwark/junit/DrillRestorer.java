package dev.bulwark.junit;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.RepositoryNotFoundException;
import dev.bulwark.core.WrongPasswordException;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.api.Database;
import dev.bulwark.core.backend.Backends;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.restore.RestoreOption;
import dev.bulwark.core.stream.ReplayPlan;
import dev.bulwark.core.stream.ReplayTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Restores a drill's database into a new temporary folder with the library: the repository
 * opened read-only in spirit (a shared lock, nothing else written), the snapshot chosen as
 * {@link RestoreDrill} describes, the stream replayed for a streamed database, the copy verified
 * by the database's kind, and the files backed up with it (key files) left out.
 */
final class DrillRestorer {
  private final Map<String, String> env;

  /**
   * A restorer that hands {@code env} to repository backends (S3 settings, credentials), as the
   * CLI hands them its environment.
   */
  DrillRestorer(Map<String, String> env) {
    this.env = env;
  }

  /**
   * Restores the database {@code drill} names into a new folder under {@code tempRoot}.
   *
   * @throws RestoreDrillException one line: no repository, wrong password, no snapshot of the
   *     database, or the restore failed (damage, a lock, I/O)
   */
  RestoredCopy restore(DrillSettings drill, Path tempRoot) throws RestoreDrillException {
    byte[] password = drill.password().read();
    try {
      String thisHost = BackupOptions.defaults().hostname();
      String host = drill.host().isEmpty() ? thisHost : drill.host();
      Snapshot chosen;
      try (BulwarkRepository repo = open(drill, password, host)) {
        chosen = choose(drill, repo.snapshots());
        if (chosen.hostname().equals(host)) {
          return restore(drill, repo, chosen, tempRoot);
        }
      }
      // The newest snapshot is another host's: the library restores the snapshots of the host
      // the repository was opened for, so open it again for that one.
      try (BulwarkRepository repo = open(drill, password, chosen.hostname())) {
        return restore(drill, repo, chosen, tempRoot);
      }
    } catch (IOException | BulwarkException e) {
      throw failed(drill, e);
    } finally {
      Arrays.fill(password, (byte) 0);
    }
  }

  private BulwarkRepository open(DrillSettings drill, byte[] password, String host)
      throws IOException, RestoreDrillException {
    try {
      return Bulwark.repository(Backends.open(drill.repository(), env))
          .password(password)
          .backupOptions(BackupOptions.defaults().withHostname(host))
          .open();
    } catch (RepositoryNotFoundException e) {
      throw new RestoreDrillException("restore drill: no repository at " + drill.repository(),
          e);
    } catch (WrongPasswordException e) {
      throw new RestoreDrillException("restore drill: wrong password for the repository at "
          + drill.repository() + " (" + drill.password().origin() + ")", e);
    } catch (BulwarkException e) {
      throw new RestoreDrillException("restore drill: cannot open the repository at "
          + drill.repository() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The newest snapshot holding the database (its own, or a group's), at or before the drill's
   * time, by the drill's host if it names one.
   */
  private static Snapshot choose(DrillSettings drill, List<Snapshot> all)
      throws RestoreDrillException {
    String db = drill.database().toString();
    Instant until = drill.time() != null ? drill.time() : Instant.MAX;
    Snapshot best = null;
    TreeSet<String> otherHosts = new TreeSet<>();
    for (Snapshot s : all) {
      if (DatabaseTags.member(s.tags(), db).isEmpty() || s.time().isAfter(until)) {
        continue;
      }
      if (!drill.host().isEmpty() && !s.hostname().equals(drill.host())) {
        otherHosts.add(s.hostname());
      } else if (best == null || s.time().isAfter(best.time())) {
        best = s;
      }
    }
    if (best == null) {
      throw new RestoreDrillException("restore drill: the repository at " + drill.repository()
          + " has no snapshot of " + db
          + (drill.host().isEmpty() ? "" : " from host " + drill.host())
          + (drill.time() == null ? "" : " at or before " + drill.time())
          + (otherHosts.isEmpty() ? "" : " (it has some from " + String.join(", ", otherHosts)
              + ")"));
    }
    return best;
  }

  private static RestoredCopy restore(DrillSettings drill, BulwarkRepository repo,
      Snapshot chosen, Path tempRoot)
      throws IOException, BulwarkException, RestoreDrillException {
    String kind = DatabaseTags.member(chosen.tags(), drill.database().toString())
        .orElseThrow().kind();
    Database database = DrillDatabases.of(kind, drill.database());
    Files.createDirectories(tempRoot);
    // Owner-only by default: the copy holds production data.
    Path folder = Files.createTempDirectory(tempRoot, "bulwark-drill-");
    try {
      Path output = folder.resolve(Objects.requireNonNull(drill.database().getFileName()));
      ReplayTarget point = drill.time() == null ? ReplayTarget.newest()
          : ReplayTarget.at(drill.time());
      DatabaseRestorer.Result result = repo.restore(database, point, output,
          RestoreOption.NO_FILES);
      Snapshot restored = result.snapshot().orElseThrow();
      Optional<ReplayPlan> replay = result.replay();
      return new RestoredCopy(folder, new RestoredDatabase(output, drill.database(), kind,
          Objects.requireNonNull(restored.id()).toString(), restored.time(),
          restored.hostname(), replay.map(ReplayPlan::reachedTime).orElse(restored.time()),
          replay.map(ReplayPlan::reached).orElse(null),
          replay.map(p -> p.segments().size()).orElse(0)));
    } catch (IOException | BulwarkException | RuntimeException e) {
      RestoredCopy.delete(folder);
      throw e;
    }
  }

  private static RestoreDrillException failed(DrillSettings drill, Exception e) {
    return new RestoreDrillException("restore drill: restoring " + drill.database() + " from "
        + drill.repository() + " failed: " + oneLine(e.getMessage()), e);
  }

  private static String oneLine(@Nullable String message) {
    return message == null ? "(no message)" : message.replaceAll("\\s*\\R\\s*", " ");
  }
}
