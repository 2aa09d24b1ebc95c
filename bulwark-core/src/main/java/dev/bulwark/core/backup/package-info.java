/**
 * Backing up: a {@link dev.bulwark.core.backup.Source} yields a consistent view of files, and
 * the {@link dev.bulwark.core.backup.Archiver} chunks, deduplicates and stores them, then writes
 * the trees and, last, the snapshot.
 */
package dev.bulwark.core.backup;
