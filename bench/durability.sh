#!/usr/bin/env bash
# Issue 12's benchmark: commit latency p50/p99 and throughput of small auto-commit inserts (WAL,
# synchronous=FULL) for SQLite alone and with the replicator in ASYNC, LOCAL and SYNC, to a local
# repository and to a local S3 server (s3proxy on 127.0.0.1), with one writer and with
# WRITERS (default 16) writers. Targets: LOCAL at most 2x SQLite's commit latency; SYNC with
# group commit at least 500 tx/s to the S3 server. Prints a Markdown table.
#   bench/durability.sh [SECONDS]      (default 10 s per case; 17 cases)
# DURABILITIES=SYNC (or e.g. LOCAL,SYNC) runs only those, beside SQLite alone.
set -euo pipefail
seconds="${1:-10}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="${BENCH_DIR:-$here/work-durability}"
rm -rf "$work" && mkdir -p "$work"
echo "building the benchmark jar and the S3 server's class path..." >&2
mvn -o -q -f "$root/pom.xml" -P bench -pl bench/jmh -am package -DskipTests >&2
. "$here/s3server.sh"
start_s3
echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — \`bench/durability.sh $seconds\`, load average" \
  "$(cut -d' ' -f1-3 /proc/loadavg) before, $(nproc) cores"
echo
java -Xmx512m -cp "$root/bench/jmh/target/benchmarks.jar" dev.bulwark.bench.DurabilityBench \
  "$work/cases" "$seconds" "${WRITERS:-16}" "$s3/bench" ${DURABILITIES:+"$DURABILITIES"}
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
[ "${KEEP:-0}" = 1 ] || rm -rf "$work"
