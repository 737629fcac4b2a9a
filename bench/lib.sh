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
