# Shared by the benchmark scripts (source it).

# Creates an organization with its first admin through the API, takes the admin's invitation
# from the outbox (the operator never sees it), sets the admin's password with it and prints
# a login token for the admin.
#   first_admin DATA_DIR API_URL OPERATOR_TOKEN ORG_JSON SLUG ADMIN PASSWORD
first_admin() {
  local data=$1 api=$2 token=$3 body=$4 slug=$5 admin=$6 pw=$7 invite=""
  local ca=(--cacert "$data/tls/cert.pem") json=(-H 'content-type: application/json')
  curl -sf "${ca[@]}" "${json[@]}" -H "Authorization: Bearer $token" -d "$body" "$api/orgs" >/dev/null
  for _ in $(seq 50); do
    invite=$(sed -e ':a;N;$!ba;s/=\r\?\n//g' "$data"/outbox/*.eml 2>/dev/null \
             | grep -o 'invitation/skd_[A-Za-z0-9_-]*' | tail -n1 | cut -d/ -f2)
    [ -n "$invite" ] && break; sleep 0.2
  done
  [ -n "$invite" ] || { echo "no invitation in $data/outbox" >&2; return 1; }
  curl -sf "${ca[@]}" "${json[@]}" -d "{\"token\":\"$invite\",\"password\":\"$pw\"}" \
    "$api/auth/password" >/dev/null
  curl -sf "${ca[@]}" "${json[@]}" \
    -d "{\"org\":\"$slug\",\"username\":\"$admin\",\"password\":\"$pw\"}" "$api/auth/login" \
    | sed 's/.*"token":"\([^"]*\)".*/\1/'
}

# The LDAP benchmarks' common start (after `cd` to the repository root): installs slapd and its
# tools if missing, builds skydir and the load generator, sets BIN, LOAD and BINDERS, and makes
# the bind hash ARGON with slapd's argon2 module, exporting its parameters as skydir's
# SKYDIR_ARGON2_* so both servers hash alike.
ldap_bench_setup() {
  export PATH="$PATH:/usr/sbin"
  command -v slapd >/dev/null || { local s=""; [ "$(id -u)" = 0 ] || s=sudo; DEBIAN_FRONTEND=noninteractive $s apt-get install -y -q slapd ldap-utils >/dev/null; }
  cargo build --release -q -p skydir -p skydir-ldapload
  BIN="$ROOT/target/release/skydir"
  LOAD="$ROOT/target/release/skydir-ldapload"
  BINDERS=1000
  ARGON=$(slappasswd -o module-path=/usr/lib/ldap -o module-load=argon2 -h '{ARGON2}' -s 'bench password')
  local am at ap
  read -r am at ap <<<"$(echo "$ARGON" | sed -E 's/.*\$m=([0-9]+),t=([0-9]+),p=([0-9]+)\$.*/\1 \2 \3/')"
  echo "bind hash: $(echo "$ARGON" | cut -d\$ -f2) m=${am} KiB t=${at} p=${ap} (slapd's argon2 module defaults)"
  export SKYDIR_ARGON2_MEMORY_KIB=$am SKYDIR_ARGON2_ITERATIONS=$at SKYDIR_ARGON2_PARALLELISM=$ap
  export SKYDIR_PASSWORD_WORKERS=2
}
