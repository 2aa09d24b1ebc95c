/**
 * Writing beside a user's files safely: atomic replacement, names that fit, recursive
 * deletion, and finding what a killed Bulwark process left behind.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release.
 */
@NullMarked
package dev.bulwark.core.fs;

import org.jspecify.annotations.NullMarked;
