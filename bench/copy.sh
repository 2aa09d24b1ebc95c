#!/usr/bin/env bash
# Copy to a second repository: a SQLite database is backed up by Bulwark into a source
# repository, then copied whole into a new local repository (and, with `s3`, into the local S3
# server) by `bulwark copy` and by `restic copy`, each target created with the source's chunker
# parameters; then each copy runs again (nothing left to copy). Prints time and peak RSS of
# each run and the size of each target; `restic check --read-data` checks every target.
#   bench/copy.sh [SIZE_MIB] [s3]     (default 512, local only)
set -euo pipefail
size_mib="${1:-512}"
with_s3="${2:-}"
work_name=work-copy
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 is required" >&2; exit 1; }
export BULWARK_FROM_PASSWORD=bench RESTIC_FROM_PASSWORD=bench
db="$work/live/app.db"
gen_accounts "$db" "$size_mib"
src="$work/source"
"$bulwark" init --repo "$src" >/dev/null
"$bulwark" backup --repo "$src" --sqlite "$db" >/dev/null
echo "database: $(du -m "$db" | cut -f1) MiB; source repository: $(du -sm "$src" | cut -f1) MiB"

targets=("$work/bulwark-copy" "$work/restic-copy")
if [ "$with_s3" = s3 ]; then
  start_s3
  targets+=("$s3/bulwark-copy" "$s3/restic-copy")
fi
for target in "${targets[@]}"; do
  where=local
  case "$target" in s3:*) where=s3 ;; esac
  case "$target" in
    */bulwark-copy)
      tool=bulwark
      "$bulwark" init --repo "$target" --copy-chunker-params --from-repo "$src" >/dev/null
      run=("$bulwark" copy --from-repo "$src" --repo "$target") ;;
    *)
      tool=restic
      restic -r "$target" init --copy-chunker-params --from-repo "$src" >/dev/null
      run=(restic -r "$target" copy --from-repo "$src") ;;
  esac
  read -r secs rss < <(timed "${run[@]}")
  read -r again_secs again_rss < <(timed "${run[@]}")
  size=""
  [ "$where" = local ] && size=", target $(du -sm "$target" | cut -f1) MiB"
  echo "$tool copy to $where: ${secs} s, peak RSS $((rss / 1024)) MiB; again (nothing to copy):" \
    "${again_secs} s, $((again_rss / 1024)) MiB$size"
  restic -r "$target" check --read-data >"$work/check.log" 2>&1 \
    || { cat "$work/check.log" >&2; echo "restic check failed on $target" >&2; exit 1; }
done
echo "restic check --read-data passed on every target"
