#!/usr/bin/env bash
# Do the rate limits cost authenticated LDAP traffic anything? skydir with its default limits
# (on) against the same skydir with every limit off, in alternating rounds on the same data:
# searches by uid on 32 bound connections, and simple binds of random users on 32 connections
# (the {ARGON2} hash of slapd's argon2 module, and imported {SSHA} hashes — the cheapest bind,
# where any per-bind overhead shows most). Prints medians and the on/off ratios; raw JSON lines
# in bench/out/ldap-limits/.
#   bench/ldap/limits.sh [N=10000] [SECONDS=5] [ROUNDS=3]
set -euo pipefail
N=${1:-10000}
SECS=${2:-5}
ROUNDS=${3:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/bench/out/ldap-limits"
rm -rf "$OUT" && mkdir -p "$OUT"
cd "$ROOT"
. bench/lib.sh
ldap_bench_setup
python3 bench/gen_users.py "$N" "o=bench,dc=skydir" "$ARGON" "$BINDERS" > "$OUT/users.ldif"
DATA="$OUT/data" HPORT=18453 LPORT=13399
SPID=""
start() { # on|off
  local env=()
  if [ "$1" = off ]; then
    env=(SKYDIR_RATE_LIMIT_ANONYMOUS=off SKYDIR_RATE_LIMIT_FAILURES=off
         SKYDIR_RATE_LIMIT_STRICT=off SKYDIR_RATE_LIMIT_MAIL_SENDERS=off)
  fi
  env "${env[@]}" "$BIN" --data-dir "$DATA" serve --http-addr 127.0.0.1:$HPORT --ldap-allow-plaintext \
    --ldap-addr 127.0.0.1:$LPORT --ldaps-addr off --metrics-addr off > "$OUT/serve.log" 2>&1 &
  SPID=$!
  for _ in $(seq 600); do grep -q "Press Ctrl-C" "$OUT/serve.log" 2>/dev/null && return; sleep 0.2; done
  echo "skydir did not start" >&2; cat "$OUT/serve.log" >&2; exit 1
}
stop() { kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; }
trap stop EXIT
start on
TOKEN=$(grep -E '^\s+skd_' "$OUT/serve.log" | tr -d ' ')
API="https://127.0.0.1:$HPORT/api/v1"
ADMIN=$(first_admin "$DATA" "$API" "$TOKEN" \
  "{\"slug\":\"bench\",\"name\":\"Bench\",\"plan\":\"monthly\",\"seats\":$((N + 10)),
    \"admin\":{\"username\":\"benchadmin\",\"email\":\"admin@bench.test\"}}" \
  bench benchadmin "the bench admin's own passphrase")
stop
"$BIN" --data-dir "$DATA" import users "$OUT/users.ldif" --org bench --quiet
start on
curl -sf --cacert "$DATA/tls/cert.pem" -H "Authorization: Bearer $ADMIN" -X PUT \
  "$API/orgs/bench/admins/user000001" >/dev/null
stop

run() { # limits case
  local mode=$2 users=$N first=1
  [ "$2" = bind ] && users=$BINDERS
  [ "$2" = bind-ssha ] && mode=bind first=$((BINDERS + 1))
  "$LOAD" --url "ldap://127.0.0.1:$LPORT" --mode "$mode" \
    --bind-dn "uid=user000001,ou=users,o=bench,dc=skydir" --bind-pw 'bench password' \
    --base "o=bench,dc=skydir" --dn-template "uid={},ou=users,o=bench,dc=skydir" \
    --users "$users" --first-user "$first" --case "$2" --concurrency 32 --duration "$SECS" \
    --server-pid "$SPID" --label "limits=$1" | tee -a "$OUT/results.jsonl"
}
for r in $(seq "$ROUNDS"); do
  for limits in on off; do
    start "$limits"
    run "$limits" search
    run "$limits" bind
    run "$limits" bind-ssha
    stop
  done
done
python3 - "$OUT/results.jsonl" "$N" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows:
    by.setdefault(r["mode"], {}).setdefault(r["label"], []).append(r)
med = lambda rs, k: statistics.median(x[k] for x in rs)
print(f"\n{sys.argv[2]} users, concurrency 32, medians of {len(rows) // 6} rounds; limits=on is the default")
print(f"{'case':<12}{'limits':<8}{'ops/s':>10}{'cpu µs/op':>11}{'p99 µs':>9}")
for case, labels in by.items():
    for l in ("limits=on", "limits=off"):
        rs = labels[l]
        print(f"{case:<12}{l[7:]:<8}{med(rs,'ops_per_s'):>10.0f}{med(rs,'server_cpu_us_per_op'):>11.0f}{med(rs,'p99_us'):>9.0f}")
    on, off = labels["limits=on"], labels["limits=off"]
    print(f"{'':<12}ratio on/off: ops/s {med(on,'ops_per_s')/med(off,'ops_per_s'):.3f}, "
          f"cpu/op {med(on,'server_cpu_us_per_op')/med(off,'server_cpu_us_per_op'):.3f}, "
          f"p99 {med(on,'p99_us')/med(off,'p99_us'):.3f}")
PY
