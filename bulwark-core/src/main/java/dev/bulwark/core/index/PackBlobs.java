package dev.bulwark.core.index;

import dev.bulwark.core.Id;
import dev.bulwark.core.pack.PackedBlob;
import java.util.List;

/** One pack's entry in an index file: the pack id and every blob in it. */
public record PackBlobs(Id pack, List<PackedBlob> blobs) {
  public PackBlobs {
    blobs = List.copyOf(blobs);
  }
}
