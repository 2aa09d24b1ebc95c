/**
 * Backing up: a {@link dev.bulwark.core.backup.Source} yields a consistent view of files, and
 * the {@link dev.bulwark.core.backup.Archiver} chunks, deduplicates and stores them, then writes
 * the trees and, last, the snapshot.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release. Exported from it: {@link
 * dev.bulwark.core.backup.Source} with {@link dev.bulwark.core.backup.SourceView}, {@link
 * dev.bulwark.core.backup.SourceEntry} and {@link dev.bulwark.core.backup.FileMeta} (the extension
 * point for other sources), {@link dev.bulwark.core.backup.FileSource} and {@link
 * dev.bulwark.core.backup.BackupOptions}.
 */
@NullMarked
package dev.bulwark.core.backup;

import org.jspecify.annotations.NullMarked;
