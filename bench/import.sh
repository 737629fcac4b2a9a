#!/usr/bin/env bash
# Bulk-import benchmark: skydir `import users` vs OpenLDAP, the same N users (LDIF with {SSHA}
# hashes) loaded into each, side by side in one run. Prints a table and the ratios.
#   bench/import.sh [N]        (default 100000)
# Peers: `slapadd -q` (OpenLDAP's offline bulk loader, no server running) and `ldapadd` against a
# running slapd (online, one entry per request) — skydir's import is online-safe and
# transactional, encrypting every user's personal data under its own key.
set -euo pipefail
N=${1:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/bench/out"
rm -rf "$OUT" && mkdir -p "$OUT"
command -v slapadd >/dev/null || { sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo; DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q slapd ldap-utils >/dev/null; }

cargo build --release -q -p skydir
BIN="$ROOT/target/release/skydir"
python3 "$ROOT/bench/gen_users.py" "$N" > "$OUT/users.ldif"

now() { date +%s.%N; }

# --- skydir ---------------------------------------------------------------
DATA="$OUT/skydir-data"
PORT=18443
"$BIN" --data-dir "$DATA" serve --http-addr 127.0.0.1:$PORT --ldap-addr off --ldaps-addr off > "$OUT/serve.log" 2>&1 &
SPID=$!
for _ in $(seq 100); do grep -q "Press Ctrl-C" "$OUT/serve.log" 2>/dev/null && break; sleep 0.2; done
TOKEN=$(grep -E '^\s+skd_' "$OUT/serve.log" | tr -d ' ')
curl -sf --cacert "$DATA/tls/cert.pem" -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d "{\"slug\":\"bench\",\"name\":\"Bench\",\"plan\":\"monthly\",\"seats\":$((N + 10)),
       \"admin\":{\"username\":\"benchadmin\",\"email\":\"admin@bench.test\"}}" \
  "https://127.0.0.1:$PORT/api/v1/orgs" > /dev/null
kill "$SPID"; wait "$SPID" 2>/dev/null || true
T0=$(now)
"$BIN" --data-dir "$DATA" import users "$OUT/users.ldif" --org bench --quiet > "$OUT/skydir-import.txt"
T1=$(now)
SKYDIR=$(echo "$T1 - $T0" | bc)
cat "$OUT/skydir-import.txt"

# --- OpenLDAP: slapadd (offline) -------------------------------------------
mk_slapd_conf() {
  mkdir -p "$1/db"
  cat > "$1/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $1/slapd.pid
database mdb
maxsize 4294967296
suffix "dc=example,dc=com"
rootdn "cn=admin,dc=example,dc=com"
rootpw secret
directory $1/db
index objectClass eq
index uid eq
index mail eq
CONF
}
mk_slapd_conf "$OUT/slapadd"
T0=$(now)
slapadd -q -f "$OUT/slapadd/slapd.conf" -l "$OUT/users.ldif"
T1=$(now)
SLAPADD=$(echo "$T1 - $T0" | bc)

# --- OpenLDAP: ldapadd against a running slapd (online) --------------------
mk_slapd_conf "$OUT/ldapadd"
LPORT=13389
slapd -f "$OUT/ldapadd/slapd.conf" -h "ldap://127.0.0.1:$LPORT/"
for _ in $(seq 50); do ldapsearch -x -H ldap://127.0.0.1:$LPORT -b "" -s base >/dev/null 2>&1 && break; sleep 0.2; done
T0=$(now)
ldapadd -x -c -H ldap://127.0.0.1:$LPORT -D "cn=admin,dc=example,dc=com" -w secret -f "$OUT/users.ldif" > /dev/null
T1=$(now)
LDAPADD=$(echo "$T1 - $T0" | bc)
kill "$(cat "$OUT/ldapadd/slapd.pid")"

printf '\n%-36s %10s %12s\n' "tool ($N users)" "seconds" "users/s"
for row in "skydir import users|$SKYDIR" "OpenLDAP slapadd -q (offline)|$SLAPADD" "OpenLDAP ldapadd (online)|$LDAPADD"; do
  name=${row%%|*}; s=${row##*|}
  printf '%-36s %10.2f %12.0f\n' "$name" "$s" "$(echo "$N / $s" | bc -l)"
done
printf '\nratio skydir/slapadd = %.2f   skydir/ldapadd = %.2f  (time; lower is better for skydir)\n' \
  "$(echo "$SKYDIR / $SLAPADD" | bc -l)" "$(echo "$SKYDIR / $LDAPADD" | bc -l)"
