#!/usr/bin/env bash
# Issue 13, item 5: the rate a backup and a restore achieve under --limit-upload and
# --limit-download, beside restic 0.14 with the same flags, on a local folder. The data is
# random (incompressible), so the repository holds about as many bytes as the file.
#   bench/limits.sh [MIB] [KIB_PER_SECOND]      (default 16 MiB at 2048 KiB/s)
# Prints a Markdown table: seconds, achieved KiB/s of the file's bytes, and the ratio to the
# limit (at most 1 plus what one burst, a quarter second of bytes, allows).
set -euo pipefail
mib="${1:-16}"
limit="${2:-2048}"
work_name=work-limits
source "$(dirname "$0")/common.sh"
head -c "$((mib << 20))" /dev/urandom > "$work/data.bin"
bytes=$((mib << 20))
"$bulwark" init --repo "$work/bulwark" --kdf-n 1024 >/dev/null
restic init --repo "$work/restic" >/dev/null
rate() { python3 -c "import sys; s=float(sys.argv[1]); print('%.0f | %.2f' % ($bytes/1024/s, $bytes/1024/s/$limit))" "$1"; }
echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — \`bench/limits.sh $mib $limit\`, load average" \
  "$(cut -d' ' -f1-3 /proc/loadavg) before, $(nproc) cores"
echo
echo "| tool | step | limit KiB/s | seconds | achieved KiB/s | achieved / limit |"
echo "| --- | --- | --- | --- | --- | --- |"
for step in backup restore; do
  if [ "$step" = backup ]; then
    b=$(timed "$bulwark" backup --repo "$work/bulwark" --limit-upload "$limit" "$work/data.bin")
    r=$(timed restic --repo "$work/restic" backup --limit-upload "$limit" "$work/data.bin")
  else
    b=$(timed "$bulwark" restore latest --repo "$work/bulwark" --target "$work/out-b" \
      --limit-download "$limit")
    r=$(timed restic --repo "$work/restic" restore latest --target "$work/out-r" \
      --limit-download "$limit")
    cmp "$work/data.bin" "$work/out-b$work/data.bin"
    cmp "$work/data.bin" "$work/out-r$work/data.bin"
  fi
  echo "| bulwark | $step | $limit | ${b% *} | $(rate "${b% *}") |"
  echo "| restic | $step | $limit | ${r% *} | $(rate "${r% *}") |"
done
echo
echo "Seconds include each tool's start-up (the JVM's about 0.5 s)."
