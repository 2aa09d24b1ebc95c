/**
 * The {@code bulwark} command: one class per subcommand, {@link dev.bulwark.cli.Main} mapping
 * every failure to one line and restic's exit codes.
 */
@NullMarked
package dev.bulwark.cli;

import org.jspecify.annotations.NullMarked;
