package dev.bulwark.core.pack;

import dev.bulwark.core.Id;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A complete pack file ready to store: its id (the SHA-256 of its bytes) and its contents, in
 * parts whose concatenation is the file. The parts are the sealed blobs as they were added and
 * the sealed header last, so a pack never needs one contiguous array.
 */
public final class FinishedPack {
  private final Id id;
  private final List<ByteBuffer> parts;
  private final int length;
  private final List<PackedBlob> blobs;

  FinishedPack(Id id, List<ByteBuffer> parts, int length, List<PackedBlob> blobs) {
    this.id = id;
    this.parts = parts;
    this.length = length;
    this.blobs = blobs;
  }

  public Id id() {
    return id;
  }

  /** The file's bytes in order, as read-only buffers; read them through duplicates. */
  public List<ByteBuffer> parts() {
    return parts;
  }

  /** The file's length in bytes. */
  public int length() {
    return length;
  }

  public List<PackedBlob> blobs() {
    return blobs;
  }
}
