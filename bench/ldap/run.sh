#!/usr/bin/env bash
# LDAP benchmark: skydir against OpenLDAP slapd (mdb backend, equality index on uid), the same N
# users loaded into each, driven by the same load generator (bench/ldapload) one after the other
# on this machine:
#   (a) search by uid at concurrency 1 and 32, (b) simple bind at concurrency 32 with the same
#   {ARGON2} hash on both sides (from slapd's argon2 module; skydir imports it and is configured
#   with the same Argon2 parameters), (b') simple bind at concurrency 32 of users imported with
#   {SSHA} hashes (skydir verifies the legacy hash and upgrades it to Argon2id, as it must), and
#   (c) resident memory after the load.
# Each case runs twice unpinned and twice with the server on core 0 and the load generator on
# core 1. Prints a table of medians and skydir/slapd ratios; raw lines in bench/out/ldap/.
#   bench/ldap/run.sh [N=100000] [SECONDS=10]
set -euo pipefail
N=${1:-100000}
SECS=${2:-10}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/bench/out/ldap"
rm -rf "$OUT" && mkdir -p "$OUT"
cd "$ROOT"
. bench/lib.sh
ldap_bench_setup

# --- skydir ----------------------------------------------------------------
python3 bench/gen_users.py "$N" "o=bench,dc=skydir" "$ARGON" "$BINDERS" > "$OUT/skydir.ldif"
DATA="$OUT/skydir-data"
HPORT=18443 LPORT=13389
start_skydir() {
  "$BIN" --data-dir "$DATA" serve --http-addr 127.0.0.1:$HPORT --ldap-allow-plaintext \
    --ldap-addr 127.0.0.1:$LPORT --ldaps-addr off > "$OUT/serve.log" 2>&1 &
  SPID=$!
  for _ in $(seq 600); do grep -q "Press Ctrl-C" "$OUT/serve.log" 2>/dev/null && return; sleep 0.2; done
  echo "skydir did not start" >&2; cat "$OUT/serve.log" >&2; exit 1
}
start_skydir
TOKEN=$(grep -E '^\s+skd_' "$OUT/serve.log" | tr -d ' ')
API="https://127.0.0.1:$HPORT/api/v1"
# The org's first admin takes the invitation from the outbox and chooses a password (staff
# never choose one); they make user000001 an admin after the import.
ADMIN=$(first_admin "$DATA" "$API" "$TOKEN" \
  "{\"slug\":\"bench\",\"name\":\"Bench\",\"plan\":\"monthly\",\"seats\":$((N + 10)),
    \"admin\":{\"username\":\"benchadmin\",\"email\":\"admin@bench.test\"}}" \
  bench benchadmin "the bench admin's own passphrase")
kill "$SPID"; wait "$SPID" 2>/dev/null || true
"$BIN" --data-dir "$DATA" import users "$OUT/skydir.ldif" --org bench --quiet
start_skydir
curl -sf --cacert "$DATA/tls/cert.pem" -H "Authorization: Bearer $ADMIN" -X PUT \
  "$API/orgs/bench/admins/user000001" >/dev/null
SKYDIR_PID=$SPID

# --- slapd -----------------------------------------------------------------
python3 bench/gen_users.py "$N" "dc=example,dc=com" "$ARGON" "$BINDERS" > "$OUT/slapd.ldif"
mkdir -p "$OUT/slapd/db"
cat > "$OUT/slapd/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload argon2
pidfile $OUT/slapd/slapd.pid
sizelimit 1000
database mdb
maxsize 4294967296
suffix "dc=example,dc=com"
rootdn "cn=admin,dc=example,dc=com"
rootpw secret
directory $OUT/slapd/db
index objectClass eq
index uid eq
CONF
slapadd -q -f "$OUT/slapd/slapd.conf" -l "$OUT/slapd.ldif"
SPORT=23389
slapd -f "$OUT/slapd/slapd.conf" -h "ldap://127.0.0.1:$SPORT/"
for _ in $(seq 100); do [ -s "$OUT/slapd/slapd.pid" ] && break; sleep 0.1; done
SLAPD_PID=$(cat "$OUT/slapd/slapd.pid")

cleanup() { kill "$SKYDIR_PID" 2>/dev/null || true; kill "$SLAPD_PID" 2>/dev/null || true; }
trap cleanup EXIT

run() { # server pin(yes/no) run# case concurrency
  local server=$1 pin=$2 n=$3 case=$4 c=$5 mode=$4 first=1 pid url base binddn tmpl
  if [ "$server" = skydir ]; then
    pid=$SKYDIR_PID url="ldap://127.0.0.1:$LPORT" base="o=bench,dc=skydir"
    binddn="uid=user000001,ou=users,o=bench,dc=skydir" tmpl="uid={},ou=users,o=bench,dc=skydir"
  else
    pid=$SLAPD_PID url="ldap://127.0.0.1:$SPORT" base="dc=example,dc=com"
    binddn="uid=user000001,ou=users,dc=example,dc=com" tmpl="uid={},ou=users,dc=example,dc=com"
  fi
  local users=$N
  [ "$case" = bind ] && users=$BINDERS
  # {SSHA} users are those after the first BINDERS (bench/gen_users.py).
  [ "$case" = bind-ssha ] && mode=bind first=$((BINDERS + 1))
  local pre=()
  if [ "$pin" = yes ]; then taskset -a -pc 0 "$pid" >/dev/null; pre=(taskset -c 1); else taskset -a -pc 0,1 "$pid" >/dev/null; fi
  "${pre[@]}" "$LOAD" --url "$url" --mode "$mode" --bind-dn "$binddn" --bind-pw 'bench password' \
    --base "$base" --dn-template "$tmpl" --users "$users" --first-user "$first" --case "$case" --concurrency "$c" --duration "$SECS" \
    --server-pid "$pid" --label "$server pin=$pin run=$n" | tee -a "$OUT/results.jsonl"
}
for pin in no yes; do
  for n in 1 2; do
    for server in skydir slapd; do
      run "$server" "$pin" "$n" search 1
      run "$server" "$pin" "$n" search 32
      run "$server" "$pin" "$n" bind 32
      run "$server" "$pin" "$n" bind-ssha 32
    done
  done
done
for server in skydir slapd; do
  pid=$SKYDIR_PID; [ "$server" = slapd ] && pid=$SLAPD_PID
  echo "{\"label\": \"$server\", \"rss_kib\": $(awk '/VmRSS/ {print $2}' /proc/$pid/status)}" | tee -a "$OUT/results.jsonl"
done
python3 "$ROOT/bench/ldap/summary.py" "$OUT/results.jsonl" "$N"
