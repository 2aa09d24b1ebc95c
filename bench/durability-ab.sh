#!/usr/bin/env bash
# Interleaved A/B of issue 12's DurabilityBench between two revisions of this repository, one
# S3 server for both, so a change is judged against its parent on the same (noisy) machine in
# the same minutes: A, B, A, B... Prints each round's table rows.
#   bench/durability-ab.sh REV_A REV_B [SECONDS] [ROUNDS] [DURABILITIES]
# e.g. bench/durability-ab.sh main HEAD 5 2 SYNC     (WRITERS=16 by default)
# REV_B may be "WORKTREE" for the uncommitted state of this checkout.
set -euo pipefail
rev_a="${1:?REV_A}"; rev_b="${2:?REV_B}"
seconds="${3:-5}"; rounds="${4:-2}"; durabilities="${5:-ASYNC,LOCAL,SYNC}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="${BENCH_DIR:-$here/work-durability-ab}"
rm -rf "$work" && mkdir -p "$work"
# Builds REV's benchmark jar in a throwaway worktree (or this checkout for WORKTREE).
jar_of() {
  local rev="$1" out="$2" tree
  if [ "$rev" = WORKTREE ]; then
    tree="$root"
  else
    tree="$work/tree-$out"
    git -C "$root" worktree add -q --detach "$tree" "$rev"
  fi
  echo "building the benchmark jar of $rev..." >&2
  mvn -o -q -f "$tree/pom.xml" -P bench -pl bench/jmh -am package -DskipTests >&2
  cp "$tree/bench/jmh/target/benchmarks.jar" "$work/$out.jar"
  if [ "$rev" != WORKTREE ]; then
    git -C "$root" worktree remove --force "$tree"
  fi
}
jar_of "$rev_a" A
jar_of "$rev_b" B
. "$here/s3server.sh"
start_s3
echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — \`bench/durability-ab.sh $*\`:" \
  "A = $(git -C "$root" rev-parse --short "$rev_a" 2>/dev/null || echo "$rev_a")," \
  "B = $(git -C "$root" rev-parse --short "$rev_b" 2>/dev/null || echo "$rev_b")"
for round in $(seq 1 "$rounds"); do
  for v in A B; do
    rm -rf "$work/cases"
    echo
    echo "round $round, $v, load average $(cut -d' ' -f1 /proc/loadavg):"
    java -Xmx512m -cp "$work/$v.jar" dev.bulwark.bench.DurabilityBench "$work/cases" \
      "$seconds" "${WRITERS:-16}" "$s3/r$round$v" "$durabilities" | grep '^|'
  done
done
[ "${KEEP:-0}" = 1 ] || rm -rf "$work"
