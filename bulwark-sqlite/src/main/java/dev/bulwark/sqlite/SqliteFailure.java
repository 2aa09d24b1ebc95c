package dev.bulwark.sqlite;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** What an SQLite error means for a person, in a few words. */
enum SqliteFailure {
  NOT_A_DATABASE("is not a SQLite database"),
  DAMAGED("is damaged (SQLite: database disk image is malformed)"),
  LOCKED("is locked by another connection"),
  CANNOT_OPEN("cannot be opened (missing, a folder, or no permission)"),
  NO_PERMISSION("cannot be read or written (permission denied or read-only)"),
  DISK_FULL("cannot be copied: the disk is full"),
  IO_ERROR("cannot be read: I/O error"),
  OTHER("cannot be used");

  private final String phrase;

  SqliteFailure(String phrase) {
    this.phrase = phrase;
  }

  /** A phrase that completes "the database ... ". */
  String phrase() {
    return phrase;
  }

  /** Classifies an SQLite result code (primary or extended). */
  static SqliteFailure of(int resultCode) {
    // Extended result codes keep the primary code in their low byte.
    return switch (resultCode & 0xff) {
      case 26 -> NOT_A_DATABASE;
      case 11 -> DAMAGED;
      case 5, 6 -> LOCKED;
      case 14 -> CANNOT_OPEN;
      case 3, 8, 23 -> NO_PERMISSION;
      case 13 -> DISK_FULL;
      case 10 -> IO_ERROR;
      default -> OTHER;
    };
  }

  /** Classifies a JDBC failure from sqlite-jdbc. */
  static SqliteFailure of(SQLException e) {
    if (e instanceof SQLiteException s && s.getResultCode() != SQLiteErrorCode.UNKNOWN_ERROR) {
      return of(s.getResultCode().code);
    }
    return of(e.getErrorCode());
  }

  /** The phrase, plus SQLite's own words where they add something. */
  String explain(SQLException e) {
    return this == OTHER ? phrase + ": " + e.getMessage() : phrase;
  }
}
