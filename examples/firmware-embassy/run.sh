#!/usr/bin/env bash
# End-to-end test of the embassy firmware on QEMU's mps2-an386 (Cortex-M4F):
#
#   1. installs what is missing (qemu-system-arm, the thumbv7em target, openssl,
#      python3);
#   2. makes a test CA and a server certificate for localhost (EC P-256), and a
#      rogue CA + certificate with the same names;
#   3. builds the firmware (--release: opt-level z, LTO) with the CA built in,
#      and the STS mock (`sts-web-identity mock-server`);
#   4. starts the mock replaying sts-exchange.json (two answers that live 20 s,
#      with different access key ids), a TLS 1.3 front for it (the good
#      certificate) and one with the rogue certificate, all on 127.0.0.1;
#   5. runs QEMU once with user networking (`-nic user,model=lan9118,restrict=on`):
#      DHCP gives the guest 10.0.2.15; guestfwd sends 10.0.2.100:443 to the good
#      front and 10.0.2.101:443 to the rogue one (relay.py pipe, one per
#      connection), and the guest can reach nothing else;
#   6. passes when the firmware exits 0 and printed two different access key ids
#      (the second fetched by the provider's refresh schedule) and the rogue
#      server's refusal, and no secret.
#
# Everything listens on 127.0.0.1 only; every process is bounded by `timeout` and
# stopped by the trap. Exits non-zero on any failure.
#
# Environment: QEMU_TIMEOUT (seconds, default 120); ICOUNT (e.g. `shift=5,sleep=on`:
# QEMU's virtual clock advances 2^5 ns per guest instruction instead of following
# the host's clock, so the emulated times no longer depend on the host's load).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The host relay is firmware-qemu's (its `tls-front` and `pipe` roles).
relay="$here/../firmware-qemu/relay.py"
root="$(cd "$here/../.." && pwd)"
qemu_timeout="${QEMU_TIMEOUT:-120}"
started_at=$SECONDS

work="$(mktemp -d)"
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

say() { printf '== %s\n' "$*"; }
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

# --- 1. tools ---------------------------------------------------------------
apt_updated=0
need_apt() {
    local cmd="$1" pkg="$2"
    if ! command -v "$cmd" >/dev/null 2>&1; then
        say "installing $pkg"
        if [ "$apt_updated" = 0 ]; then
            apt-get update -qq
            apt_updated=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
    fi
}
need_apt qemu-system-arm qemu-system-arm
need_apt openssl openssl
need_apt python3 python3
if ! rustup target list --installed 2>/dev/null | grep -qx thumbv7em-none-eabihf; then
    rustup target add thumbv7em-none-eabihf
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- 2. certificates (as examples/firmware-qemu/run.sh makes them) -------------
say "making a test CA and a localhost certificate (EC P-256) in $work/pki"
pki="$work/pki"
mkdir -p "$pki"
make_ca() { # name subject
    openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$1.key"
    openssl req -x509 -new -key "$pki/$1.key" -sha256 -days 2 -subj "/CN=$2" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
        -out "$pki/$1.pem" 2>/dev/null
}
make_leaf() { # name ca
    openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$1.key"
    openssl req -new -key "$pki/$1.key" -subj "/CN=localhost" -out "$pki/$1.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' \
        >"$pki/$1.ext"
    openssl x509 -req -in "$pki/$1.csr" -CA "$pki/$2.pem" -CAkey "$pki/$2.key" -set_serial "0x$(openssl rand -hex 8)" \
        -sha256 -days 2 -extfile "$pki/$1.ext" -out "$pki/$1.pem" 2>/dev/null
}
make_ca ca "firmware-embassy test CA"
make_leaf leaf ca
make_ca rogue-ca "firmware-embassy test CA"
make_leaf rogue-leaf rogue-ca
openssl x509 -in "$pki/ca.pem" -outform DER -out "$pki/ca.der"

# --- 3. builds ------------------------------------------------------------------
say "building the firmware (release: opt-level z, LTO; CA built in)"
(cd "$here" && STS_FIRMWARE_CA_DER="$pki/ca.der" cargo build --release --quiet)
fw_target="$(cd "$here" && cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
elf="$fw_target/thumbv7em-none-eabihf/release/firmware-embassy"
size_tool="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/llvm-size"
if [ -x "$size_tool" ]; then
    "$size_tool" -A "$elf" | awk '$1 ~ /^\.(text|rodata|data|bss|uninit|vector_table)$/ {printf "size firmware-embassy %s %s\n", $1, $2}'
fi

say "building the STS mock (sts-web-identity)"
(cd "$root" && cargo build --quiet -p sts-cli --bin sts-web-identity)
root_target="$(cd "$root" && cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
mock_bin="$root_target/debug/sts-web-identity"

# --- 4. the STS mock and its two TLS fronts -------------------------------------
"$mock_bin" mock-server --port 0 --exchange "$here/sts-exchange.json" >"$work/peer.out" 2>"$work/peer.err" &
pids+=($!)
for _ in $(seq 100); do
    grep -q 'listening on' "$work/peer.out" 2>/dev/null && break
    sleep 0.1
done
peer_port="$(sed -n 's#^listening on http://127\.0\.0\.1:\([0-9]*\)/\{0,1\}$#\1#p' "$work/peer.out")"
[ -n "${peer_port:-}" ] || { cat "$work/peer.err" >&2; fail "the STS mock did not start"; }
say "STS mock on 127.0.0.1:$peer_port (replaying sts-exchange.json)"

front_port="$(free_port)"
python3 "$relay" tls-front --listen-port "$front_port" --upstream-port "$peer_port" \
    --cert "$pki/leaf.pem" --key "$pki/leaf.key" 2>"$work/front.err" &
pids+=($!)
rogue_port="$(free_port)"
python3 "$relay" tls-front --listen-port "$rogue_port" --upstream-port "$peer_port" \
    --cert "$pki/rogue-leaf.pem" --key "$pki/rogue-leaf.key" 2>"$work/rogue.err" &
pids+=($!)
# Ready when each front has logged that it listens (a test connection would
# show up in its log as a failed handshake).
for log in "$work/front.err" "$work/rogue.err"; do
    for _ in $(seq 100); do
        grep -q 'listening on' "$log" 2>/dev/null && break
        sleep 0.1
    done
    grep -q 'listening on' "$log" || { cat "$log" >&2; fail "a TLS front did not start"; }
done
say "TLS fronts: good on 127.0.0.1:$front_port, rogue on 127.0.0.1:$rogue_port"

# --- 5. the firmware on the emulated network ------------------------------------
# The guestfwd command sits inside QEMU's comma-separated -nic option.
case "$here" in *,*) fail "the example's path must not contain a comma: $here" ;; esac
out="$work/firmware.out"
pipe="timeout $qemu_timeout python3 $relay pipe"
nic="user,model=lan9118,restrict=on"
nic+=",guestfwd=tcp:10.0.2.100:443-cmd:$pipe --port $front_port"
nic+=",guestfwd=tcp:10.0.2.101:443-cmd:$pipe --port $rogue_port"
say "QEMU: -nic $nic"
icount=()
if [ -n "${ICOUNT:-}" ]; then
    icount=(-icount "$ICOUNT")
    say "QEMU: -icount $ICOUNT"
fi
set +e
timeout "$qemu_timeout" qemu-system-arm -M mps2-an386 -cpu cortex-m4 -display none -monitor none -serial none \
    -semihosting-config enable=on,target=native "${icount[@]}" -nic "$nic" -kernel "$elf" >"$out" 2>"$work/qemu.err"
rc=$?
set -e
cat "$out"
sed 's/^/  /' "$work/front.err" "$work/rogue.err"
sed 's/^/  mock: /' "$work/peer.err"

# --- 6. checks -----------------------------------------------------------------------
[ "$rc" = 0 ] || { cat "$work/qemu.err" >&2; fail "the firmware exited $rc"; }
mapfile -t keys < <(sed -n 's/^fetch [0-9]*: AccessKeyId=\(ASIA[A-Z0-9]\{12,\}\) at .*/\1/p' "$out")
[ "${#keys[@]}" -ge 2 ] || fail "expected two fetches, saw ${#keys[@]}"
[ "${keys[0]}" != "${keys[1]}" ] || fail "the two fetches gave the same access key id"
grep -q '^served [0-9]* times from the provider; refreshed by its schedule$' "$out" || fail "no refresh by the provider"
grep -q '^rogue: refused: ' "$out" || fail "the rogue server was not refused"
if grep -Eiq 'SecretAccessKey=|SessionToken=|eyJhbGci|firmwareEmbassyExampleSecret|IQoJb3JpZ2lu' "$out"; then
    fail "the output shows a secret or the token"
fi
for k in "${keys[@]}"; do
    say "AccessKeyId obtained by the device: $k"
done
say "all passed in $((SECONDS - started_at)) s"
