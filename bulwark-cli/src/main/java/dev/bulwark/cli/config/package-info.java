/**
 * The daemon's configuration: one YAML file ({@code bulwark.yml}), overridden by
 * {@code BULWARK_*} environment variables and then by flags; loaded into immutable records.
 */
package dev.bulwark.cli.config;
