/**
 * Long-running work (backup, restore, check): progress that a terminal or an API can watch,
 * and the bounded executors the engines run on.
 */
package dev.bulwark.core.job;
