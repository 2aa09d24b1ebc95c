/**
 * Byte storage under a repository. {@link dev.bulwark.core.backend.Backend} is the one seam every
 * store implements; {@link dev.bulwark.core.backend.LocalBackend} keeps a repository in a local
 * folder, writing every file atomically.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release. Exported from it: {@link
 * dev.bulwark.core.backend.Backend}, {@link dev.bulwark.core.backend.BackendProvider}, {@link
 * dev.bulwark.core.backend.Handle} and {@link dev.bulwark.core.backend.FileInfo} (the extension
 * point for other stores).
 */
@NullMarked
package dev.bulwark.core.backend;

import org.jspecify.annotations.NullMarked;
