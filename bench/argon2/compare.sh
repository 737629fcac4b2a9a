#!/usr/bin/env bash
# Argon2 speed: the Rust `argon2` crate (what skydir hashes with) against Debian's libargon2
# (what slapd's argon2 module links), same parameters, interleaved rounds in one run so both
# see the same machine load. Bind throughput at equal parameters cannot beat slapd by more
# than this ratio, whatever else a server does.
#   bench/argon2/compare.sh [M_KIB=4096] [T=3] [P=1] [N=100] [ROUNDS=3]
set -euo pipefail
M=${1:-4096} T=${2:-3} P=${3:-1} N=${4:-100} ROUNDS=${5:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
[ -e /lib/x86_64-linux-gnu/libargon2.so.1 ] || { s=""; [ "$(id -u)" = 0 ] || s=sudo; DEBIAN_FRONTEND=noninteractive $s apt-get install -y -q libargon2-1 >/dev/null; }
cargo build --release -q -p skydir-ldapload --bin argon2-speed
for _ in $(seq "$ROUNDS"); do
  "$ROOT/target/release/argon2-speed" "$M" "$T" "$P" "$N"
  python3 - "$M" "$T" "$P" "$N" <<'PY'
import ctypes, sys, time
m, t, p, n = map(int, sys.argv[1:])
lib = ctypes.CDLL("libargon2.so.1")
pw, salt, out = b"bench password", b"saltsaltsaltsalt", ctypes.create_string_buffer(32)
for name in ("argon2i", "argon2id"):
    f = getattr(lib, f"{name}_hash_raw")
    f.argtypes = [ctypes.c_uint32] * 3 + [ctypes.c_char_p, ctypes.c_size_t] * 3
    f.restype = ctypes.c_int
    start = time.perf_counter()
    for _ in range(n):
        if f(t, m, p, pw, len(pw), salt, len(salt), out, 32) != 0:
            sys.exit(f"libargon2 {name} failed")
    print(f"libargon2 {name}: {(time.perf_counter() - start) * 1000 / n:.2f} ms/hash")
PY
done
