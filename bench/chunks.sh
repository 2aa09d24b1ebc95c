#!/usr/bin/env bash
# What the chunk size of database pages costs end to end, through the CLI: for each size, a
# first `bulwark backup --sqlite`, a second one after 1% of the rows changed at random (time
# and bytes added), and `bulwark restore ID --db` of the second snapshot (fetch, integrity and
# foreign-key check, durable, swap); beside `sqlite3 .backup` + `restic backup` of the copy and `restic
# restore` + `sqlite3 PRAGMA integrity_check` of the same data, in one run.
#   bench/chunks.sh [SIZE_MIB] [CHUNK...]      (default 1024 8K 16K 32K)
# The database is issue 11's: about ten rows of 180 random and 170 zero bytes a 4 KiB page.
# Needs: a built ./bulwark, restic, sqlite3, python3, GNU time. Work files go to
# bench/work-chunks/ (or $BENCH_DIR); removed unless KEEP=1.
set -euo pipefail
size_mib="${1:-1024}"
shift || true
chunks=("$@")
[ ${#chunks[@]} -gt 0 ] || chunks=(8K 16K 32K)
work_name=work-chunks
. "$(dirname "$0")/common.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 is required" >&2; exit 1; }

db="$work/live/app.db"
mkdir -p "$work/live"
rows=$((size_mib * 2560))
echo "generating a $size_mib MiB SQLite database ($rows rows)..." >&2
sqlite3 "$db" <<SQL >/dev/null
PRAGMA page_size=4096;
CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL, memo BLOB);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT $rows)
INSERT INTO accounts SELECT x, 1000, randomblob(180) || zeroblob(170) FROM c;
SQL
mib() { du -sm "$1" | cut -f1; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
changed=0
update() {
  sqlite3 "$db" "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c
    LIMIT $((rows / 100))) UPDATE accounts SET balance = balance + 1
    WHERE id IN (SELECT abs(random()) % $rows + 1 FROM c);"
}
sum() { python3 -c "print(f'{$1 + $2:.2f}')"; }

# Every tool backs up the same two states: A, then B = A with 1% of rows changed.
cp "$db" "$work/a.db"
update
cp "$db" "$work/b.db"

restic init --repository-version 2 -r "$work/restic" >/dev/null
mkdir -p "$work/copy"
read -r s1 _ < <(timed sqlite3 "$work/a.db" ".backup '$work/copy/app.db'")
read -r r1 _ < <(timed restic -r "$work/restic" backup "$work/copy/app.db")
r1=$(sum "$s1" "$r1")
m1=$(mib "$work/restic")
read -r s2 _ < <(timed sqlite3 "$work/b.db" ".backup '$work/copy/app.db'")
read -r r2 _ < <(timed restic -r "$work/restic" backup "$work/copy/app.db")
r2=$(sum "$s2" "$r2")
rgrow=$(( $(mib "$work/restic") - m1 ))
rm -rf "$work/rout"
read -r rr _ < <(timed restic -r "$work/restic" restore latest --target "$work/rout")
read -r ic _ < <(timed sqlite3 "$(find "$work/rout" -name app.db)" "PRAGMA integrity_check")
rtotal=$(sum "$rr" "$ic")

echo "| chunk | first backup s | second backup s | vs restic | added MiB | vs restic | restore s | vs restic + integrity_check | restore max RSS MiB |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
echo "| .backup + restic | $r1 | $r2 | | $rgrow | | $rtotal ($rr + $ic) | | |"
for c in "${chunks[@]}"; do
  repo="$work/bulwark-$c"
  "$bulwark" init --repo "$repo" >/dev/null
  cp "$work/a.db" "$db"
  read -r b1 _ < <(timed "$bulwark" backup --repo "$repo" --sqlite "$db" --chunk-size "$c")
  m=$(mib "$repo")
  cp "$work/b.db" "$db"
  read -r b2 _ < <(timed "$bulwark" backup --repo "$repo" --sqlite "$db" --chunk-size "$c")
  grow=$(( $(mib "$repo") - m ))
  rm -rf "$work/out" && mkdir -p "$work/out"
  read -r t rss < <(timed "$bulwark" restore latest --repo "$repo" --db "$db" \
    --output "$work/out/app.db")
  echo "| $c | $b1 | $b2 | $(ratio "$b2" "$r2") | $grow | $(ratio "$grow" "$rgrow") | $t |" \
    "$(ratio "$t" "$rtotal") | $((rss / 1024)) |"
done
[ "${KEEP:-0}" = 1 ] || rm -rf "$work"
