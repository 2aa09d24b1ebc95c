/**
 * What a database backup reads and how a database restore checks: the one mapping from a
 * database kind to its source and restore kind, shared by {@code bulwark backup} and the daemon.
 */
@NullMarked
package dev.bulwark.cli.source;

import org.jspecify.annotations.NullMarked;
