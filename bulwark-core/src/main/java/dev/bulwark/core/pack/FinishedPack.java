package dev.bulwark.core.pack;

import dev.bulwark.core.Id;
import java.util.List;

/** A complete pack file ready to store: its id (the SHA-256 of its bytes) and its contents. */
public final class FinishedPack {
  private final Id id;
  private final byte[] bytes;
  private final int length;
  private final List<PackedBlob> blobs;

  FinishedPack(Id id, byte[] bytes, int length, List<PackedBlob> blobs) {
    this.id = id;
    this.bytes = bytes;
    this.length = length;
    this.blobs = blobs;
  }

  public Id id() {
    return id;
  }

  /** The backing array; only the first {@link #length()} bytes belong to the pack. */
  public byte[] bytes() {
    return bytes;
  }

  public int length() {
    return length;
  }

  public List<PackedBlob> blobs() {
    return blobs;
  }
}
