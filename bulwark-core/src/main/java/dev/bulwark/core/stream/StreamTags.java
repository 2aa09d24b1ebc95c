package dev.bulwark.core.stream;

import dev.bulwark.core.repo.DatabaseTags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a snapshot stands in a database's stream, kept among its {@link DatabaseTags}
 * properties: {@code bulwark:stream-id=<database id>}, {@code bulwark:stream-generation=<16
 * hex>}, {@code bulwark:stream-txid=<decimal>}, {@code bulwark:stream-checksum=<16 hex>} and,
 * for a snapshot written under a lease, {@code bulwark:stream-epoch=<decimal>}.
 *
 * <p>A snapshot with these tags holds the database exactly as it was after transaction {@code
 * txid} of {@code generation}: replaying that generation's segments from {@code txid + 1} onto
 * it continues the history. A generation starts with a snapshot at position 0; snapshots folded
 * from the stream later carry the position they were built up to. {@code checksum} is the
 * {@link PageSetChecksum} of the database file the snapshot holds, so the first segment
 * replayed onto it must start from that checksum.
 *
 * @param databaseId the stream's database id (see {@link SegmentName#requireDatabaseId})
 * @param generation the generation the snapshot belongs to
 * @param txid the last transaction position the snapshot includes (0 for a generation start)
 * @param checksum the checksum of the database state the snapshot holds
 * @param epoch the lease epoch of the replicator that wrote it ({@link StreamLease}), 0 if none
 */
public record StreamTags(String databaseId, long generation, long txid, PageSetChecksum checksum,
    long epoch) {
  static final String ID = "stream-id";
  static final String GENERATION = "stream-generation";
  static final String TXID = "stream-txid";
  static final String CHECKSUM = "stream-checksum";
  static final String EPOCH = "stream-epoch";

  /**
   * Checks the id, the position and the epoch.
   *
   * @param databaseId the stream's database id
   * @param generation the generation the snapshot belongs to
   * @param txid the last transaction position it includes; at least 0
   * @param checksum the checksum of the state it holds
   * @param epoch the lease epoch of its writer; 0 if none
   */
  public StreamTags {
    SegmentName.requireDatabaseId(databaseId);
    if (txid < 0) {
      throw new IllegalArgumentException("negative stream position: " + txid);
    }
    if (checksum == null) {
      throw new IllegalArgumentException("checksum is required");
    }
    if (epoch < 0) {
      throw new IllegalArgumentException("negative epoch: " + epoch);
    }
  }

  /**
   * Tags of a snapshot written without a lease (epoch 0).
   *
   * @param databaseId the stream's database id
   * @param generation the generation the snapshot belongs to
   * @param txid the last transaction position it includes
   * @param checksum the checksum of the state it holds
   */
  public StreamTags(String databaseId, long generation, long txid, PageSetChecksum checksum) {
    this(databaseId, generation, txid, checksum, 0);
  }

  /**
   * These tags at epoch {@code e}.
   *
   * @param e the lease epoch of the writer
   * @return new tags; these are unchanged
   */
  public StreamTags withEpoch(long e) {
    return new StreamTags(databaseId, generation, txid, checksum, e);
  }

  /**
   * {@code properties} with this snapshot's stream position added.
   *
   * @param properties a snapshot's properties
   * @return a copy with the stream's properties added
   */
  public Map<String, String> addTo(Map<String, String> properties) {
    Map<String, String> all = new LinkedHashMap<>(properties);
    all.put(ID, databaseId);
    all.put(GENERATION, SegmentName.generation(generation));
    all.put(TXID, Long.toString(txid));
    all.put(CHECKSUM, checksum.hex());
    if (epoch != 0) {
      all.put(EPOCH, Long.toString(epoch));
    } else {
      all.remove(EPOCH);
    }
    return all;
  }

  /**
   * These properties as extra snapshot tags ({@code bulwark:stream-id=...} and so on), for a
   * backup whose source does not add them itself.
   *
   * @return the tags, {@code bulwark:stream-id=...} and the rest
   */
  public List<String> toTags() {
    List<String> tags = new ArrayList<>();
    addTo(Map.of()).forEach((k, v) -> tags.add(DatabaseTags.PREFIX + k + "=" + v));
    return tags;
  }

  /**
   * The stream position recorded in {@code tags}, if they record one; tags that name a stream
   * but do not parse are treated as recording none.
   *
   * @param tags a snapshot's tags
   * @return the stream position, or empty
   */
  public static Optional<StreamTags> of(DatabaseTags tags) {
    Map<String, String> p = tags.properties();
    String id = p.get(ID);
    String gen = p.get(GENERATION);
    String txid = p.get(TXID);
    String sum = p.get(CHECKSUM);
    String epoch = p.getOrDefault(EPOCH, "0");
    if (id == null || gen == null || txid == null || sum == null
        || !gen.matches("[0-9a-f]{16}") || !txid.matches("[0-9]{1,19}")
        || !sum.matches("[0-9a-f]{16}") || !epoch.matches("[0-9]{1,18}")) {
      return Optional.empty();
    }
    try {
      return Optional.of(new StreamTags(id, Long.parseUnsignedLong(gen, 16),
          Long.parseLong(txid), new PageSetChecksum(Long.parseUnsignedLong(sum, 16)),
          Long.parseLong(epoch)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
