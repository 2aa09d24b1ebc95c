# Sourced by the bench scripts that need the local S3 server (common.sh does for its users);
# expects $root (the project) and $work (a folder for the server's data and output).
# start_s3: s3proxy from the test class path on a free port of 127.0.0.1, stopped when the
# script exits; sets $s3 (s3:http://127.0.0.1:PORT/BUCKET) and exports its credentials.
start_s3() {
  (cd "$root" && mvn -q -o -pl bulwark-s3 -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test >/dev/null)
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  java -cp "$root/bulwark-s3/target/test-classes:$(cat "$root/bulwark-s3/target/test.classpath")" \
    dev.bulwark.s3.testing.S3ProxyServer "$work/s3data" "$port" >"$work/s3proxy.out" \
    2>"$work/s3proxy.err" &
  s3pid=$!
  trap 'kill $s3pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 300); do
    grep -q "export AWS_ACCESS_KEY_ID" "$work/s3proxy.out" 2>/dev/null && break; sleep 0.1
  done
  eval "$(grep '^export ' "$work/s3proxy.out")"
  local bucket
  bucket=$(sed -n 's|.*repository: s3:http://127.0.0.1:[0-9]*/\([^/]*\)/.*|\1|p' "$work/s3proxy.out")
  s3="s3:http://127.0.0.1:$port/$bucket"
}
