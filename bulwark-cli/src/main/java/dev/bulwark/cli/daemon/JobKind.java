package dev.bulwark.cli.daemon;

/** What a job does. */
public enum JobKind {
  BACKUP, VERIFY, RESTORE, FORGET
}
