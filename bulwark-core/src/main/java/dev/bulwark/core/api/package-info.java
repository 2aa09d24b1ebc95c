/**
 * The embeddable face of Bulwark: {@link dev.bulwark.core.api.Bulwark#repository} opens a
 * repository for a running service, which can then back up its databases and key files "now"
 * (e.g. from an RPC handler) and restore them at start-up when they are missing.
 */
@NullMarked
package dev.bulwark.core.api;

import org.jspecify.annotations.NullMarked;
