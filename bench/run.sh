#!/usr/bin/env bash
# Times Bulwark beside restic on the same generated file, in one run, and prints ratios.
#   bench/run.sh [SIZE_MIB]        (default 1024)
# Needs: a built ./bulwark (built on demand), restic, python3, GNU time (/usr/bin/time).
# Work files go to bench/work/ (or $BENCH_DIR); they are removed at the end unless KEEP=1.
set -euo pipefail
size_mib="${1:-1024}"
work_name=work
. "$(dirname "$0")/common.sh"

data="$work/data/db.bin"
gen_pages "$data" "$size_mib"

du_b() { du -sb "$1" | cut -f1; }

"$bulwark" init --repo "$work/bulwark-repo" >/dev/null
restic init --repository-version 2 -r "$work/restic-repo" >/dev/null

read -r b1 b1m < <(timed "$bulwark" backup --repo "$work/bulwark-repo" "$data")
bs1=$(du_b "$work/bulwark-repo")
read -r r1 r1m < <(timed restic -r "$work/restic-repo" backup "$data")
rs1=$(du_b "$work/restic-repo")

# Second run: rewrite 1% of the 4 KiB pages at random places, as a database would.
python3 - "$data" <<'PY'
import os, random, sys
path = sys.argv[1]
pages = os.path.getsize(path) // 4096
rnd = random.Random(2)
with open(path, "r+b") as f:
    for _ in range(pages // 100):
        f.seek(rnd.randrange(pages) * 4096)
        f.write(rnd.randbytes(4096))
PY
read -r b2 b2m < <(timed "$bulwark" backup --repo "$work/bulwark-repo" "$data")
bs2=$(du_b "$work/bulwark-repo")
read -r r2 r2m < <(timed restic -r "$work/restic-repo" backup "$data")
rs2=$(du_b "$work/restic-repo")

read -r br brm < <(timed "$bulwark" restore latest --repo "$work/bulwark-repo" --target "$work/out-bulwark")
read -r rr rrm < <(timed restic -r "$work/restic-repo" restore latest --target "$work/out-restic")
cmp "$data" "$work/out-bulwark$data"
cmp "$data" "$work/out-restic$data"

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
mib() { python3 -c "print(f'{$1/1048576:.1f}')"; }
cat <<OUT
## $(date -u +%Y-%m-%d) — ${size_mib} MiB generated file, $(nproc) cores
Command: \`bench/run.sh $size_mib\`

| step | bulwark s | restic s | ratio (bulwark/restic) | bulwark max RSS MiB | restic max RSS MiB |
| --- | --- | --- | --- | --- | --- |
| first backup | $b1 | $r1 | $(ratio "$b1" "$r1") | $(mib $((b1m*1024))) | $(mib $((r1m*1024))) |
| second backup (1% pages rewritten) | $b2 | $r2 | $(ratio "$b2" "$r2") | $(mib $((b2m*1024))) | $(mib $((r2m*1024))) |
| restore | $br | $rr | $(ratio "$br" "$rr") | $(mib $((brm*1024))) | $(mib $((rrm*1024))) |

| repository | bulwark MiB | restic MiB |
| --- | --- | --- |
| after first backup | $(mib "$bs1") | $(mib "$rs1") |
| growth by second backup | $(mib $((bs2-bs1))) | $(mib $((rs2-rs1))) |
OUT
[ "${KEEP:-0}" = 1 ] || rm -rf "$work"
