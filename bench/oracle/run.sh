#!/usr/bin/env bash
# Account-oracle timing: does a refused sign-in take the same time whether or not the account
# exists? Starts a release `skydir serve` on its embedded default (SQLite, the default Argon2id
# parameters), makes an org whose admin takes the invitation, adds a user, a suspended user and
# an LDAP service account, then times N refused REST logins (one keep-alive HTTPS connection)
# and N refused LDAP simple binds (plain LDAP on loopback, one connection per bind as
# applications do) of each kind, interleaved so every kind sees the same machine load.
# The peer here is the real account's own refusal — "wrong password for a user who exists" —
# and each other kind is reported as a ratio to it; 1.00 means nothing to learn.
#   bench/oracle/run.sh [N=60]
set -euo pipefail
N=${1:-60}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/bench/out/oracle"
rm -rf "$OUT" && mkdir -p "$OUT"
cd "$ROOT"
. bench/lib.sh
python3 -c 'import ldap3' 2>/dev/null \
  || python3 -m pip install --quiet ldap3 \
  || python3 -m pip install --quiet --break-system-packages ldap3
cargo build --release -q -p skydir
BIN="$ROOT/target/release/skydir"
DATA="$OUT/skydir-data"
HPORT=18543 LPORT=13489
# The per-address rate limits would answer 429 after 20 failures from this one address; this
# measures the work behind them, so they are off for the run.
SKYDIR_RATE_LIMIT_FAILURES=off SKYDIR_RATE_LIMIT_ANONYMOUS=off \
"$BIN" --data-dir "$DATA" serve --http-addr 127.0.0.1:$HPORT --ldap-allow-plaintext \
  --ldap-addr 127.0.0.1:$LPORT --ldaps-addr off > "$OUT/serve.log" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null || true' EXIT
for _ in $(seq 600); do grep -q "Press Ctrl-C" "$OUT/serve.log" 2>/dev/null && break; sleep 0.2; done
TOKEN=$(grep -E '^\s+skd_' "$OUT/serve.log" | tr -d ' ')
API="https://127.0.0.1:$HPORT/api/v1"
CA=(--cacert "$DATA/tls/cert.pem")
JSON=(-H 'content-type: application/json')
PW="alice's own long passphrase"
ADMIN=$(first_admin "$DATA" "$API" "$TOKEN" \
  '{"slug":"acme","name":"Acme","plan":"free","admin":{"username":"alice","email":"alice@acme.test"}}' \
  acme alice "$PW")
AUTH=(-H "Authorization: Bearer $ADMIN")
for u in bob carol; do
  curl -sf "${CA[@]}" "${JSON[@]}" "${AUTH[@]}" \
    -d "{\"username\":\"$u\",\"email\":\"$u@acme.test\",\"password\":\"$PW\"}" "$API/orgs/acme/users" >/dev/null
done
curl -sf "${CA[@]}" "${JSON[@]}" "${AUTH[@]}" -X PATCH -d '{"status":"suspended"}' \
  "$API/orgs/acme/users/carol" >/dev/null
curl -sf "${CA[@]}" "${JSON[@]}" "${AUTH[@]}" \
  -d "{\"name\":\"app\",\"password\":\"$PW\"}" "$API/orgs/acme/ldap-accounts" >/dev/null

python3 - "$N" "$HPORT" "$LPORT" "$DATA/tls/cert.pem" "$PW" <<'PY' | tee "$OUT/result.txt"
import http.client, json, ssl, statistics, sys, time
import ldap3
n, hport, lport, ca, pw = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
ctx = ssl.create_default_context(cafile=ca)
conn = http.client.HTTPSConnection("127.0.0.1", hport, context=ctx)

def rest(org, user, password):
    body = json.dumps({"org": org, "username": user, "password": password})
    t = time.perf_counter()
    conn.request("POST", "/api/v1/auth/login", body, {"content-type": "application/json"})
    r = conn.getresponse(); r.read()
    return time.perf_counter() - t, r.status

def bind(dn, password):
    server = ldap3.Server("127.0.0.1", port=lport)
    t = time.perf_counter()
    c = ldap3.Connection(server, user=dn, password=password)
    ok = c.bind()
    took = time.perf_counter() - t
    c.unbind()
    return took, c.result["result"]

def dn(org, user, ou="users", attr="uid"):
    return f"{attr}={user},ou={ou},o={org},dc=skydir"

# bob is never locked: every fourth wrong password is followed by his right one (not timed).
# "dave" does not exist. alice is locked by five wrong passwords, and locked again (untimed)
# whenever her lock has run out and her right password got in.
def lock_alice():
    for _ in range(5): rest("acme", "alice", "wrong wrong wrong")
lock_alice()
def locked_alice():
    took, status = rest("acme", "alice", pw)
    if status == 200:
        lock_alice()
        return locked_alice()
    return took, status
cases = {
    "rest: wrong password (existing user)": lambda: rest("acme", "bob", "wrong wrong wrong"),
    "rest: unknown user":                   lambda: rest("acme", "dave", "wrong wrong wrong"),
    "rest: unknown org":                    lambda: rest("nowhere", "bob", "wrong wrong wrong"),
    "rest: locked, right password":         locked_alice,
    "rest: suspended, right password":      lambda: rest("acme", "carol", pw),
    "ldap: wrong password (existing user)": lambda: bind(dn("acme", "bob"), "wrong wrong wrong"),
    "ldap: unknown user":                   lambda: bind(dn("acme", "dave"), "wrong wrong wrong"),
    "ldap: unknown org":                    lambda: bind(dn("nowhere", "bob"), "wrong wrong wrong"),
    "ldap: suspended, right password":      lambda: bind(dn("acme", "carol"), pw),
    "ldap: service account, wrong password": lambda: bind(dn("acme", "app", "services", "cn"), "wrong wrong wrong"),
    "ldap: unknown service account":        lambda: bind(dn("acme", "nope", "services", "cn"), "wrong wrong wrong"),
}
times = {k: [] for k in cases}
answers = {k: set() for k in cases}
for i in range(n):
    for k, f in cases.items():
        took, answer = f()
        times[k].append(took)
        answers[k].add(answer)
    if i % 4 == 3:
        rest("acme", "bob", pw)
        bind(dn("acme", "app", "services", "cn"), pw)
        bind(dn("acme", "bob"), pw)
print(f"{'case':40} {'median ms':>10} {'ratio':>6}  answers")
for door in ("rest", "ldap"):
    base = statistics.median(times[f"{door}: wrong password (existing user)"])
    for k in cases:
        if k.startswith(door):
            m = statistics.median(times[k])
            print(f"{k:40} {m * 1000:10.2f} {m / base:6.2f}  {sorted(answers[k])}")
PY
