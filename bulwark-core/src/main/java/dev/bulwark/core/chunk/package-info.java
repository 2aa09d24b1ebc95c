/**
 * Splitting content into blobs. Database files change in place, so Bulwark cuts them into
 * fixed-size, page-aligned chunks ({@link dev.bulwark.core.chunk.FixedChunker}); the repository
 * still carries restic's chunker polynomial ({@link dev.bulwark.core.chunk.ChunkerPolynomial}).
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release.
 */
@NullMarked
package dev.bulwark.core.chunk;

import org.jspecify.annotations.NullMarked;
