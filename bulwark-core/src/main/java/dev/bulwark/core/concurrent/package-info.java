/**
 * The bounded executors the engines run on, and waiting on their results without losing the
 * first failure.
 */
package dev.bulwark.core.concurrent;
