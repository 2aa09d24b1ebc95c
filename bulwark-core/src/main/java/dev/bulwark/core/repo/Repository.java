package dev.bulwark.core.repo;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.RepositoryNotFoundException;
import dev.bulwark.core.SnapshotNotFoundException;
import dev.bulwark.core.WrongPasswordException;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.FileInfo;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.chunk.ChunkerPolynomial;
import dev.bulwark.core.concurrent.Futures;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.crypto.MasterKey;
import dev.bulwark.core.crypto.SealedBytes;
import dev.bulwark.core.index.BlobLocation;
import dev.bulwark.core.index.Index;
import dev.bulwark.core.index.IndexFile;
import dev.bulwark.core.index.PackBlobs;
import dev.bulwark.core.pack.BlobCodec;
import dev.bulwark.core.pack.DamagedBlobException;
import dev.bulwark.core.pack.FinishedPack;
import dev.bulwark.core.pack.PackReader;
import dev.bulwark.core.pack.PackedBlob;
import dev.bulwark.core.pack.PackedBlobList;
import dev.bulwark.core.tree.Tree;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open repository: its backend, master key, config and index. Thread-safe for reading;
 * new blobs go through a {@link BlobSaver}.
 */
public final class Repository implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Repository.class);
  /** restic tries at most this many key files before giving up. */
  private static final int MAX_KEYS_TRIED = 20;

  private final Backend backend;
  private final MasterKey key;
  private final Config config;
  private final Id keyId;
  private final Index index = new Index();
  // The index files the in-memory index was read from; guarded by this.
  private Set<Id> indexFilesLoaded = Set.of();
  private boolean closed;

  private Repository(Backend backend, MasterKey key, Config config, Id keyId) {
    this.backend = backend;
    this.key = key;
    this.config = config;
    this.keyId = keyId;
  }

  /**
   * Creates a new, empty version 2 repository with one key for {@code password}.
   *
   * @throws BulwarkException if a repository already exists there
   */
  public static Repository init(Backend backend, byte[] password, Kdf.Params params)
      throws IOException, BulwarkException {
    return init(backend, password, params, null);
  }

  /**
   * Creates a new, empty version 2 repository with one key for {@code password}, chunking with
   * {@code chunkerPolynomial} (another repository's, so that copies between the two deduplicate
   * as restic's {@code init --copy-chunker-params} does), or a random polynomial when null.
   *
   * @throws BulwarkException if a repository already exists there
   * @throws IllegalArgumentException if the polynomial is not an irreducible one in hex
   */
  public static Repository init(Backend backend, byte[] password, Kdf.Params params,
      @Nullable String chunkerPolynomial) throws IOException, BulwarkException {
    if (chunkerPolynomial != null && !ChunkerPolynomial.isIrreducible(
        Long.parseUnsignedLong(chunkerPolynomial, 16))) {
      throw new IllegalArgumentException("not an irreducible polynomial: " + chunkerPolynomial);
    }
    if (backend.exists()) {
      throw new BulwarkException("a repository already exists at " + backend.location());
    }
    SecureRandom random = new SecureRandom();
    backend.create();
    MasterKey master = MasterKey.generate();
    Config created = Config.create(random);
    Config config = chunkerPolynomial == null ? created
        : new Config(created.version(), created.id(), chunkerPolynomial);
    KeyFile kf = KeyFile.wrap(master, password, params, Host.user(), Host.name());
    byte[] kfJson = kf.toJson();
    Id keyId = Id.hash(kfJson);
    backend.save(Handle.of(FileType.KEY, keyId), kfJson, 0, kfJson.length);
    byte[] cfg = master.seal(config.toJson());
    // The config is written last: a repository "exists" only once it can be opened.
    backend.save(Handle.config(), cfg, 0, cfg.length);
    LOG.info("created repository {} at {}", config.id().substring(0, 10), backend.location());
    return new Repository(backend, master, config, keyId);
  }

  /**
   * Opens a repository with {@code password} and loads its index.
   *
   * @throws RepositoryNotFoundException if there is no repository
   * @throws WrongPasswordException if no key file opens with the password
   */
  public static Repository open(Backend backend, byte[] password)
      throws IOException, BulwarkException {
    Repository r = openWithoutIndex(backend, password);
    try {
      r.loadIndex();
    } catch (IOException | BulwarkException | RuntimeException e) {
      r.close();
      throw e;
    }
    return r;
  }

  /** Opens a repository without reading its index (enough for key management and listing). */
  public static Repository openWithoutIndex(Backend backend, byte[] password)
      throws IOException, BulwarkException {
    requireExists(backend);
    List<FileInfo> keys = new ArrayList<>();
    backend.list(FileType.KEY, keys::add);
    if (keys.isEmpty()) {
      throw new CorruptionException("repository at " + backend.location() + " has no key files");
    }
    int tried = 0;
    for (FileInfo ki : keys) {
      if (tried++ >= MAX_KEYS_TRIED) {
        break;
      }
      Id kid = Id.parse(ki.name());
      KeyFile kf;
      try {
        kf = KeyFile.parse(backend.load(Handle.of(FileType.KEY, kid), 0, -1), "key " + kid);
      } catch (CorruptionException e) {
        LOG.warn("skipping unreadable key file {}: {}", kid.shortForm(), e.getMessage());
        continue;
      }
      Optional<MasterKey> master;
      try {
        master = kf.unwrap(password);
      } catch (CorruptionException e) {
        // A hostile or broken key file must not stop the others from opening the repository.
        LOG.warn("skipping key file {}: {}", kid, e.getMessage());
        continue;
      }
      if (master.isPresent()) {
        byte[] cfgSealed = backend.load(Handle.config(), 0, -1);
        Config config = Config.parse(master.get().open(cfgSealed));
        return new Repository(backend, master.get(), config, kid);
      }
    }
    throw new WrongPasswordException("wrong password, or no key found for it in "
        + backend.location());
  }

  /**
   * Fails unless a repository exists at {@code backend}.
   *
   * @throws RepositoryNotFoundException if there is none
   */
  public static void requireExists(Backend backend) throws IOException, BulwarkException {
    if (!backend.exists()) {
      throw new RepositoryNotFoundException("no repository at " + backend.location()
          + " (create one with `bulwark init`)");
    }
  }

  /**
   * Brings the in-memory index up to date with the repository's index files: nothing to do
   * when they are the ones read last time, else every one is read again and the index replaced
   * whole. Replacing, not adding, matters for a long-lived process: after a prune elsewhere,
   * entries for deleted packs must go, or a backup would skip blobs that no longer exist.
   * Not to be called while a backup runs on this repository object.
   */
  public synchronized void loadIndex() throws IOException, BulwarkException {
    Set<Id> files = Set.copyOf(list(FileType.INDEX));
    if (files.equals(indexFilesLoaded)) {
      return;
    }
    Index fresh = new Index();
    List<Id> ids = List.copyOf(files);
    int threads = Math.min(ids.size(), Runtime.getRuntime().availableProcessors());
    if (threads <= 1) {
      for (Id id : ids) {
        fresh.addAll(loadIndexFile(id));
      }
    } else {
      loadInParallel(ids, threads, fresh);
    }
    index.replaceWith(fresh);
    indexFilesLoaded = files;
  }

  /**
   * Decrypts and parses index files on {@code threads} threads, adding them to {@code into} in
   * order; at most {@code threads} parsed files wait at once, so memory stays what one file at
   * a time needs, times the threads (a command's start waits on this: 160,000 blobs of index
   * took a good part of a second on one thread).
   */
  private void loadInParallel(List<Id> ids, int threads, Index into)
      throws IOException, BulwarkException {
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "bulwark-index-load");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<IndexFile>> parsed = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        Id id = ids.get(i);
        parsed.add(pool.submit(() -> loadIndexFile(id)));
        if (i >= threads - 1) {
          // Let go of each parsed file once added: a done future keeps its result.
          into.addAll(Futures.await(parsed.set(i - threads + 1, null)));
        }
      }
      for (int i = Math.max(0, ids.size() - threads + 1); i < ids.size(); i++) {
        into.addAll(Futures.await(parsed.set(i, null)));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Parses one index file. */
  public IndexFile loadIndexFile(Id id) throws IOException, BulwarkException {
    return IndexFile.parse(loadUnpacked(FileType.INDEX, id), "index " + id.shortForm());
  }

  /**
   * Reads every index file afresh (not the in-memory index) and merges what they say about
   * packs. A damaged index file is recorded in the result, not thrown, so that check can report
   * it and go on while prune refuses.
   *
   * @throws IOException if listing or reading fails for another reason than damage
   */
  public IndexFiles indexFiles() throws IOException {
    List<Id> ids = list(FileType.INDEX);
    Map<Id, List<PackedBlob>> packs = new LinkedHashMap<>();
    Map<Id, BulwarkException> unreadable = new LinkedHashMap<>();
    Set<Id> conflicting = new LinkedHashSet<>();
    boolean describedTwice = false;
    Map<Id, Id> describedBy = new HashMap<>();
    for (Id iid : ids) {
      IndexFile f;
      try {
        f = loadIndexFile(iid);
      } catch (BulwarkException e) {
        unreadable.put(iid, e);
        continue;
      }
      for (PackBlobs p : f.packs()) {
        // Compact: check holds every index file's blobs while it runs (about 50 bytes a blob).
        List<PackedBlob> prev = packs.putIfAbsent(p.pack(), PackedBlobList.copyOf(p.blobs()));
        describedBy.putIfAbsent(p.pack(), iid);
        if (prev != null) {
          describedTwice = true;
          if (!new HashSet<>(prev).equals(new HashSet<>(p.blobs()))) {
            conflicting.add(p.pack());
          }
        }
      }
    }
    return new IndexFiles(List.copyOf(ids), packs, unreadable, List.copyOf(conflicting),
        describedTwice, describedBy);
  }

  /** Every pack file stored, with its size in bytes. */
  public Map<Id, Long> packSizes() throws IOException {
    Map<Id, Long> sizes = new HashMap<>();
    backend.list(FileType.PACK, fi -> sizes.put(Id.parse(fi.name()), fi.size()));
    return sizes;
  }

  /**
   * Bytes of the repository's restic files (config, keys, locks, snapshots, index, packs);
   * stream segments are not counted.
   */
  public long storedBytes() throws IOException {
    long[] bytes = {0};
    for (FileType t : FileType.values()) {
      if (t == FileType.CONFIG) {
        bytes[0] += backend.stat(Handle.config()).orElse(0L);
      } else if (!t.hasPathNames()) {
        // A path-named kind has no ids to list: on S3 the listing would fetch every segment
        // only to drop it, after every daemon job.
        backend.list(t, f -> bytes[0] += f.size());
      }
    }
    return bytes[0];
  }

  /**
   * Reads a whole pack as stored.
   *
   * @throws NoSuchFileException if the pack does not exist
   */
  public byte[] loadPack(Id pack) throws IOException {
    return backend.load(Handle.of(FileType.PACK, pack), 0, -1);
  }

  /**
   * Reads {@code length} stored bytes of a pack from {@code offset}.
   *
   * @throws NoSuchFileException if the pack does not exist
   * @throws java.io.EOFException if the pack is shorter than that
   */
  public byte[] loadPackRange(Id pack, long offset, int length) throws IOException {
    byte[] data = backend.load(Handle.of(FileType.PACK, pack), offset, length);
    if (data.length != length) {
      // A backend owes exactly the range or an error; a short answer must not reach the
      // decryption as an out-of-bounds range.
      throw new java.io.EOFException("pack " + pack.shortForm() + ": asked for " + length
          + " bytes at offset " + offset + ", got " + data.length);
    }
    return data;
  }

  /**
   * Opens the blob stored at {@code data[offset...]}: decrypts, decompresses and checks it
   * against its id and length.
   *
   * @param where names the pack for messages
   * @throws CorruptionException if it fails any of these
   */
  public byte[] openBlob(byte[] data, int offset, PackedBlob blob, String where)
      throws CorruptionException {
    return BlobCodec.open(key, data, offset, blob, where);
  }

  /**
   * Loads and opens the blob at {@code loc}, which need not be in this repository's in-memory
   * index (prune plans from the index files it read itself).
   *
   * @param what names the blob for messages
   * @throws CorruptionException if its pack is missing or truncated or the blob is damaged
   */
  public byte[] loadBlob(BlobLocation loc, String what) throws IOException, BulwarkException {
    byte[] sealed;
    try {
      sealed = loadPackRange(loc.pack(), loc.blob().offset(), loc.blob().length());
    } catch (NoSuchFileException | java.io.EOFException e) {
      throw new CorruptionException(what + ": pack " + loc.pack().shortForm()
          + " is missing or truncated", e);
    }
    return openBlob(sealed, 0, loc.blob(), what);
  }

  /**
   * Reads and checks the header of a pack held whole in {@code data}.
   *
   * @throws CorruptionException if the header is damaged
   */
  public List<PackedBlob> readPackHeader(byte[] data, String what) throws IOException,
      BulwarkException {
    return PackReader.readHeader((off, len) -> Arrays.copyOfRange(data, (int) off,
        (int) off + len), data.length, key, what);
  }

  /** Deletes a pack file (prune, under an exclusive lock). Deleting a missing one is no error. */
  public void removePack(Id pack) throws IOException {
    backend.delete(Handle.of(FileType.PACK, pack));
  }

  /** Deletes an index file (prune, under an exclusive lock). */
  public void removeIndex(Id index) throws IOException {
    backend.delete(Handle.of(FileType.INDEX, index));
  }

  /** Deletes a snapshot file (forget, under an exclusive lock). */
  public void removeSnapshot(Id snapshot) throws IOException {
    backend.delete(Handle.of(FileType.SNAPSHOT, snapshot));
  }

  /** Deletes a lock file (unlock; a lock's own release and refresh). */
  public void removeLock(Id lock) throws IOException {
    backend.delete(Handle.of(FileType.LOCK, lock));
  }

  /**
   * Deletes temp files left by killed writers; see {@link Backend#deleteTempFiles}. Only under
   * an exclusive lock.
   *
   * @return how many were deleted
   */
  public int removeTempFiles(java.time.Duration lockFreeMinAge) throws IOException {
    return backend.deleteTempFiles(lockFreeMinAge);
  }

  /** Stores a finished pack (atomically, as every file). */
  void savePack(FinishedPack p) throws IOException {
    backend.save(Handle.of(FileType.PACK, p.id()), p.parts());
  }

  /** Where the repository is, for messages (never contains secrets). */
  public String location() {
    return backend.location();
  }

  /** How many transfers the backend serves well at once: the parallelism worth using. */
  public int connections() {
    return backend.connections();
  }

  /** The backend: for this package only (locks, keys); engines ask for what they need. */
  Backend backend() {
    return backend;
  }

  /** The master key: for this package only (sealing blobs and packs, wrapping keys). */
  MasterKey key() {
    return key;
  }

  public Config config() {
    return config;
  }

  public Index index() {
    return index;
  }

  /** The id of the key file this repository was opened with. */
  public Id keyId() {
    return keyId;
  }

  /** Takes a shared (backup, restore) or exclusive (check, prune) lock. */
  public Lock lock(boolean exclusive) throws IOException, BulwarkException {
    return Lock.acquire(this, exclusive);
  }

  /**
   * Takes the lock as {@link #lock(boolean)} does and brings the index up to date ({@link
   * #loadIndex()}) in the wait before the lock's re-check, instead of after it: the index is
   * read under a lock that is written but not yet confirmed, which is as safe for reading, and
   * a command that needs both saves up to the re-check's 200 ms.
   *
   * @param exclusive true for an exclusive lock
   * @return the lock, held
   * @throws RepositoryLockedException if a conflicting lock is held
   */
  public Lock lockLoadingIndex(boolean exclusive) throws IOException, BulwarkException {
    return Lock.acquire(this, exclusive, Lock.REFRESH_EVERY, this::loadIndex);
  }

  /** The ids of all files of one type. */
  public List<Id> list(FileType type) throws IOException {
    List<Id> ids = new ArrayList<>();
    backend.list(type, fi -> ids.add(Id.parse(fi.name())));
    return ids;
  }

  /** Encrypts and stores an index, snapshot or lock file; returns its id. */
  public Id saveUnpacked(FileType type, byte[] json) throws IOException {
    byte[] sealed = key.seal(UnpackedCodec.encode(json, config.version()));
    Id id = Id.hash(sealed);
    backend.save(Handle.of(type, id), sealed, 0, sealed.length);
    return id;
  }

  /** Loads, verifies (hash and MAC) and decodes an index, snapshot or lock file. */
  public byte[] loadUnpacked(FileType type, Id id) throws IOException, BulwarkException {
    String what = type.folder() + "/" + id.shortForm();
    byte[] sealed = backend.load(Handle.of(type, id), 0, -1);
    if (!Id.hash(sealed).equals(id)) {
      throw new CorruptionException(what + ": content does not match its name (damaged file)");
    }
    byte[] plain;
    try {
      plain = key.open(sealed);
    } catch (CorruptionException e) {
      throw new CorruptionException(what + ": " + e.getMessage(), e);
    }
    return UnpackedCodec.decode(plain, what);
  }

  /**
   * Seals {@code plain} with the master key and stores it as the stream file {@code path} (a
   * relative path under {@code bulwark/streams/}). This is how engines store what only Bulwark
   * reads, without ever holding the key. An existing file of that name is replaced atomically;
   * callers that need write-once names check first.
   */
  public void saveStreamFile(String path, byte[] plain) throws IOException {
    saveSealed(FileType.STREAM, path, plain);
  }

  /**
   * Loads and authenticates the stream file {@code path}; returns its plaintext.
   *
   * @throws java.nio.file.NoSuchFileException if it does not exist
   * @throws CorruptionException naming the file if it fails authentication (damaged, truncated
   *     or not sealed with this repository's key)
   */
  public byte[] loadStreamFile(String path) throws IOException, BulwarkException {
    return loadSealed(FileType.STREAM, path);
  }

  /** True if the stream file {@code path} exists. */
  public boolean hasStreamFile(String path) throws IOException {
    return backend.stat(new Handle(FileType.STREAM, path)).isPresent();
  }

  /** The files directly in the stream folder {@code folder}, sorted by name. */
  public List<FileInfo> listStreamFolder(String folder) throws IOException {
    return listSorted(FileType.STREAM, folder);
  }

  /**
   * Every file under the stream folder, at any depth, named by its path relative to it and
   * sorted by that path.
   */
  public List<FileInfo> listStreamFiles() throws IOException {
    return listTreeSorted(FileType.STREAM);
  }

  /** Removes the stream file {@code path}; removing a missing one is not an error. */
  public void removeStreamFile(String path) throws IOException {
    backend.delete(new Handle(FileType.STREAM, path));
  }

  /**
   * Seals {@code plain} and stores it as the lease file {@code path} (a relative path under
   * {@code bulwark/leases/}), replacing one of that name atomically.
   */
  public void saveLeaseFile(String path, byte[] plain) throws IOException {
    saveSealed(FileType.LEASE, path, plain);
  }

  /**
   * Loads and authenticates the lease file {@code path}; returns its plaintext.
   *
   * @throws java.nio.file.NoSuchFileException if it does not exist
   * @throws CorruptionException naming the file if it fails authentication
   */
  public byte[] loadLeaseFile(String path) throws IOException, BulwarkException {
    return loadSealed(FileType.LEASE, path);
  }

  /** The files directly in the lease folder {@code folder}, sorted by name. */
  public List<FileInfo> listLeaseFolder(String folder) throws IOException {
    return listSorted(FileType.LEASE, folder);
  }

  /** Removes the lease file {@code path}; removing a missing one is not an error. */
  public void removeLeaseFile(String path) throws IOException {
    backend.delete(new Handle(FileType.LEASE, path));
  }

  /**
   * Seals {@code plain} and stores it as the state file {@code path} (a relative path under
   * {@code bulwark/state/}), replacing one of that name atomically.
   */
  public void saveStateFile(String path, byte[] plain) throws IOException {
    saveSealed(FileType.STATE, path, plain);
  }

  /**
   * Loads and authenticates the state file {@code path}; returns its plaintext.
   *
   * @throws java.nio.file.NoSuchFileException if it does not exist
   * @throws CorruptionException naming the file if it fails authentication
   */
  public byte[] loadStateFile(String path) throws IOException, BulwarkException {
    return loadSealed(FileType.STATE, path);
  }

  /**
   * Seals {@code plain} and stores it as the lock request {@code name} (one segment under
   * {@code bulwark/lock-requests/}), replacing one of that name atomically.
   */
  public void saveLockRequest(String name, byte[] plain) throws IOException {
    saveSealed(FileType.LOCK_REQUEST, name, plain);
  }

  /** Loads and authenticates the lock request {@code name}; returns its plaintext. */
  public byte[] loadLockRequest(String name) throws IOException, BulwarkException {
    return loadSealed(FileType.LOCK_REQUEST, name);
  }

  /** Every lock request, sorted by name. */
  public List<FileInfo> listLockRequests() throws IOException {
    return listTreeSorted(FileType.LOCK_REQUEST);
  }

  /** Removes the lock request {@code name}; removing a missing one is not an error. */
  public void removeLockRequest(String name) throws IOException {
    backend.delete(new Handle(FileType.LOCK_REQUEST, name));
  }

  /** Every file of {@code type} at any depth, named by its relative path, sorted by it. */
  private List<FileInfo> listTreeSorted(FileType type) throws IOException {
    List<FileInfo> files = new ArrayList<>();
    backend.listTree(type, files::add);
    files.sort(Comparator.comparing(FileInfo::name));
    return files;
  }

  /** Seals {@code plain} with the master key and stores it at {@code path} of {@code type}. */
  private void saveSealed(FileType type, String path, byte[] plain) throws IOException {
    byte[] sealed = key.seal(plain);
    backend.save(new Handle(type, path), sealed, 0, sealed.length);
  }

  /** Loads and authenticates the file at {@code path} of {@code type}, naming it if damaged. */
  private byte[] loadSealed(FileType type, String path) throws IOException, BulwarkException {
    Handle h = new Handle(type, path);
    byte[] sealed = backend.load(h, 0, -1);
    try {
      return key.open(sealed);
    } catch (CorruptionException e) {
      throw new CorruptionException(h + ": " + e.getMessage(), e);
    }
  }

  /** The files directly in {@code folder} of {@code type}, sorted by name. */
  private List<FileInfo> listSorted(FileType type, String folder) throws IOException {
    List<FileInfo> files = new ArrayList<>();
    backend.listFolder(type, folder, files::add);
    files.sort(Comparator.comparing(FileInfo::name));
    return files;
  }

  /**
   * Loads a blob's plaintext, verified against its id.
   *
   * @throws CorruptionException if the blob is not indexed or fails verification
   */
  public byte[] loadBlob(BlobType type, Id id) throws IOException, BulwarkException {
    BlobLocation loc = index.find(type, id).orElseThrow(() -> new CorruptionException(
        type.jsonName() + " blob " + id.shortForm() + " is not in the index"));
    return loadBlobs(loc.pack(), List.of(loc.blob())).get(0);
  }

  /**
   * Loads blobs of one pack, in the order they lie in it, with one ranged read from the first
   * one's start to the last one's end (a request on S3; pass blobs that lie together), and opens
   * each: its plaintext, verified against its id.
   *
   * @throws IllegalArgumentException if {@code blobs} is empty or not in pack order
   * @throws CorruptionException if the pack is missing or truncated, or a blob fails
   *     verification
   */
  public List<byte[]> loadBlobs(Id pack, List<PackedBlob> blobs)
      throws IOException, BulwarkException {
    if (blobs.isEmpty()) {
      throw new IllegalArgumentException("no blobs to load");
    }
    for (int i = 1; i < blobs.size(); i++) {
      if (blobs.get(i).offset() < blobs.get(i - 1).offset() + blobs.get(i - 1).length()) {
        throw new IllegalArgumentException("blobs not in pack order");
      }
    }
    PackedBlob first = blobs.get(0);
    PackedBlob last = blobs.get(blobs.size() - 1);
    long start = first.offset();
    String where = "pack " + pack;
    byte[] sealed;
    try {
      sealed = loadPackRange(pack, start,
          Math.toIntExact(last.offset() + last.length() - start));
    } catch (NoSuchFileException e) {
      throw new CorruptionException(where + " is missing (needed for blob "
          + first.id().shortForm() + ")", e);
    } catch (java.io.EOFException e) {
      throw new CorruptionException(where + " is truncated (needed for blob "
          + first.id().shortForm() + ")", e);
    }
    List<byte[]> out = new ArrayList<>(blobs.size());
    for (PackedBlob b : blobs) {
      out.add(openBlob(sealed, Math.toIntExact(b.offset() - start), b, where));
    }
    return out;
  }

  /**
   * Loads a tree blob, verified against its id, and parses it. A large tree (a file's content
   * list at small chunks) is authenticated, decrypted and parsed as a stream, never held as one
   * array (see {@link LargeBlobs}).
   *
   * @throws CorruptionException if the tree is not indexed, fails verification or is not a tree
   */
  public Tree loadTree(Id id) throws IOException, BulwarkException {
    BlobLocation loc = index.find(BlobType.TREE, id).orElseThrow(() -> new CorruptionException(
        "tree blob " + id.shortForm() + " is not in the index"));
    if (!LargeBlobs.isLarge(loc.blob().plaintextLength())) {
      return Tree.parse(loadBlob(BlobType.TREE, id));
    }
    return LargeBlobReads.load(this, key, loc, "pack " + loc.pack());
  }

  /**
   * Loads and parses the tree blob at {@code loc}, which need not be in this repository's
   * in-memory index, as {@link #loadTree(Id)} does.
   *
   * @param what names the blob for messages
   * @throws CorruptionException if its pack is missing or truncated or the tree is damaged
   */
  public Tree loadTree(BlobLocation loc, String what) throws IOException, BulwarkException {
    if (!LargeBlobs.isLarge(loc.blob().plaintextLength())) {
      return Tree.parse(loadBlob(loc, what));
    }
    return LargeBlobReads.load(this, key, loc, what);
  }

  /**
   * Verifies the sealed blob at {@code data[offset...]} as {@link #openBlob} does and returns
   * its plaintext length, without holding the plaintext of a large one: its MAC is checked
   * first, then it is decrypted, decompressed and hashed as a stream.
   *
   * @param where names the pack for messages
   * @throws CorruptionException if it fails authentication, decompression or its id
   */
  public long verifyBlob(byte[] data, int offset, PackedBlob blob, String where)
      throws CorruptionException {
    if (!LargeBlobs.isLarge(blob.plaintextLength())) {
      return openBlob(data, offset, blob, where).length;
    }
    try (InputStream in = BlobCodec.openStream(key, SealedBytes.of(data, offset, blob.length()),
        blob, where)) {
      return in.transferTo(OutputStream.nullOutputStream());
    } catch (DamagedBlobException e) {
      throw e.corruption();
    } catch (IOException e) {
      throw new IllegalStateException("reading an array failed", e);
    }
  }

  /**
   * Verifies the blob at {@code loc} (decrypts, decompresses, checks it against its id) and
   * returns its plaintext length, reading only that blob's bytes of its pack; a large one is
   * authenticated in a 0600 temporary copy, then decrypted and hashed as a stream.
   *
   * @param what names the pack for messages
   * @throws CorruptionException if its pack is missing or truncated or the blob is damaged
   */
  public long verifyBlob(BlobLocation loc, String what) throws IOException, BulwarkException {
    if (!LargeBlobs.isLarge(loc.blob().plaintextLength())) {
      return loadBlob(loc, what).length;
    }
    return LargeBlobReads.verify(this, key, loc, what);
  }

  /**
   * Reads and checks the header of the pack {@code pack} of {@code size} bytes, reading only
   * its tail.
   *
   * @throws CorruptionException if the header is damaged
   */
  public List<PackedBlob> readPackHeader(Id pack, long size, String what)
      throws IOException, BulwarkException {
    return PackReader.readHeader((off, len) -> loadPackRange(pack, off, len), size, key, what);
  }

  /** Saves a snapshot (to be called only once everything it references is durable). */
  public Snapshot saveSnapshot(Snapshot s) throws IOException {
    return s.withId(saveUnpacked(FileType.SNAPSHOT, s.toJson()));
  }

  /** Loads one snapshot. */
  public Snapshot loadSnapshot(Id id) throws IOException, BulwarkException {
    return Snapshot.parse(id, loadUnpacked(FileType.SNAPSHOT, id));
  }

  /**
   * All snapshots that can be read, oldest first. A damaged snapshot file is left out with one
   * warning naming it (as restic lists the others): one bad file must not block listings,
   * {@code latest} or backups. Check and prune do not use this listing.
   */
  public List<Snapshot> snapshots() throws IOException, BulwarkException {
    List<Snapshot> out = new ArrayList<>();
    for (Id id : list(FileType.SNAPSHOT)) {
      try {
        out.add(loadSnapshot(id));
      } catch (CorruptionException e) {
        LOG.warn("skipping snapshot {} that cannot be read: {} (`bulwark forget {}` removes it)",
            id.shortForm(), e.getMessage(), id.shortForm());
      }
    }
    out.sort(Comparator.comparing(Snapshot::time).thenComparing(s -> s.id().toString()));
    return out;
  }

  /**
   * The id of the snapshot file a full id or unique prefix names, without reading it (so a
   * damaged snapshot can still be named, e.g. to forget it).
   *
   * @throws BulwarkException if none or several match, or {@code ref} is not hex
   */
  public Id findSnapshotId(String ref) throws IOException, BulwarkException {
    String prefix = ref.toLowerCase(java.util.Locale.ROOT);
    if (prefix.isEmpty() || !prefix.matches("[0-9a-f]+")) {
      throw new BulwarkException("not a snapshot id: " + ref + " (give an id, a prefix or latest)");
    }
    List<Id> matches = new ArrayList<>();
    for (Id id : list(FileType.SNAPSHOT)) {
      if (id.toString().startsWith(prefix)) {
        matches.add(id);
      }
    }
    if (matches.isEmpty()) {
      throw new SnapshotNotFoundException("no snapshot matches " + ref);
    }
    if (matches.size() > 1) {
      throw new BulwarkException("snapshot prefix " + ref + " is ambiguous (" + matches.size()
          + " matches); give more characters");
    }
    return matches.get(0);
  }

  /**
   * Finds a snapshot by full id, unique id prefix, or {@code latest}.
   *
   * @throws BulwarkException if none or several match
   */
  public Snapshot findSnapshot(String ref) throws IOException, BulwarkException {
    if ("latest".equals(ref)) {
      List<Snapshot> all = snapshots();
      if (all.isEmpty()) {
        throw new SnapshotNotFoundException("the repository has no snapshots");
      }
      return all.get(all.size() - 1);
    }
    return loadSnapshot(findSnapshotId(ref));
  }

  /** All locks, skipping files that cannot be read (as restic 0.14 does). */
  public List<LockInfo> locks() throws IOException {
    List<LockInfo> out = new ArrayList<>();
    for (Id id : list(FileType.LOCK)) {
      try {
        out.add(LockInfo.parse(id, loadUnpacked(FileType.LOCK, id)));
      } catch (NoSuchFileException e) {
        // released between listing and reading
      } catch (BulwarkException e) {
        LOG.debug("ignoring unreadable lock {}: {}", id.shortForm(), e.getMessage());
      }
    }
    return out;
  }

  /** Key management for this repository. */
  public Keys keys() {
    return new Keys(this);
  }

  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      key.close();
      backend.close();
    }
  }
}
