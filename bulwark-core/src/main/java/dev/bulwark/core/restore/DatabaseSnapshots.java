package dev.bulwark.core.restore;

import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Snapshot;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The snapshots of one database written by one host. A repository may be shared by several
 * hosts that back up a database at the same path (replicas of one service); "the newest snapshot
 * of /srv/app/app.db" must then mean this host's, or host A's start-up would bring back host B's
 * database. The host is compared as the snapshot records it, exactly, as restic's {@code --host}
 * filter does.
 *
 * @param path absolute, normalised path of the database when it was backed up
 * @param host the host name whose snapshots are meant
 */
public record DatabaseSnapshots(Path path, String host) {

  public DatabaseSnapshots {
    path = path.toAbsolutePath().normalize();
    Objects.requireNonNull(host, "host");
  }

  /** True if {@code s} is a snapshot of this database by this host. */
  public boolean matches(Snapshot s) {
    return s.hostname().equals(host) && describesPath(s);
  }

  /** This host's snapshots of the database among {@code all}, in their order. */
  public List<Snapshot> of(List<Snapshot> all) {
    return all.stream().filter(this::matches).toList();
  }

  /** This host's newest snapshot of the database among {@code all}. */
  public Optional<Snapshot> newest(List<Snapshot> all) {
    return newestAtOrBefore(all, Instant.MAX);
  }

  /** This host's newest snapshot of the database among {@code all} taken at or before {@code t}. */
  public Optional<Snapshot> newestAtOrBefore(List<Snapshot> all, Instant t) {
    return newest(all, t, this::matches);
  }

  /**
   * As {@link #newestAtOrBefore}, counting also the group snapshots that hold this database as
   * one of their members: what a restore of this database may take. (Listing, retention and
   * streams keep to the database's own snapshots: a group's are thinned by the group's rules.)
   */
  public Optional<Snapshot> newestWithGroupsAtOrBefore(List<Snapshot> all, Instant t) {
    return newest(all, t, s -> s.hostname().equals(host)
        && DatabaseTags.member(s.tags(), path.toString()).isPresent());
  }

  private static Optional<Snapshot> newest(List<Snapshot> all, Instant t,
      java.util.function.Predicate<Snapshot> mine) {
    Snapshot best = null;
    for (Snapshot s : all) {
      if (mine.test(s) && !s.time().isAfter(t) && (best == null || s.time().isAfter(best.time()))) {
        best = s;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The other hosts that have snapshots of the same path, sorted; for error messages. */
  public SortedSet<String> otherHosts(List<Snapshot> all) {
    SortedSet<String> out = new TreeSet<>();
    for (Snapshot s : all) {
      if (!s.hostname().equals(host) && describesPath(s)) {
        out.add(s.hostname().isEmpty() ? "(no host name)" : s.hostname());
      }
    }
    return out;
  }

  /** "no snapshot of P from host H", naming the other hosts and --host when there are some. */
  public String noneMessage(List<Snapshot> all) {
    return noneMessage(all, Instant.MAX);
  }

  /** As {@link #noneMessage(List)}, for a search among the snapshots at or before {@code t}. */
  public String noneMessage(List<Snapshot> all, Instant t) {
    SortedSet<String> others = otherHosts(all);
    String msg = "the repository has no snapshot of " + path + " from host " + host
        + (t.equals(Instant.MAX) ? "" : " at or before " + t);
    return others.isEmpty() ? msg
        : msg + " (it has snapshots of it from " + String.join(", ", others)
            + "; choose one with --host NAME)";
  }

  private boolean describesPath(Snapshot s) {
    return DatabaseTags.describes(s.tags(), path.toString());
  }
}
