/**
 * Pack files: encrypted blobs back to back, followed by an encrypted header that lists them.
 * {@link dev.bulwark.core.pack.PackWriter} builds one in memory; {@link
 * dev.bulwark.core.pack.PackReader} reads a header back. This package never sees a backend.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release.
 */
@NullMarked
package dev.bulwark.core.pack;

import org.jspecify.annotations.NullMarked;
