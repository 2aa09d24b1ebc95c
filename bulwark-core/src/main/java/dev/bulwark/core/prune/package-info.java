/**
 * Removing what no snapshot needs: {@link dev.bulwark.core.prune.Pruner} deletes unused packs,
 * repacks partly used ones and rewrites the index, and removes stream segments no remaining
 * snapshot or stream retention needs, in an order that a kill at any instant cannot turn into
 * data loss.
 *
 * <p>Internal to Bulwark (see {@code docs/library.md}): used by the sibling modules, not part
 * of the library API, and may change in any release. Exported from it: {@link
 * dev.bulwark.core.prune.PruneOptions} and {@link dev.bulwark.core.prune.PruneResult} (values the
 * API takes and returns).
 */
@NullMarked
package dev.bulwark.core.prune;

import org.jspecify.annotations.NullMarked;
