/**
 * Writing beside a user's files safely: atomic replacement, names that fit, recursive
 * deletion, and finding what a killed Bulwark process left behind.
 */
package dev.bulwark.core.fs;
