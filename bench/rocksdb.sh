#!/usr/bin/env bash
# Issue 13's benchmark: backups of a closed RocksDB database, first and after 1% new tables,
# Bulwark beside restic (of a checkpoint folder, as a live database must be copied) and RocksDB's
# BackupEngine. Usage: bench/rocksdb.sh [SIZE_MIB] (default 10240). Needs ./bulwark, restic, a
# JDK and GNU time; the work folder (about 4x SIZE at its peak) is deleted at the end.
set -euo pipefail
work_name=work-rocksdb
size_mib="${1:-10240}"
add_mib=$(( size_mib / 100 ))
source "$(dirname "$0")/common.sh"
jar="$(find "$HOME/.m2/repository/org/rocksdb/rocksdbjni" -name 'rocksdbjni-*.jar' \
  | sort | tail -1)"
rocks=(java -cp "$jar" "$here/RocksBench.java")
db="$work/db"; cp="$work/checkpoint"
trap 'rm -rf "$work"' EXIT

echo "generating a ${size_mib} MiB database (64 MiB tables)..." >&2
"${rocks[@]}" gen "$db" "$size_mib"
tables1=$(find "$db" -name '*.sst' | wc -l)

"$bulwark" init --repo "$work/bulwark-repo" >/dev/null
restic init --repository-version 2 -r "$work/restic-repo" >/dev/null

# restic_round [PARENT]: a fresh checkpoint at the same path (so restic finds its parent), then a
# backup by restic's default rule; given the first round's snapshot, also one with
# --ignore-ctime against it (a checkpoint's hard links give every table a new ctime).
restic_round() {
  rm -rf "$cp"
  read -r c cm < <(timed "${rocks[@]}" checkpoint "$db" "$cp")
  read -r r rm_ < <(timed restic -r "$work/restic-repo" backup "$cp")
  if [ -n "${1:-}" ]; then
    read -r ri rim < <(timed restic -r "$work/restic-repo" backup --ignore-ctime \
      --parent "$1" "$cp")
  else
    ri=- rim=0
  fi
  echo "$c $r $rm_ $ri $rim"
}

read -r b1 b1m < <(timed "$bulwark" backup --repo "$work/bulwark-repo" --rocksdb "$db")
bread1=$(grep -o 'saved: .*' "$work/last.log" || true)
read -r c1 r1 r1m _ _ < <(restic_round)
rid1=$(restic -r "$work/restic-repo" snapshots --json latest \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
read -r e1 e1m < <(timed "${rocks[@]}" engine "$db" "$work/engine")

echo "adding ${add_mib} MiB (1%) in new tables..." >&2
"${rocks[@]}" add "$db" "$add_mib" 2
tables2=$(find "$db" -name '*.sst' | wc -l)

read -r b2 b2m < <(timed "$bulwark" backup --repo "$work/bulwark-repo" --rocksdb "$db")
bread2=$(grep -o 'saved: .*' "$work/last.log" || true)
read -r c2 r2 r2m ri2 ri2m < <(restic_round "$rid1")
read -r e2 e2m < <(timed "${rocks[@]}" engine "$db" "$work/engine")
read -r bf bfm < <(timed "$bulwark" backup --repo "$work/bulwark-repo" --rocksdb "$db" --force)
"$bulwark" check --repo "$work/bulwark-repo" >/dev/null

ratio() {
  python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.3f}')" "$1" "$2"
}
mib() { echo $(( $1 / 1024 )); }
cat <<MD
database: ${size_mib} MiB, ${tables1} tables, then ${add_mib} MiB more (${tables2} tables)
bulwark first: ${bread1}
bulwark second: ${bread2}

| tool | first s | second s | second/first | first max RSS MiB | second max RSS MiB |
|---|---|---|---|---|---|
| bulwark backup --rocksdb | $b1 | $b2 | $(ratio "$b2" "$b1") | $(mib "$b1m") | $(mib "$b2m") |
| bulwark backup --rocksdb --force (second) | | $bf | $(ratio "$bf" "$b1") | | $(mib "$bfm") |
| restic backup of a checkpoint | $r1 | $r2 | $(ratio "$r2" "$r1") | $(mib "$r1m") | $(mib "$r2m") |
| restic backup --ignore-ctime --parent (first) of a checkpoint | | $ri2 | $(ratio "$ri2" "$r1") | | $(mib "$ri2m") |
| RocksDB BackupEngine | $e1 | $e2 | $(ratio "$e2" "$e1") | $(mib "$e1m") | $(mib "$e2m") |

checkpoints for restic: ${c1} s and ${c2} s (not in restic's times). restic's --ignore-ctime
run comes right after its default second run, so the new tables are already stored (only read).
MD
