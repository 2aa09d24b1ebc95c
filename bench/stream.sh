#!/usr/bin/env bash
# Issue 11's benchmark in one run on one generated SQLite database (4 KiB pages, about ten rows
# a page) streamed by the real replicator: write throughput with capture on vs off, live RPO at
# 1,000 tx/s, a snapshot folded from the stream after 1% of the rows changed vs sqlite3 .backup
# + restic backup (time and stored bytes), and a point-in-time restore vs restic restore +
# sqlite3 integrity_check of a copy taken at that point. Prints a Markdown section.
#   bench/stream.sh [SIZE_MIB] [SECONDS]     (default 1024 MiB, 20 s per writing phase)
# A quick run: bench/stream.sh 64 5 (about a minute after the build).
# Env: BENCH_HEAP (benchmark JVM heap, default 512m), HOLD_READ=1 (the service connection holds
# a read transaction all along), KEEP=1 (keep bench/work-stream).
set -euo pipefail
size_mib="${1:-1024}"
seconds="${2:-20}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="${BENCH_DIR:-$here/work-stream}"
rm -rf "$work" && mkdir -p "$work"
for t in restic sqlite3 java mvn; do
  command -v "$t" >/dev/null || { echo "$t is required" >&2; exit 1; }
done
echo "building the benchmark jar and the CLI..." >&2
mvn -o -q -f "$root/pom.xml" -P bench -pl bench/jmh -am package -DskipTests >&2
"$root/bulwark" --version >/dev/null   # builds the CLI if needed, outside the timings
# The launcher's heap and collector (BENCH_HEAP overrides the heap), so the in-process side
# runs as the CLI and the daemon do.
hold=false; [ "${HOLD_READ:-0}" = 1 ] && hold=true
command="BENCH_HEAP=${BENCH_HEAP:-512m} HOLD_READ=${HOLD_READ:-0}"
command="$command bench/stream.sh $size_mib $seconds"
java -XX:+UseParallelGC -Xmx"${BENCH_HEAP:-512m}" -Dhold.read="$hold" \
  -Dbulwark.cli="$root/bulwark" \
  -Dbench.command="$command" \
  -cp "$root/bench/jmh/target/benchmarks.jar" \
  dev.bulwark.bench.StreamBench "$work" "$size_mib" "$seconds"
[ "${KEEP:-0}" = 1 ] || rm -rf "$work"
