# Sourced by the bench scripts: work folder, passwords, tool checks, the generated pages, a
# timer and the local S3 server. Expects $work_name (folder under bench/ unless $BENCH_DIR is set).
here="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="${BENCH_DIR:-$here/$work_name}"
rm -rf "$work" && mkdir -p "$work"
export BULWARK_PASSWORD=bench RESTIC_PASSWORD=bench RESTIC_CACHE_DIR="$work/restic-cache"
bulwark="$root/bulwark"
"$bulwark" --version >/dev/null   # build outside the timings
command -v restic >/dev/null || { echo "restic is required (apt-get install restic)" >&2; exit 1; }
timer=(/usr/bin/time -f "%e %M")
[ -x /usr/bin/time ] || { echo "GNU time is required (apt-get install time)" >&2; exit 1; }

# gen_pages FILE MIB: pages like a database's, half incompressible payload, half row text.
gen_pages() {
  mkdir -p "$(dirname "$1")"
  echo "generating $2 MiB of database-like pages..." >&2
  python3 - "$1" "$2" <<'PY'
import random, sys
path, mib = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
text = b"".join(b"row=%08d;status=active;owner=node;" % i for i in range(60))[:2048]
with open(path, "wb") as f:
    for _ in range(mib * 256):
        f.write(rnd.randbytes(2048) + text)
PY
}

# Runs a command, prints "seconds max_rss_kib". Dirty pages of earlier steps are flushed
# first: otherwise the next tool's first fsync pays for the previous tool's writes.
timed() { sync; "${timer[@]}" -o "$work/t" "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; exit 1; }; tail -1 "$work/t"; }

# gen_accounts FILE MIB: a SQLite database of about MIB MiB: 1,200 rows a MiB, each an account
# with an incompressible 800-byte memo, 4 KiB pages. Sets $rows.
gen_accounts() {
  rows=$(($2 * 1200))
  mkdir -p "$(dirname "$1")"
  echo "generating a $2 MiB SQLite database ($rows rows)..." >&2
  sqlite3 "$1" <<SQL >/dev/null
PRAGMA page_size=4096;
CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL, memo BLOB);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT $rows)
  INSERT INTO accounts SELECT x, x * 7, randomblob(800) FROM c;
SQL
}

# start_s3: the local S3 server (bench/s3server.sh).
. "$root/bench/s3server.sh"
