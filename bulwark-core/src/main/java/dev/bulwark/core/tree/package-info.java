/**
 * Tree blobs: the directory listings of a snapshot, as restic's tree and node JSON with Go-quoted
 * names, Go file-mode bits and UTF-8 byte order (restic-format.md §6). {@link
 * dev.bulwark.core.tree.Tree} writes and reads them; {@link dev.bulwark.core.tree.Node} is one
 * entry.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release.
 */
@NullMarked
package dev.bulwark.core.tree;

import org.jspecify.annotations.NullMarked;
