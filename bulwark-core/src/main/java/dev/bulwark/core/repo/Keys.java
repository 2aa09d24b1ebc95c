package dev.bulwark.core.repo;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.crypto.Kdf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Adds, lists and removes the key files of an open repository. */
public final class Keys {
  /** One key file, as {@code key list} shows it. */
  public record KeyEntry(Id id, boolean current, String username, String hostname,
      java.time.Instant created) {}

  private final Repository repo;

  Keys(Repository repo) {
    this.repo = repo;
  }

  /** Wraps the master key under a new password; returns the new key file's id. */
  public Id add(byte[] password, Kdf.Params params) throws IOException {
    KeyFile kf = KeyFile.wrap(repo.key(), password, params, Host.user(), Host.name());
    byte[] json = kf.toJson();
    Id id = Id.hash(json);
    repo.backend().save(Handle.of(FileType.KEY, id), json, 0, json.length);
    return id;
  }

  /** All key files, oldest first. */
  public List<KeyEntry> list() throws IOException, BulwarkException {
    List<KeyEntry> out = new ArrayList<>();
    for (Id id : repo.list(FileType.KEY)) {
      KeyFile kf = KeyFile.parse(repo.backend().load(Handle.of(FileType.KEY, id), 0, -1),
          "key " + id.shortForm());
      out.add(new KeyEntry(id, id.equals(repo.keyId()), kf.username(), kf.hostname(),
          kf.created()));
    }
    out.sort(Comparator.comparing(KeyEntry::created));
    return out;
  }

  /**
   * Removes a key file given by id or unique prefix.
   *
   * @throws BulwarkException if it is the last key, the key in use, or not found
   */
  public Id remove(String idOrPrefix) throws IOException, BulwarkException {
    List<Id> all = repo.list(FileType.KEY);
    List<Id> matches = all.stream().filter(i -> i.toString().startsWith(idOrPrefix)).toList();
    if (idOrPrefix.isEmpty() || matches.isEmpty()) {
      throw new BulwarkException("no key matches " + idOrPrefix);
    }
    if (matches.size() > 1) {
      throw new BulwarkException("key prefix " + idOrPrefix + " is ambiguous");
    }
    Id id = matches.get(0);
    if (all.size() == 1) {
      throw new BulwarkException("refusing to remove the last key: the repository would be lost");
    }
    if (id.equals(repo.keyId())) {
      throw new BulwarkException("refusing to remove the key in use; open the repository with "
          + "another key's password to remove this one");
    }
    repo.backend().delete(Handle.of(FileType.KEY, id));
    return id;
  }
}
