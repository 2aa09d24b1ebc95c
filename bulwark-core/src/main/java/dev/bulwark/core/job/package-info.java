/**
 * Long jobs (backup, restore, check, prune): how often they persist their progress ({@link
 * dev.bulwark.core.job.CheckpointPolicy}), and how something more urgent asks one to stop at its
 * next checkpoint ({@link dev.bulwark.core.job.YieldSignal}, {@link
 * dev.bulwark.core.job.JobYieldedException}). A job that yields has persisted everything up to
 * that checkpoint, and the next run of the same job resumes from it.
 */
package dev.bulwark.core.job;
