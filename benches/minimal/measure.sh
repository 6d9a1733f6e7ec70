#!/usr/bin/env bash
# What a service author would pick instead: one minimal program per
# contender (benches/minimal/<name>/, each its own workspace, lock file and
# target dir) that fetches credentials from a local mock STS, measured as a
# user feels it. Prints two Markdown tables (fetch; program and build).
#
#   nice -n 19 bash benches/minimal/measure.sh                 # everything (~25 min on 2 cores)
#   nice -n 19 bash benches/minimal/measure.sh ours reqsign    # some contenders
#   BUILD=0 nice -n 19 bash benches/minimal/measure.sh         # fetch figures again, build figures from the last clean builds
#
# Contenders: ours (sts-client's StdCredentialProvider, ureq + rustls),
# aws-config (its WebIdentityTokenCredentialsProvider and its own
# aws-sdk-sts, hyper + rustls), aws-sdk (the same program with aws-sdk-sts
# added as the SDK's guide adds it, default features), reqsign
# (reqsign-aws-v4, reqwest + rustls), aws-creds (rust-s3's, attohttpc +
# native-tls). Not in .ci/run: the clean builds take too long.
# Needs root (for `unshare --net`), valgrind, /usr/bin/time (apt-get install
# time), python3 and openssl.
#
# Build figures (per program):
# - clean build: `cargo clean` in its own target dir, then
#   `/usr/bin/time -v cargo build --release --locked`: wall seconds, and
#   user + sys CPU seconds of cargo and every rustc and build script (the
#   steadier figure on a shared machine);
# - crates compiled: the `Compiling` lines of that build (every package
#   compiled: build-dependencies and proc-macros included, the program too);
# - binary: bytes of target/release/minimal-<name> (opt-level 3, strip = true).
#
# Fetch figures: each program runs with the mock STS (`sts-web-identity
# mock-server`, crates/sts-cli) in a network namespace that has only
# loopback (`unshare --net`): nothing can leave the machine. The environment
# is cleared but for AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE (a 1000-character
# JWT), AWS_ROLE_SESSION_NAME, AWS_REGION, AWS_ENDPOINT_URL_STS and HOME (an
# empty directory: no ~/.aws). A program does its setup once, then
# STS_FETCHES fetches (common.rs).
# - check: a run must print an AccessKeyId and the mock must log the request;
# - instructions per fetch: callgrind over the whole process, STS_FETCHES=1
#   and 1+N; (total(1+N) - total(1)) / N. The STS_FETCHES=1 total is the
#   cost of a program that fetches once (start-up, setup, one fetch, exit);
# - allocations per fetch: the program's counting global allocator, over
#   fetches 2..=1+N, / N (Rust allocations only: malloc called from C, as
#   OpenSSL does, is not seen);
# - wall per fetch: median over fetches 2..=1+N in one run, median of RUNS
#   runs; the first fetch (connection pool, lazy set-up) and a whole
#   one-fetch process likewise.
#
# aws-creds cannot be pointed at another endpoint (it always sends
# `GET https://sts.amazonaws.com/?...`). It is measured twice:
# - aws-creds: unmodified, through what it honours: attohttpc's HTTPS_PROXY,
#   pointing at tls-proxy.py (CONNECT, then TLS ended with a certificate
#   from a CA made for the run, trusted through SSL_CERT_FILE) in front of
#   the mock. Its fetch then includes a TLS handshake, and its wall time the
#   Python proxy;
# - aws-creds-plain: the same program built against a copy of aws-creds
#   whose one STS URL is read from AWS_ENDPOINT_URL_STS (made under
#   aws-creds/target/plain/), plain HTTP like the others. Fetch figures only.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
ROOT=$(cd ../.. && pwd)

N=${N:-20}
RUNS=${RUNS:-5}
BUILD=${BUILD:-1}
ALL=(ours aws-config aws-sdk reqsign aws-creds)

# --- inside the network namespace: the fetch figures of one contender ---
if [ "${1:-}" = "--fetch" ]; then
    name=$2 bin=$3 mock=$4 tmp=$5
    ip link set lo up
    "$mock" mock-server --port 0 >"$tmp/mock.out" 2>"$tmp/mock.log" &
    mock_pid=$!
    proxy_pid=
    trap 'kill $mock_pid $proxy_pid 2>/dev/null || true' EXIT
    for _ in $(seq 100); do grep -qs listening "$tmp/mock.out" && break; sleep 0.1; done
    port=$(sed -n 's#^listening on http://127.0.0.1:\([0-9]*\)/$#\1#p' "$tmp/mock.out")
    [ -n "$port" ] || { echo "mock did not start" >&2; exit 1; }
    ENV=(env -i PATH="$PATH" HOME="$tmp/home" AWS_ROLE_ARN=arn:aws:iam::123456789012:role/bench
        AWS_WEB_IDENTITY_TOKEN_FILE="$tmp/token.jwt" AWS_ROLE_SESSION_NAME=bench-session
        AWS_REGION=us-east-1 AWS_ENDPOINT_URL_STS="http://127.0.0.1:$port")
    if [ "$name" = aws-creds ]; then
        python3 "$HERE/tls-proxy.py" 0 "$port" "$tmp/sts.pem" "$tmp/sts.key" >"$tmp/proxy.out" 2>"$tmp/proxy.log" &
        proxy_pid=$!
        for _ in $(seq 100); do grep -qs listening "$tmp/proxy.out" && break; sleep 0.1; done
        pport=$(sed -n 's#^listening on 127.0.0.1:\([0-9]*\)$#\1#p' "$tmp/proxy.out")
        ENV+=(HTTPS_PROXY="http://127.0.0.1:$pport" SSL_CERT_FILE="$tmp/ca.pem")
    fi
    served() { grep -c . "$tmp/mock.log" || true; }

    # Check: one fetch reaches the mock.
    before=$(served)
    out=$("${ENV[@]}" STS_FETCHES=1 "$bin" 2>"$tmp/run.err") || { cat "$tmp/run.err" >&2; exit 1; }
    for _ in $(seq 50); do after=$(served); [ "$after" -gt "$before" ] && break; sleep 0.1; done
    key=${out#AccessKeyId: }
    [[ "$out" == "AccessKeyId: ASIA"* ]] && [ "$after" -gt "$before" ] ||
        { echo "$name: no credentials from the mock: $out $(cat "$tmp/run.err")" >&2; exit 1; }
    echo "$name: fetched $key from the mock (requests logged: $((after - before)))" >&2

    # Instructions.
    total() {
        "${ENV[@]}" STS_FETCHES="$1" valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" 2>&1 >/dev/null |
            sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p'
    }
    one=$(total 1)
    many=$(total $((1 + N)))
    echo "$name: callgrind $one (1 fetch), $many ($((1 + N)) fetches)" >&2

    # Allocations and wall time.
    field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$2"; }
    median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
    rest=() first=() whole=()
    for _ in $(seq "$RUNS"); do
        "${ENV[@]}" STS_FETCHES=$((1 + N)) "$bin" >/dev/null 2>"$tmp/run.err"
        m=$(grep '^measure:' "$tmp/run.err")
        rest+=("$(field median_rest_us "$m")")
        first+=("$(field first_us "$m")")
        t0=$(date +%s%N)
        "${ENV[@]}" STS_FETCHES=1 "$bin" >/dev/null 2>&1
        whole+=($((($(date +%s%N) - t0) / 1000)))
    done
    echo "$name: allocations $m" >&2
    printf '%s %s %s %s %s %s %s %s %s\n' "$name" "$(((many - one) / N))" "$one" \
        "$(field allocs_rest "$m")" "$(field bytes_rest "$m")" \
        "$(printf '%s\n' "${rest[@]}" | median)" "$(printf '%s\n' "${first[@]}" | median)" \
        "$(printf '%s\n' "${whole[@]}" | median)" \
        "$(($(field allocs_setup "$m") + $(field allocs_first "$m")))" >"$tmp/fetch.txt"
    exit 0
fi

[ $# -gt 0 ] && LIST=("$@") || LIST=("${ALL[@]}")
for t in valgrind python3 openssl unshare /usr/bin/time; do
    command -v "$t" >/dev/null || { echo "measure.sh: $t is missing (apt-get install time for /usr/bin/time)" >&2; exit 1; }
done
unset CARGO_TARGET_DIR
export CARGO_TERM_COLOR=never

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# The mock (not measured).
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" -p sts-cli
MOCK="$ROOT/target/release/sts-web-identity"

# A JWT-shaped token of 1000 characters (as benches/src/lib.rs), valid until 2100,
# with an `iss` claim (aws-creds requires the `Provider` STS then answers).
python3 - "$TMP/token.jwt" <<'PY'
import base64, json, sys
b64 = lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")
head, sig = b64('{"alg":"RS256","kid":"1"}'), b64("signature-" * 10)
claims = {"iss": "https://oidc.example.com", "sub": "system:serviceaccount:default:bench", "aud": "sts.amazonaws.com", "exp": 4102444800}
for n in range(1000):
    payload = b64(json.dumps(dict(claims, pad="x" * n), separators=(",", ":")))
    if len(head) + len(payload) + 2 + 20 >= 1000:
        break
token = f"{head}.{payload}.{sig}"[:1000]
assert len(token) == 1000 and token.count(".") == 2
open(sys.argv[1], "w").write(token)
PY
mkdir -p "$TMP/home"

# A CA and a certificate for sts.amazonaws.com, for tls-proxy.py.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=measure.sh local CA" \
    -keyout "$TMP/ca.key" -out "$TMP/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=sts.amazonaws.com" -keyout "$TMP/sts.key" -out "$TMP/sts.csr" 2>/dev/null
printf 'subjectAltName=DNS:sts.amazonaws.com\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$TMP/ext"
openssl x509 -req -in "$TMP/sts.csr" -CA "$TMP/ca.pem" -CAkey "$TMP/ca.key" -CAcreateserial -days 2 \
    -extfile "$TMP/ext" -out "$TMP/sts.pem" 2>/dev/null

build() { # name -> target/measure-build.txt: wall cpu crates bytes
    local d=$HERE/$1
    (
        cd "$d"
        cargo clean --quiet
        /usr/bin/time -v -o "$TMP/time-$1" cargo build --release --locked 2>"$TMP/build-$1" ||
            { cat "$TMP/build-$1" >&2; exit 1; }
    )
    local wall cpu crates bytes
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$TMP/time-$1")
    cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$TMP/time-$1")
    crates=$(grep -c '^ *Compiling ' "$TMP/build-$1")
    bytes=$(stat -c %s "$d/target/release/minimal-$1")
    echo "$wall $cpu $crates $bytes" >"$d/target/measure-build.txt"
    # The binary measured (build_plain builds into the same target dir).
    cp "$d/target/release/minimal-$1" "$d/target/measure-bin"
    echo "$1: clean build ${wall}s wall, ${cpu}s CPU, $crates crates, $bytes bytes" >&2
}

# aws-creds with its STS URL read from AWS_ENDPOINT_URL_STS: a copy of the
# program and of the crate under aws-creds/target/plain/, built into the same
# target dir (only aws-creds and the program are compiled again).
build_plain() {
    local d=$HERE/aws-creds plain=$HERE/aws-creds/target/plain src
    rm -rf "$plain" && mkdir -p "$plain/program"
    cp -r "$d/Cargo.toml" "$d/Cargo.lock" "$d/src" "$plain/program/"
    cp "$HERE/common.rs" "$plain/common.rs"
    src=$(cd "$d" && cargo metadata --format-version 1 --locked |
        python3 -c 'import json, sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "aws-creds").rsplit("/", 1)[0])')
    cp -r "$src" "$plain/aws-creds"
    grep -c '"https://sts.amazonaws.com/",' "$plain/aws-creds/src/credentials.rs" | grep -qx 1
    sed -i 's#"https://sts.amazonaws.com/",#\&std::env::var("AWS_ENDPOINT_URL_STS").unwrap_or_else(|_| "https://sts.amazonaws.com/".to_owned()),#' \
        "$plain/aws-creds/src/credentials.rs"
    (cd "$plain/program" && CARGO_TARGET_DIR="$d/target" cargo build --release --quiet \
        --config "patch.crates-io.aws-creds.path='$plain/aws-creds'")
    cp "$d/target/release/minimal-aws-creds" "$plain/minimal-aws-creds-plain"
}

fetch() { # name binary
    rm -f "$TMP/fetch.txt" "$TMP/mock.out" "$TMP/proxy.out"
    unshare --net bash "$HERE/measure.sh" --fetch "$1" "$2" "$MOCK" "$TMP"
    cat "$TMP/fetch.txt" >>"$TMP/fetches"
}

for name in "${LIST[@]}"; do
    [ -d "$HERE/$name" ] || { echo "measure.sh: unknown contender $name" >&2; exit 1; }
    if [ "$BUILD" != 0 ] || [ ! -f "$HERE/$name/target/measure-bin" ]; then
        build "$name"
    fi
    echo "$name $(cat "$HERE/$name/target/measure-build.txt")" >>"$TMP/builds"
    fetch "$name" "$HERE/$name/target/measure-bin"
    if [ "$name" = aws-creds ]; then
        build_plain
        fetch aws-creds-plain "$HERE/aws-creds/target/plain/minimal-aws-creds-plain"
    fi
done

declare -A LABEL=(
    [ours]="ours (sts-client \`StdCredentialProvider\`, ureq + rustls)"
    [aws-config]="aws-config (\`WebIdentityTokenCredentialsProvider\`, its aws-sdk-sts, hyper + rustls)"
    [aws-sdk]="aws-config + aws-sdk-sts (default features), same program"
    [reqsign]="reqsign-aws-v4 (reqwest), URI rewritten to the mock by an \`HttpSend\` wrapper"
    [aws-creds]="aws-creds (attohttpc + native-tls), unmodified: HTTPS_PROXY + TLS"
    [aws-creds-plain]="aws-creds, its STS URL patched to the mock (plain HTTP)"
)
declare -A BLABEL=(
    [ours]="ours (sts-client \`StdCredentialProvider\`, ureq + rustls)"
    [aws-config]="aws-config (its aws-sdk-sts; hyper + rustls)"
    [aws-sdk]="aws-config + aws-sdk-sts with default features (adds hyper 0.14 + rustls 0.21)"
    [reqsign]="reqsign-aws-v4 (reqwest + rustls)"
    [aws-creds]="aws-creds (attohttpc + native-tls)"
)
fmt() { awk -v x="$1" 'BEGIN { s = sprintf("%d", x); o = ""; while (length(s) > 3) { o = " " substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } print s o }'; }
per() { awk -v x="$1" -v n="$N" 'BEGIN { v = x / n; if (v == int(v)) printf "%d", v; else printf "%.2f", v }'; }
ms() { awk -v x="$1" 'BEGIN { printf "%.2f ms", x / 1000 }'; }

echo
echo "One fetch (N=$N fetches after the first; wall: median of $RUNS runs):"
echo
echo "| contender | instructions per fetch | allocations per fetch | bytes allocated per fetch | wall per fetch | first fetch (wall) | whole program, 1 fetch: instructions | allocations | wall |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
while read -r name ir one allocs bytes rest first whole allocs1; do
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "${LABEL[$name]}" "$(fmt "$ir")" \
        "$(per "$allocs")" "$(fmt $((bytes / N)))" "$(ms "$rest")" "$(ms "$first")" \
        "$(fmt "$one")" "$(fmt "$allocs1")" "$(ms "$whole")"
done <"$TMP/fetches"
echo
echo "The minimal program (release, opt-level 3, strip = true) and its clean build:"
echo
echo "| contender | stripped binary | crates compiled | clean build: wall | clean build: CPU (user + sys) |"
echo "|---|---:|---:|---:|---:|"
while read -r name wall cpu crates bytes; do
    printf '| %s | %s bytes (%s MiB) | %s | %s s | %s s |\n' "${BLABEL[$name]}" "$(fmt "$bytes")" \
        "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')" "$crates" \
        "$(awk -v x="$wall" 'BEGIN { printf "%.0f", x }')" "$(awk -v x="$cpu" 'BEGIN { printf "%.0f", x }')"
done <"$TMP/builds"
