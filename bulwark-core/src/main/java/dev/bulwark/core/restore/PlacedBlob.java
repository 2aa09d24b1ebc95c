package dev.bulwark.core.restore;

import dev.bulwark.core.index.BlobLocation;

/** A data blob of a file being restored: where the repository holds it, where the file does. */
record PlacedBlob(BlobLocation location, long fileOffset) {}
