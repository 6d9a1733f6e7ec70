#!/usr/bin/env bash
# Builds every fuzz target once, then runs each for FUZZ_SECONDS (default 30).
#
#   bash fuzz/run.sh                                  # all targets, 30 s each
#   FUZZ_SECONDS=600 bash fuzz/run.sh                 # longer
#   FUZZ_TARGETS="xml_reader http_response" bash fuzz/run.sh
#
# The input of any crash, leak, timeout or out-of-memory is copied into
# fuzz/regressions/<target>/ and printed in base64 (commit it: `cargo test -p
# conformance --test fuzz_regressions` replays it), and the script exits
# non-zero after running the remaining targets.
set -euo pipefail
cd "$(dirname "$0")"

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
read -r -a TARGETS <<<"${FUZZ_TARGETS:-xml_reader decode_response decode_assume_role decode_error http_response encode_roundtrip xml_differential}"
# Optimised, with debug assertions and overflow checks, AddressSanitizer on.
BUILD_FLAGS=(-O --debug-assertions)
LIBFUZZER_FLAGS=(
    -max_total_time="$FUZZ_SECONDS"
    -dict=xml.dict
    -rss_limit_mb=2048
    -max_len=8192
    -timeout=10
    -print_final_stats=1
)

# cargo-fuzz needs a nightly compiler: the installed nightly, or else the
# default toolchain with its unstable flags unlocked.
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    CARGO=(cargo +nightly)
else
    echo "fuzz/run.sh: no nightly toolchain; using the default one with RUSTC_BOOTSTRAP=1" >&2
    export RUSTC_BOOTSTRAP=1
    CARGO=(cargo)
fi
command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked cargo-fuzz

echo "==> fuzz: building ${#TARGETS[@]} targets"
"${CARGO[@]}" fuzz build "${BUILD_FLAGS[@]}"

failed=()
for t in "${TARGETS[@]}"; do
    echo "==> fuzz: $t for ${FUZZ_SECONDS}s"
    mkdir -p "corpus/$t"
    cp -n corpus-seed/"$t"/* "corpus/$t/" 2>/dev/null || true
    rm -rf "artifacts/$t"
    mkdir -p "artifacts/$t"
    if ! "${CARGO[@]}" fuzz run "${BUILD_FLAGS[@]}" "$t" "corpus/$t" "corpus-seed/$t" -- "${LIBFUZZER_FLAGS[@]}"; then
        failed+=("$t")
        saved=0
        for f in artifacts/"$t"/*; do
            [ -f "$f" ] || continue
            mkdir -p "regressions/$t"
            cp "$f" "regressions/$t/"
            echo "fuzz/run.sh: $t: saved fuzz/regressions/$t/$(basename "$f"); its bytes, base64:" >&2
            # In CI the clone is thrown away: the log keeps the input.
            base64 -w 76 "$f" >&2
            saved=$((saved + 1))
        done
        [ "$saved" -gt 0 ] || echo "fuzz/run.sh: $t failed without an artifact (a build error?)" >&2
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz/run.sh: FAILED: ${failed[*]} (inputs in fuzz/regressions/; replay with" \
        "cargo test -p conformance --test fuzz_regressions)" >&2
    exit 1
fi
echo "==> fuzz: all ${#TARGETS[@]} targets ran ${FUZZ_SECONDS}s without a failure"
