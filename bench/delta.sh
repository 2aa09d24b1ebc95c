#!/usr/bin/env bash
# Delta restore: a SQLite database is backed up, 1% of its rows change ("a day"), it is backed
# up again, and the older snapshot is restored onto a copy of the newer database twice, in one
# run: with --no-delta (everything fetched) and by default (matching chunks reused from the
# existing file). Prints time, peak RSS and what each fetched; the results must be identical.
#   bench/delta.sh [SIZE_MIB] [recent|spread]     (default 512 recent)
# recent: the newest 1% of the rows change (clustered, as most services' daily writes);
# spread: every 100th row changes, so most pages, and so most chunks, hold a changed row.
set -euo pipefail
size_mib="${1:-512}"
pattern="${2:-recent}"
work_name=work-delta
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 is required" >&2; exit 1; }
db="$work/live/app.db"
mkdir -p "$work/out"
gen_accounts "$db" "$size_mib"
repo="$work/repo"
"$bulwark" init --repo "$repo" >/dev/null
"$bulwark" backup --repo "$repo" --sqlite "$db" >/dev/null
old="$("$bulwark" snapshots --repo "$repo" --json | sed -E 's/.*"id":"([0-9a-f]{64})".*/\1/')"
# A day of work: 1% of the rows get a new balance and memo.
where="id > $((rows - rows / 100))"
[ "$pattern" = spread ] && where="id % 100 = 0"
sqlite3 "$db" "UPDATE accounts SET balance = balance + 1, memo = randomblob(800)
  WHERE $where;" >/dev/null
"$bulwark" backup --repo "$repo" --sqlite "$db" >/dev/null
echo "database: $(du -m "$db" | cut -f1) MiB, 1% of rows changed ($pattern); restoring snapshot ${old:0:8} onto the newer one"
for mode in full delta; do
  out="$work/out/$mode.db"
  cp "$db" "$out"
  flag=()
  [ "$mode" = full ] && flag=(--no-delta)
  read -r secs rss < <(timed "$bulwark" restore "$old" --repo "$repo" --db "$db" \
    --output "$out" "${flag[@]}")
  echo "$mode: ${secs} s, peak RSS $((rss / 1024)) MiB; $(grep '^fetched' "$work/last.log")"
done
cmp "$work/out/full.db" "$work/out/delta.db" && echo "full and delta restores are identical"
