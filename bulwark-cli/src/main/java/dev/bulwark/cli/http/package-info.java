/**
 * The daemon's HTTP API: JSON-RPC at {@code /rpc}, Prometheus metrics at {@code /metrics}, a
 * health check and a self-contained status page, all behind one bearer token
 * ({@link dev.bulwark.cli.http.ApiServer} is the entry point; it only talks to the daemon
 * through {@link dev.bulwark.cli.daemon.DaemonControl}).
 */
@NullMarked
package dev.bulwark.cli.http;

import org.jspecify.annotations.NullMarked;
