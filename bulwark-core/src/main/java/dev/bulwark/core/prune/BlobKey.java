package dev.bulwark.core.prune;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;

/** A blob as snapshots name it: its type and id (the same id may exist as data and tree). */
record BlobKey(BlobType type, Id id) {}
