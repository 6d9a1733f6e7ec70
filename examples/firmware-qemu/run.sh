#!/usr/bin/env bash
# End-to-end test of the firmware on QEMU's mps2-an386 (Cortex-M4F):
#
#   1. installs what is missing (qemu-system-arm, the thumbv7em target, openssl);
#   2. makes a test CA and a server certificate for localhost (EC P-256), and a
#      rogue CA + certificate for the negative test;
#   3. builds the firmware once (--release: opt-level z, LTO) with the CA built in,
#      and the STS peer (`sts-web-identity mock-server`, or moto with STS_PEER=moto);
#   4. bench: the codec's instruction counts under `-icount shift=6`;
#   5. http: one exchange (plus two that find the smallest response buffer) over
#      UART0 -> relay.py -> the STS peer; checks AccessKeyId=ASIA... and Expiration=;
#   6. tls: the same over TLS 1.3 (embedded-tls) -> relay.py tls-front -> the peer,
#      with 16 KiB records, then (tls-mfl) with 1 KiB records (max_fragment_length);
#   7. tls-rogue: a server whose certificate chains to another CA must be refused.
#
# Everything listens on 127.0.0.1 only; every process is bounded by `timeout` and
# stopped by the trap. Exits non-zero on any failure.
#
# Environment: STS_PEER=mock (default) | moto; QEMU_TIMEOUT (seconds, default 120).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
peer="${STS_PEER:-mock}"
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
if [ "$peer" = moto ] && ! command -v moto_server >/dev/null 2>&1; then
    python3 -m pip install -q 'moto[server]'
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- 2. certificates ----------------------------------------------------------
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
make_ca ca "firmware-qemu test CA"
make_leaf leaf ca
make_ca rogue-ca "firmware-qemu test CA"
make_leaf rogue-leaf rogue-ca
openssl x509 -in "$pki/ca.pem" -outform DER -out "$pki/ca.der"

# --- 3. builds ------------------------------------------------------------------
say "building the firmware (release: opt-level z, LTO; CA built in)"
(cd "$here" && STS_FIRMWARE_CA_DER="$pki/ca.der" cargo build --release --quiet)
fw_target="$(cd "$here" && cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
elf_dir="$fw_target/thumbv7em-none-eabihf/release"
size_tool="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/llvm-size"
if [ -x "$size_tool" ]; then
    for elf in firmware firmware-tls; do
        "$size_tool" -A "$elf_dir/$elf" | awk -v e="$elf" '$1 ~ /^\.(text|rodata|data|bss|vector_table)$/ {printf "size %s %s %s\n", e, $1, $2}'
    done
fi

if [ "$peer" = mock ]; then
    say "building the STS mock (sts-web-identity)"
    (cd "$root" && cargo build --quiet -p sts-cli --bin sts-web-identity)
    root_target="$(cd "$root" && cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
    mock_bin="$root_target/debug/sts-web-identity"
fi

# --- 4. bench -------------------------------------------------------------------
qemu_base=(qemu-system-arm -M mps2-an386 -cpu cortex-m4 -display none -monitor none)

say "bench: instruction counts under -icount shift=6"
set +e
timeout 60 "${qemu_base[@]}" -icount shift=6 -semihosting-config enable=on,target=native,arg=bench \
    -kernel "$elf_dir/firmware" >"$work/bench.out" 2>"$work/bench.err"
rc=$?
set -e
cat "$work/bench.out"
[ "$rc" = 0 ] || { cat "$work/bench.err" >&2; fail "bench exited $rc"; }
grep -q '^bench: calibration: .*: ok)$' "$work/bench.out" || fail "bench calibration"

# --- the STS peer -----------------------------------------------------------------
if [ "$peer" = mock ]; then
    "$mock_bin" mock-server --port 0 >"$work/peer.out" 2>"$work/peer.err" &
    pids+=($!)
    for _ in $(seq 100); do
        grep -q 'listening on' "$work/peer.out" 2>/dev/null && break
        sleep 0.1
    done
    peer_port="$(sed -n 's#^listening on http://127\.0\.0\.1:\([0-9]*\)/\{0,1\}$#\1#p' "$work/peer.out")"
else
    peer_port="$(free_port)"
    moto_server -H 127.0.0.1 -p "$peer_port" >"$work/peer.out" 2>"$work/peer.err" &
    pids+=($!)
    for _ in $(seq 100); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $peer_port), 1)" 2>/dev/null && break
        sleep 0.2
    done
fi
[ -n "${peer_port:-}" ] || { cat "$work/peer.err" >&2; fail "the STS peer ($peer) did not start"; }
say "STS peer: $peer on 127.0.0.1:$peer_port"

# run_firmware NAME ELF UPSTREAM_PORT SEMIHOSTING_ARGS: QEMU listens for UART0 on a free
# port, relay.py connects to it and to UPSTREAM_PORT; sets $rc and $out.
run_firmware() {
    local name="$1" elf="$2" upstream="$3" args="$4" qport relay_pid
    qport="$(free_port)"
    out="$work/$name.out"
    say "$name: QEMU (UART0 on 127.0.0.1:$qport) -> relay.py -> 127.0.0.1:$upstream"
    timeout "$qemu_timeout" "${qemu_base[@]}" -semihosting-config "enable=on,target=native$args" \
        -chardev "socket,id=s0,host=127.0.0.1,port=$qport,server=on,wait=on" -serial chardev:s0 \
        -kernel "$elf" >"$out" 2>"$work/$name.err" &
    local qemu_pid=$!
    pids+=("$qemu_pid")
    timeout "$qemu_timeout" python3 "$here/relay.py" uart --qemu-port "$qport" --upstream-port "$upstream" \
        --timeout "$qemu_timeout" 2>"$work/$name.relay" &
    relay_pid=$!
    pids+=("$relay_pid")
    set +e
    wait "$qemu_pid"
    rc=$?
    wait "$relay_pid"
    set -e
    cat "$out"
    sed 's/^/  /' "$work/$name.relay"
}

check_credentials() { # name
    local name="$1"
    [ "$rc" = 0 ] || { cat "$work/$name.err" >&2; fail "$name: the firmware exited $rc"; }
    grep -Eq '^AccessKeyId=ASIA[A-Z0-9]{12,}$' "$out" || fail "$name: no AccessKeyId=ASIA..."
    grep -Eq '^Expiration=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$' "$out" ||
        fail "$name: no Expiration=<RFC 3339>"
    if grep -Eiq 'SecretAccessKey=|SessionToken=|eyJhbGci' "$out"; then
        fail "$name: the output shows a secret or the token"
    fi
    say "$name: ok"
}

# --- 5. plain HTTP ------------------------------------------------------------------
run_firmware http "$elf_dir/firmware" "$peer_port" ",arg=probe"
check_credentials http
grep -q '^probe: response buffer needed' "$out" || fail "http: the buffer probe did not finish"

# --- 6. TLS 1.3 ---------------------------------------------------------------------
front_port="$(free_port)"
python3 "$here/relay.py" tls-front --listen-port "$front_port" --upstream-port "$peer_port" \
    --cert "$pki/leaf.pem" --key "$pki/leaf.key" 2>"$work/front.err" &
pids+=($!)
run_firmware tls "$elf_dir/firmware-tls" "$front_port" ",arg=probe"
check_credentials tls
grep -q '^probe: response buffer needed' "$out" || fail "tls: the buffer probe did not finish"
run_firmware tls-mfl "$elf_dir/firmware-tls" "$front_port" ",arg=mfl"
check_credentials tls-mfl
sed 's/^/  /' "$work/front.err"

# --- 7. TLS to a server the CA did not sign ------------------------------------------
rogue_port="$(free_port)"
python3 "$here/relay.py" tls-front --listen-port "$rogue_port" --upstream-port "$peer_port" \
    --cert "$pki/rogue-leaf.pem" --key "$pki/rogue-leaf.key" 2>"$work/rogue.err" &
pids+=($!)
run_firmware tls-rogue "$elf_dir/firmware-tls" "$rogue_port" ""
[ "$rc" = 1 ] || fail "tls-rogue: expected exit 1 (fetch failed), got $rc"
grep -q 'TLS failure' "$out" || fail "tls-rogue: expected a TLS failure"
grep -q '^AccessKeyId=' "$out" && fail "tls-rogue: got credentials from an untrusted server"
say "tls-rogue: refused, ok"

say "all passed in $((SECONDS - started_at)) s"
