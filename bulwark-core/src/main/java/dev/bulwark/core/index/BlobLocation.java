package dev.bulwark.core.index;

import dev.bulwark.core.Id;
import dev.bulwark.core.pack.PackedBlob;

/** A blob and the pack that holds it. */
public record BlobLocation(Id pack, PackedBlob blob) {}
