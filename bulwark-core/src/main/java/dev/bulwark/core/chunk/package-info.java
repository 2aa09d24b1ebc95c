/**
 * Splitting content into blobs. Database files change in place, so Bulwark cuts them into
 * fixed-size, page-aligned chunks ({@link dev.bulwark.core.chunk.FixedChunker}); the repository
 * still carries restic's chunker polynomial ({@link dev.bulwark.core.chunk.ChunkerPolynomial}).
 */
package dev.bulwark.core.chunk;
