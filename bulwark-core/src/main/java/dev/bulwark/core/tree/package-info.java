/**
 * Tree blobs: the directory listings of a snapshot, as restic's tree and node JSON with Go-quoted
 * names, Go file-mode bits and UTF-8 byte order (restic-format.md §6). {@link
 * dev.bulwark.core.tree.Tree} writes and reads them; {@link dev.bulwark.core.tree.Node} is one
 * entry.
 */
package dev.bulwark.core.tree;
