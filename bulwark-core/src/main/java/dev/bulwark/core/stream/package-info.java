/**
 * Continuous capture of a database's committed transactions as stream segments: the segment
 * format, the database-state checksum that chains them, where they live in a repository, how a
 * snapshot records its place in a stream ({@link dev.bulwark.core.stream.StreamTags}), and the
 * {@link dev.bulwark.core.stream.Replicator} a streamable source starts, and the {@link
 * dev.bulwark.core.stream.Compactor} that merges segments in levels so a restore reads few.
 */
@NullMarked
package dev.bulwark.core.stream;

import org.jspecify.annotations.NullMarked;
