/**
 * The {@code bulwark} command: one class per subcommand, {@link dev.bulwark.cli.Main} mapping
 * every failure to one line and restic's exit codes.
 */
package dev.bulwark.cli;
