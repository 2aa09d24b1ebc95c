/**
 * The daemon's configuration: one YAML file ({@code bulwark.yml}), overridden by
 * {@code BULWARK_*} environment variables and then by flags, validated into immutable records.
 * Entry points: {@link dev.bulwark.cli.config.ConfigLoader} (a file and an environment) and the
 * picocli mixin {@link dev.bulwark.cli.config.ConfigOptions} (finds the file, applies flags).
 * Field and variable names: {@code docs/configuration.md}.
 */
@NullMarked
package dev.bulwark.cli.config;

import org.jspecify.annotations.NullMarked;
