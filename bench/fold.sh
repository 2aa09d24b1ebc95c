#!/usr/bin/env bash
# Chooses the SQLite chunk size by measurement: a SQLite database (4 KiB pages, about ten rows
# a page) is copied (A), 1% of its rows are updated at random, it is copied again (B), and for
# each chunk size FoldChunkSizeBench backs up A, stores B's changed pages as stream segments
# and folds a snapshot from them, printing what the fold stored and how long it took, and the
# content list of a 10 GiB database at that size; restic's growth for B after A, if installed.
# The updates run as STEPS transactions, each shipped as its own segments as the replicator
# ships them, so chunks are touched by several segments.
#   bench/fold.sh [SIZE_MIB] [CHUNK_KIB...]     (default 300; 8 16 32 64 128)
# Env: PER_MILLE, the rows updated per thousand (default 10, i.e. 1%); ROUNDS, folds per size
# (default 3; times are medians); STEPS, the transactions the updates are split into (default 8);
# FLOOR_HEAP, the heap of the floor measurement, which holds every differing chunk (default 3g).
set -euo pipefail
size_mib="${1:-300}"
shift || true
chunks=("${@:-8 16 32 64 128}")
per_mille="${PER_MILLE:-10}"
steps="${STEPS:-8}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="${BENCH_DIR:-$here/work-fold}"
rm -rf "$work" && mkdir -p "$work"
for t in sqlite3 java mvn; do
  command -v "$t" >/dev/null || { echo "$t is required" >&2; exit 1; }
done
echo "building the benchmark jar..." >&2
mvn -o -q -f "$root/pom.xml" -P bench -pl bench/jmh -am package -DskipTests >&2
rows=$((size_mib * 2560))
echo "generating a $size_mib MiB SQLite database ($rows rows)..." >&2
sqlite3 "$work/a.db" <<SQL >/dev/null
PRAGMA page_size=4096;
CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL, memo BLOB);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT $rows)
INSERT INTO accounts SELECT x, 1000, randomblob(180) || zeroblob(170) FROM c;
SQL
cp "$work/a.db" "$work/b.db"
step_copies=()
for ((i = 1; i <= steps; i++)); do
  sqlite3 "$work/b.db" <<SQL >/dev/null
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c
  LIMIT $((rows * per_mille / 1000 / steps)))
UPDATE accounts SET balance = balance + 1
 WHERE id IN (SELECT abs(random()) % $rows + 1 FROM c);
SQL
  if ((i < steps)); then
    cp "$work/b.db" "$work/step$i.db"
    step_copies+=("$work/step$i.db")
  fi
done
step_list="$(IFS=:; echo "${step_copies[*]:-}")"
# restic as the reference for stored bytes: A, then B under the same name.
if command -v restic >/dev/null; then
  export RESTIC_PASSWORD=bench RESTIC_CACHE_DIR="$work/restic-cache"
  mkdir -p "$work/r"
  restic init -r "$work/restic" -q >/dev/null
  cp "$work/a.db" "$work/r/app.db"
  (cd "$work/r" && restic -r "$work/restic" -q backup app.db >/dev/null)
  first=$(du -sb "$work/restic" | cut -f1)
  # The issue's peer pipeline for B: sqlite3 .backup, then restic backup of the copy.
  rm "$work/r/app.db"
  sync
  start=$(date +%s.%N)
  sqlite3 "$work/b.db" ".backup '$work/r/app.db'"
  (cd "$work/r" && restic -r "$work/restic" -q backup app.db >/dev/null)
  end=$(date +%s.%N)
  echo "restic: B after A stored $(( ($(du -sb "$work/restic" | cut -f1) - first) >> 20 )) MiB;" \
    "sqlite3 .backup + restic backup took $(echo "$end - $start" | bc) s"
  rm -rf "$work/restic" "$work/r" "$work/restic-cache"
fi
# shellcheck disable=SC2068
java -XX:+UseParallelGC -Xmx512m -Drounds="${ROUNDS:-3}" \
  -Dorg.slf4j.simpleLogger.log.dev.bulwark.core.stream.SnapshotFolder=debug -Dsteps="$step_list" \
  -cp "$root/bench/jmh/target/benchmarks.jar" \
  dev.bulwark.bench.FoldChunkSizeBench "$work/a.db" "$work/b.db" "$work/run" ${chunks[@]}
# The CPU any fold of this change needs at each size (every differing chunk opened and stored
# again, in memory, one thread), to set the fold's time beside its floor.
# shellcheck disable=SC2068
java -XX:+UseParallelGC -Xmx"${FLOOR_HEAP:-3g}" -cp "$root/bench/jmh/target/benchmarks.jar" \
  dev.bulwark.bench.FoldFloorBench "$work/a.db" "$work/b.db" ${chunks[@]}
rm -rf "$work"
