/**
 * Removing what no snapshot needs: {@link dev.bulwark.core.prune.Pruner} deletes unused packs,
 * repacks partly used ones and rewrites the index, in an order that a kill at any instant
 * cannot turn into data loss.
 */
package dev.bulwark.core.prune;
