#!/usr/bin/env bash
# Chooses the default checkpoint interval of a backup (issue 13): the cost of an index file
# every N packs, on a local folder and on a local S3 server (s3proxy on 127.0.0.1), against
# the work a kill loses (at most one batch: N packs of 16 MiB).
#   bench/checkpoint.sh [SIZE_MIB] [N...]      (default 512 MiB; N = 1 4 16 64 and never)
# For each N: a first backup into a fresh repository (time, peak RSS, index files written),
# then `bulwark check` (which reads every index file: what many small index files cost every
# later command). Needs what bench/s3.sh needs. Work files go to bench/work-checkpoint/.
set -euo pipefail
size_mib="${1:-512}"
shift || true
intervals=("${@:-1 4 16 64 2147483647}")
read -r -a intervals <<<"${intervals[*]}"
work_name=work-checkpoint
. "$(dirname "$0")/common.sh"

start_s3

data="$work/data/db.bin"
gen_pages "$data" "$size_mib"

echo "## $(date -u +%Y-%m-%d) — checkpoint interval, ${size_mib} MiB generated file, 16 MiB packs, $(nproc) cores"
echo "Command: \`bench/checkpoint.sh $size_mib ${intervals[*]}\`; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| N (packs) | backend | backup s | packs | index files | check s | max RSS MiB | lost at a kill, MiB |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
i=0
for n in "${intervals[@]}"; do
  for backend in local s3; do
    i=$((i + 1))
    if [ "$backend" = local ]; then repo="$work/repo-$i"; else repo="$s3/repo-$i"; fi
    "$bulwark" init --repo "$repo" --kdf-n 1024 >/dev/null
    read -r b bm < <(timed "$bulwark" backup --repo "$repo" --checkpoint-every "$n" "$data")
    read -r c _ < <(timed "$bulwark" check --repo "$repo")
    if [ "$backend" = local ]; then tree="$repo"; else tree="$work/s3data"; fi
    files=$(find "$tree" -path "*repo-$i/index/*" -type f | wc -l)
    packs=$(find "$tree" -path "*repo-$i/data/*" -type f | wc -l)
    # At most one batch is uploaded again: N packs of about 16 MiB (the packs hold compressed
    # data), but never more than the whole backup.
    lost=$(python3 -c "print(min($n, $packs) * 16)")
    label=$n; [ "$n" = 2147483647 ] && label="never (end only)"
    echo "| $label | $backend | $b | $packs | $files | $c | $(python3 -c "print(f'{$bm/1024:.0f}')") | $lost |"
  done
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "${KEEP:-0}" = 1 ] || rm -rf "$work"
