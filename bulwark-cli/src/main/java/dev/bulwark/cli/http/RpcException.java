package dev.bulwark.cli.http;

/**
 * A JSON-RPC error to send back: a code (JSON-RPC 2.0's reserved ones, or one of ours) and a
 * one-line message. Internal to the handler; never leaves the HTTP layer.
 */
final class RpcException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Invalid JSON was received. */
  static final int PARSE_ERROR = -32700;
  /** The JSON sent is not a valid request object. */
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;
  static final int INVALID_PARAMS = -32602;
  static final int INTERNAL_ERROR = -32603;
  /** Application error: the request named a database the configuration does not have. */
  static final int UNKNOWN_DATABASE = -32001;
  /** Application error: {@code reload} found an invalid configuration; the old one stays. */
  static final int INVALID_CONFIG = -32002;
  /** Application error: the repository could not be read. */
  static final int REPOSITORY_ERROR = -32003;

  private final int code;

  RpcException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  int code() {
    return code;
  }
}
