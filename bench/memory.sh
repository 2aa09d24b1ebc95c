#!/usr/bin/env bash
# Issue 13's memory benchmark: peak RSS and time of backup, check --read-data and restore of one
# generated database file (half incompressible, half row text) for Bulwark (the launcher's heap,
# or BULWARK_OPTS) and restic 0.14 (`restic backup` of the same file). Restores are compared
# byte for byte. Prints a Markdown table.
#   bench/memory.sh [SIZE_MIB] [CHUNK]      (default 10240 MiB at 16K chunks)
set -euo pipefail
size_mib="${1:-10240}"
chunk="${2:-16K}"
work_name=work-memory
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
db="$work/src/pages.db"
gen_pages "$db" "$size_mib"
"$bulwark" init --repo "$work/repo" >/dev/null
"$bulwark" backup --help >/dev/null
restic init -r "$work/restic" -q >/dev/null

b_backup=$(timed "$bulwark" backup --repo "$work/repo" --chunk-size "$chunk" "$db")
b_check=$(timed "$bulwark" check --read-data --repo "$work/repo")
b_restore=$(timed "$bulwark" restore latest --repo "$work/repo" --target "$work/out-b")
cmp "$db" "$work/out-b$db"
rm -rf "$work/out-b"
r_backup=$(timed restic -r "$work/restic" backup "$db")
r_check=$(timed restic -r "$work/restic" check --read-data)
r_restore=$(timed restic -r "$work/restic" restore latest --target "$work/out-r")
cmp "$db" "$work/out-r$db"
rm -rf "$work/out-r"

row() { # name "bulwark_s bulwark_kib" "restic_s restic_kib"
  set -- "$1" $2 $3
  echo "| $1 | $2 s, $(($3 / 1024)) MiB | $4 s, $(($5 / 1024)) MiB |"
}
echo "| $size_mib MiB, Bulwark at $chunk chunks | Bulwark (time, peak RSS) | restic (time, peak RSS) |"
echo "| --- | --- | --- |"
row backup "$b_backup" "$r_backup"
row "check --read-data" "$b_check" "$r_check"
row restore "$b_restore" "$r_restore"
rm -rf "$work"
