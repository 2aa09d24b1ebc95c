package dev.bulwark.cli.daemon;

/** What a streamed database's replication is doing. */
public enum StreamState {
  /** Starting: resuming its stream, or taking the snapshot that starts a new generation. */
  STARTING,
  /** Shipping committed transactions within the sync interval. */
  STREAMING,
  /** Failed; waiting out the backoff before starting again. */
  RETRYING,
  /** Stopped: the daemon is shutting down, or the database is no longer streamed. */
  STOPPED
}
