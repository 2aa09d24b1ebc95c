#!/usr/bin/env bash
# Times an online backup of a live SQLite database: `bulwark backup --sqlite` against the
# two-step peer pipeline `sqlite3 DB ".backup copy"` + `restic backup copy`, in one run, with a
# writer committing to the database throughout. Also `VACUUM INTO` + restic, a peer that keeps
# working under a busy writer (a stepped .backup restarts on every foreign commit).
#   bench/sqlite.sh [SIZE_MIB]     (default 1024)
# Env: WRITER_INTERVAL (seconds between writer commits, default 0.2), PEER_TIMEOUT (default 600).
set -euo pipefail
size_mib="${1:-1024}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="${BENCH_DIR:-$here/work}"
interval="${WRITER_INTERVAL:-0.2}"
peer_timeout="${PEER_TIMEOUT:-600}"
rm -rf "$work" && mkdir -p "$work"
export BULWARK_PASSWORD=bench RESTIC_PASSWORD=bench RESTIC_CACHE_DIR="$work/restic-cache"
bulwark="$root/bulwark"
"$bulwark" --version >/dev/null
for t in restic sqlite3 python3; do
  command -v "$t" >/dev/null || { echo "$t is required" >&2; exit 1; }
done
db="$work/live/app.db"
mkdir -p "$work/live"
rows=$((size_mib * 1200))
echo "generating a $size_mib MiB SQLite database ($rows rows, WAL)..." >&2
sqlite3 "$db" <<SQL >/dev/null
PRAGMA page_size=4096;
PRAGMA journal_mode=WAL;
CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL, memo BLOB);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT $rows)
INSERT INTO accounts SELECT x, 1000, randomblob(400) || zeroblob(400) FROM c;
SQL

# The writer: one small transaction every $interval seconds until told to stop.
python3 - "$db" "$interval" "$work/stop-writer" <<'PY' &
import os, random, sqlite3, sys, time
db, interval, stop = sys.argv[1], float(sys.argv[2]), sys.argv[3]
c = sqlite3.connect(db, timeout=30, isolation_level=None)
rows = c.execute("select max(id) from accounts").fetchone()[0]
while not os.path.exists(stop):
    a, b = random.randint(1, rows), random.randint(1, rows)
    c.execute("begin immediate")
    c.execute("update accounts set balance = balance - 1 where id = ?", (a,))
    c.execute("update accounts set balance = balance + 1 where id = ?", (b,))
    c.execute("commit")
    time.sleep(interval)
PY
writer=$!
trap 'touch "$work/stop-writer" 2>/dev/null; wait $writer 2>/dev/null || true' EXIT

# Earlier steps' dirty pages are flushed first, so no tool's fsync pays for another's writes.
timed() { sync; /usr/bin/time -f "%e" -o "$work/t" "$@" >"$work/last.log" 2>&1 || return 1; tail -1 "$work/t"; }
du_b() { du -sb "$1" | cut -f1; }
peer_backup() {  # $1 = copy command kind: backup | vacuum
  rm -f "$work/copy.db"
  local s
  if [ "$1" = backup ]; then
    s=$(timed timeout "$peer_timeout" sqlite3 -cmd ".timeout 60000" "$db" \
      ".backup '$work/copy.db'") || { echo "timeout"; return; }
  else
    s=$(timed sqlite3 -cmd ".timeout 60000" "$db" "VACUUM INTO '$work/copy.db'") \
      || { echo "failed"; return; }
  fi
  local r
  r=$(timed restic -r "$work/restic-$1" backup "$work/copy.db") || { echo "failed"; return; }
  python3 -c "print(f'{$s + $r:.2f}')"
}

"$bulwark" init --repo "$work/bulwark-repo" >/dev/null
restic init --repository-version 2 -r "$work/restic-backup" >/dev/null
restic init --repository-version 2 -r "$work/restic-vacuum" >/dev/null

b1=$(timed "$bulwark" backup --repo "$work/bulwark-repo" --sqlite "$db")
bs1=$(du_b "$work/bulwark-repo")
p1=$(peer_backup backup); ps1=$(du_b "$work/restic-backup")
v1=$(peer_backup vacuum); vs1=$(du_b "$work/restic-vacuum")

# 1% of the pages change: update 1% of the rows at random, in one transaction that waits for
# the writer's (short) transactions instead of failing on them.
python3 - "$db" <<'PY2'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=60, isolation_level=None)
c.execute("begin immediate")
c.execute("update accounts set memo = randomblob(400) || zeroblob(400) where abs(random()) % 100 = 0")
c.execute("commit")
PY2

b2=$(timed "$bulwark" backup --repo "$work/bulwark-repo" --sqlite "$db")
bs2=$(du_b "$work/bulwark-repo")
p2=$(peer_backup backup); ps2=$(du_b "$work/restic-backup")
v2=$(peer_backup vacuum); vs2=$(du_b "$work/restic-vacuum")

touch "$work/stop-writer"; wait $writer || true
ratio() { case "$2" in timeout|failed) echo "peer did not finish";; *) python3 -c "print(f'{$1/$2:.2f}')";; esac; }
mib() { python3 -c "print(f'{$1/1048576:.1f}')"; }
cat <<OUT
## $(date -u +%Y-%m-%d) — ${size_mib} MiB live SQLite database (WAL), writer every ${interval}s, $(nproc) cores
Command: \`bench/sqlite.sh $size_mib\`

| step | bulwark --sqlite s | .backup + restic s | ratio | VACUUM INTO + restic s | ratio |
| --- | --- | --- | --- | --- | --- |
| first backup | $b1 | $p1 | $(ratio "$b1" "$p1") | $v1 | $(ratio "$b1" "$v1") |
| second backup (1% rows updated) | $b2 | $p2 | $(ratio "$b2" "$p2") | $v2 | $(ratio "$b2" "$v2") |

| repository | bulwark MiB | restic (.backup copy) MiB | restic (VACUUM INTO copy) MiB |
| --- | --- | --- | --- |
| after first backup | $(mib "$bs1") | $(mib "$ps1") | $(mib "$vs1") |
| growth by second backup | $(mib $((bs2-bs1))) | $(mib $((ps2-ps1))) | $(mib $((vs2-vs1))) |
OUT
[ "${KEEP:-0}" = 1 ] || rm -rf "$work"
