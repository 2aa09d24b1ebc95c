#!/usr/bin/env bash
# Times backup and restore of a generated database file to a local S3 server (s3proxy on
# 127.0.0.1, in-process, objects as files) beside the same to a local folder, and beside restic
# to the same server, in one run; prints ratios.
#   bench/s3.sh [SIZE_MIB]        (default 1024)
# Targets (issue 5): Bulwark to S3 no slower than restic to S3, and within 1.5x of Bulwark to a
# local folder. Needs: a built ./bulwark, restic, python3, GNU time, Maven (for s3proxy's
# class path). Work files go to bench/work-s3/ (or $BENCH_DIR); removed unless KEEP=1.
set -euo pipefail
size_mib="${1:-1024}"
work_name=work-s3
. "$(dirname "$0")/common.sh"

# The S3 server: s3proxy from the test class path, as the README shows.
start_s3

data="$work/data/db.bin"
gen_pages "$data" "$size_mib"

"$bulwark" init --repo "$work/local-repo" >/dev/null
"$bulwark" init --repo "$s3/bulwark" >/dev/null
restic init --repository-version 2 -r "$s3/restic" >/dev/null

read -r lb lbm < <(timed "$bulwark" backup --repo "$work/local-repo" "$data")
read -r sb sbm < <(timed "$bulwark" backup --repo "$s3/bulwark" "$data")
read -r rb rbm < <(timed restic -r "$s3/restic" backup "$data")
read -r lr lrm < <(timed "$bulwark" restore latest --repo "$work/local-repo" --target "$work/out-local")
read -r sr srm < <(timed "$bulwark" restore latest --repo "$s3/bulwark" --target "$work/out-s3")
read -r rr rrm < <(timed restic -r "$s3/restic" restore latest --target "$work/out-restic")
cmp "$data" "$work/out-local$data"
cmp "$data" "$work/out-s3$data"
cmp "$data" "$work/out-restic$data"

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
mib() { python3 -c "print(f'{$1/1024:.0f}')"; }
cat <<OUT
## $(date -u +%Y-%m-%d) — S3 (s3proxy on 127.0.0.1), ${size_mib} MiB generated file, $(nproc) cores
Command: \`bench/s3.sh $size_mib\`

| step | bulwark local s | bulwark S3 s | restic S3 s | S3/local (target ≤ 1.5) | bulwark/restic on S3 (target ≤ 1.0) | max RSS MiB (local / S3 / restic) |
| --- | --- | --- | --- | --- | --- | --- |
| backup | $lb | $sb | $rb | $(ratio "$sb" "$lb") | $(ratio "$sb" "$rb") | $(mib "$lbm") / $(mib "$sbm") / $(mib "$rbm") |
| restore | $lr | $sr | $rr | $(ratio "$sr" "$lr") | $(ratio "$sr" "$rr") | $(mib "$lrm") / $(mib "$srm") / $(mib "$rrm") |
OUT
[ "${KEEP:-0}" = 1 ] || rm -rf "$work"
