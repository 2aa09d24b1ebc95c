/**
 * The bounded executors the engines run on, and waiting on their results without losing the
 * first failure.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release.
 */
@NullMarked
package dev.bulwark.core.concurrent;

import org.jspecify.annotations.NullMarked;
