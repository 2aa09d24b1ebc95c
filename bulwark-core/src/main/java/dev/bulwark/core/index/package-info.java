/**
 * The blob-to-pack map. {@link dev.bulwark.core.index.Index} answers "where is this blob?" for a
 * whole repository; {@link dev.bulwark.core.index.IndexFile} is one stored index file's JSON.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release.
 */
@NullMarked
package dev.bulwark.core.index;

import org.jspecify.annotations.NullMarked;
