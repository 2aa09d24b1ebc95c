#!/usr/bin/env bash
# Times a database restore: `bulwark restore ID --db` (fetch, integrity and foreign-key check,
# durable, swap) against `restic restore` + `sqlite3 PRAGMA integrity_check` of the same SQLite
# database, from a local folder and from a local S3 server (s3proxy on 127.0.0.1, as
# bench/s3.sh), in one run; prints ratios and bulwark's restore phases (its -v debug line).
#   bench/restore.sh [SIZE_MIB]        (default 1024)
# Targets (issue 14): local <= 0.75x restic + integrity_check; on S3 <= 1.0x restic's restore
# from the same server. Env: ROUNDS (default 2; each round times every command once,
# interleaved, the table shows the best). Needs: a built ./bulwark, restic, sqlite3, python3,
# GNU time, Maven (for s3proxy's class path). Work files go to bench/work-restore/ (or
# $BENCH_DIR); removed unless KEEP=1.
set -euo pipefail
size_mib="${1:-1024}"
rounds="${ROUNDS:-2}"
work_name=work-restore
. "$(dirname "$0")/common.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 is required" >&2; exit 1; }

start_s3

db="$work/live/app.db"
mkdir -p "$work/live"
rows=$((size_mib * 1200))
echo "generating a $size_mib MiB SQLite database ($rows rows)..." >&2
sqlite3 "$db" <<SQL >/dev/null
PRAGMA page_size=4096;
CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL, memo BLOB);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT $rows)
INSERT INTO accounts SELECT x, 1000, randomblob(400) || zeroblob(400) FROM c;
CREATE INDEX accounts_balance ON accounts(balance, id);
SQL
db_mib=$(python3 -c "import os; print(round(os.path.getsize('$db') / 2**20))")

for r in local s3; do
  case $r in local) loc="$work/repo" ;; s3) loc="$s3" ;; esac
  "$bulwark" init --repo "$loc/bulwark" >/dev/null
  "$bulwark" backup --repo "$loc/bulwark" --sqlite "$db" >/dev/null
  restic init --repository-version 2 -r "$loc/restic" >/dev/null
  restic -r "$loc/restic" backup "$db" >/dev/null
done
id=$("$bulwark" snapshots --repo "$work/repo/bulwark" --json | python3 -c \
  'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
ids3=$("$bulwark" snapshots --repo "$s3/bulwark" --json | python3 -c \
  'import json,sys; print(json.load(sys.stdin)[-1]["id"])')

# Bulwark's snapshot is taken through SQLite's backup API, which rewrites header fields (change
# counter, schema cookie, SQLite version) in the first 100 bytes; every page after them is equal.
same() { cmp -i 100 "$db" "$1"; }
# The best of the rounds: on a shared machine the minimum is the least disturbed run.
best() { python3 -c "import sys; print(f'{min(map(float, sys.argv[1:])):.2f}')" "$@"; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
declare -a bl bs rl rs ic
phases=()
for i in $(seq 1 "$rounds"); do
  rm -rf "$work/out"* && mkdir -p "$work/out-bl" "$work/out-bs"
  read -r t _ < <(timed "$bulwark" -v restore "$id" --repo "$work/repo/bulwark" \
    --db "$work/out-bl/app.db")
  bl+=("$t"); phases+=("local: $(grep -o 'restore phases.*' "$work/last.log" || true)")
  same "$work/out-bl/app.db"
  read -r t _ < <(timed "$bulwark" -v restore "$ids3" --repo "$s3/bulwark" \
    --db "$work/out-bs/app.db")
  bs+=("$t"); phases+=("s3: $(grep -o 'restore phases.*' "$work/last.log" || true)")
  same "$work/out-bs/app.db"
  read -r t _ < <(timed restic -r "$work/repo/restic" restore latest --target "$work/out-rl")
  rl+=("$t")
  read -r t _ < <(timed sqlite3 "$work/out-rl$db" "PRAGMA integrity_check")
  grep -qx ok "$work/last.log"
  ic+=("$t")
  read -r t _ < <(timed restic -r "$s3/restic" restore latest --target "$work/out-rs")
  rs+=("$t")
  cmp "$db" "$work/out-rl$db"
  cmp "$db" "$work/out-rs$db"
done

BL=$(best "${bl[@]}"); BS=$(best "${bs[@]}"); RL=$(best "${rl[@]}"); RS=$(best "${rs[@]}")
IC=$(best "${ic[@]}")
PEER=$(python3 -c "print(f'{$RL+$IC:.2f}')")
cat <<OUT
## $(date -u +%Y-%m-%d) — restore of a ${db_mib} MiB SQLite database, $(nproc) cores, best of $rounds
Command: \`bench/restore.sh $size_mib\`

| restore | bulwark s | restic s | + integrity_check s | ratio | target |
| --- | --- | --- | --- | --- | --- |
| local folder | $BL | $RL | $IC | $(ratio "$BL" "$PEER") | ≤ 0.75 |
| S3 (s3proxy, 127.0.0.1) | $BS | $RS | | $(ratio "$BS" "$RS") | ≤ 1.0 |

All runs (s): bulwark local ${bl[*]}; bulwark S3 ${bs[*]}; restic local ${rl[*]};
integrity_check ${ic[*]}; restic S3 ${rs[*]}.
Bulwark's phases (its \`-v\` line, fetch includes reading, checking and writing every blob):
OUT
for p in "${phases[@]}"; do echo "- $p"; done
[ "${KEEP:-0}" = 1 ] || rm -rf "$work"
