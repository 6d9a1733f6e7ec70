#!/usr/bin/env bash
# Flash by crate (and, with --stack, stack frames) of the bare-metal builds,
# as Markdown tables to paste into BENCHMARKS.md:
#
#   bash benches/size.sh            # sections and .text per crate
#   bash benches/size.sh --stack    # also the largest stack frames of the exchange
#   bash benches/size.sh --painted  # also run examples/firmware-qemu/run.sh (QEMU) for
#                                   # the painted stack peaks it prints
#
# What is built (release, thumbv7em-none-eabihf, opt-level "z", LTO, as CI builds them):
#   - nostd-proof: exactly `cd nostd-proof && cargo build --release --target
#     thumbv7em-none-eabihf` (the build the section sizes are read from); its
#     profile has no debug info, so the crates are counted in a second build
#     with CARGO_PROFILE_RELEASE_DEBUG=true in its own target dir (debug info
#     moves a few instructions: the script prints the difference).
#   - examples/firmware-qemu (`firmware` and `firmware-tls`) as run.sh builds
#     them, with a throwaway test CA (the TLS binary needs one, or the compiler
#     drops the whole TLS path); the CA is kept in the target dir so a second
#     run does not rebuild, and it is always 425 bytes so `.rodata` does not
#     move with the length of its ECDSA signature.
#
# Method (benches/size_by_crate.py has the details):
#   - sections: `size -A` (binutils; the same numbers as llvm-size -A);
#   - `.text` by source crate: every halfword of `.text` goes to the crate of
#     its source line (DWARF line table, `addr2line -i`); code of core/alloc
#     inlined into a crate (Option::map, slice indexing, `?`) counts for that
#     crate, core's out-of-line functions (core::fmt, panics) for core. With
#     LTO and opt-level "z" most code is inlined, so this is the faithful count;
#   - `.text` by symbol crate: the crate named first in the demangled symbol
#     that holds the halfword, what `cargo bloat --crates` would say (a generic
#     lands in the crate that defines it; inlined code in its caller's crate).
#   - stack (--stack): a third build of each with `-Z emit-stack-sizes`
#     (RUSTC_BOOTSTRAP=1 on the same stable compiler, so the frames are those
#     of the compiler that builds the firmware; its own target dir); the
#     `.stack_sizes` section gives each function's frame, `llvm-objdump` the
#     direct calls; see benches/stack_frames.py.
#
# Needs: rustup, cargo, python3, binutils (size, nm, addr2line, readelf),
# openssl; --stack: rustup's llvm-tools. Installs what is missing (apt, rustup).
# Time on 2 cores: about 7 s warm (8 s with --stack); from clean target dirs,
# about 2 min (3.5 min with --stack: one more build of each).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target=thumbv7em-none-eabihf
stack=0
painted=0
for arg in "$@"; do
    case "$arg" in
    --stack) stack=1 ;;
    --painted) painted=1 ;;
    *)
        echo "usage: bash benches/size.sh [--stack] [--painted]" >&2
        exit 2
        ;;
    esac
done

fail() {
    printf 'size.sh: %s\n' "$*" >&2
    exit 1
}
note() { printf '== %s\n' "$*" >&2; }

# --- tools ---------------------------------------------------------------------
apt_updated=0
need_apt() { # command package
    command -v "$1" >/dev/null 2>&1 && return
    note "installing $2"
    if [ "$apt_updated" = 0 ]; then
        apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
    command -v "$1" >/dev/null 2>&1 || fail "$2 installed but $1 is still missing"
}
for tool in size nm addr2line readelf; do
    need_apt "$tool" binutils
done
need_apt python3 python3
need_apt openssl openssl
rustup target list --installed | grep -qx "$target" || rustup target add "$target"
if [ "$stack" = 1 ]; then
    llvm_bin="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin"
    [ -x "$llvm_bin/llvm-objdump" ] || rustup component add llvm-tools
    [ -x "$llvm_bin/llvm-objdump" ] || fail "no llvm-objdump in $llvm_bin after rustup component add llvm-tools"
fi

target_dir() { # crate dir -> its cargo target directory (honours CARGO_TARGET_DIR)
    (cd "$1" && cargo metadata --format-version 1 --no-deps) |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}
np_target="$(target_dir "$root/nostd-proof")"
fw_target="$(target_dir "$root/examples/firmware-qemu")"

# --- the firmware's throwaway CA (as run.sh makes it) ------------------------------
ca="$fw_target/size-sh/ca.der"
if [ ! -s "$ca" ]; then
    note "making a throwaway test CA for firmware-tls: $ca"
    mkdir -p "$(dirname "$ca")"
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    for _ in $(seq 50); do
        openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/ca.key"
        openssl req -x509 -new -key "$tmp/ca.key" -sha256 -days 2 -subj "/CN=firmware-qemu test CA" \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
            -out "$tmp/ca.pem" 2>/dev/null
        openssl x509 -in "$tmp/ca.pem" -outform DER -out "$tmp/ca.der"
        [ "$(wc -c <"$tmp/ca.der")" = 425 ] && break
    done
    [ "$(wc -c <"$tmp/ca.der")" = 425 ] || fail "could not make a 425-byte CA (openssl changed its output?)"
    cp "$tmp/ca.der" "$ca"
fi

# --- builds ----------------------------------------------------------------------
note "building nostd-proof (release, $target)"
(cd "$root/nostd-proof" && cargo build --quiet --release --target "$target")
note "building nostd-proof again with debug info (for the line tables; $np_target/size-debuginfo)"
(cd "$root/nostd-proof" && CARGO_PROFILE_RELEASE_DEBUG=true cargo build --quiet --release --target "$target" \
    --target-dir "$np_target/size-debuginfo")
note "building examples/firmware-qemu (release, $target; debug info is in its profile)"
(cd "$root/examples/firmware-qemu" && STS_FIRMWARE_CA_DER="$ca" cargo build --quiet --release)

np="$np_target/$target/release/nostd-proof"
np_debug="$np_target/size-debuginfo/$target/release/nostd-proof"
fw="$fw_target/$target/release"

# --- flash -------------------------------------------------------------------------
echo "Flash by crate: $(date), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $(rustc -V)"
echo
python3 "$root/benches/size_by_crate.py" \
    "nostd-proof=$np:$np_debug" "firmware=$fw/firmware" "firmware-tls=$fw/firmware-tls"

# --- stack frames ------------------------------------------------------------------
if [ "$stack" = 1 ]; then
    # RUSTC_BOOTSTRAP=1 lets the stable compiler take the unstable -Z flag. RUSTFLAGS
    # reaches only the target crates (both builds cross-compile), not build scripts.
    flags="${RUSTFLAGS:-} -Z emit-stack-sizes"
    note "building nostd-proof with -Z emit-stack-sizes ($np_target/stack-sizes)"
    (cd "$root/nostd-proof" && RUSTC_BOOTSTRAP=1 RUSTFLAGS="$flags" cargo build --quiet --release \
        --target "$target" --target-dir "$np_target/stack-sizes")
    note "building examples/firmware-qemu with -Z emit-stack-sizes ($fw_target/stack-sizes)"
    (cd "$root/examples/firmware-qemu" && RUSTC_BOOTSTRAP=1 RUSTFLAGS="$flags" STS_FIRMWARE_CA_DER="$ca" \
        cargo build --quiet --release --target-dir "$fw_target/stack-sizes")
    np_ss="$np_target/stack-sizes/$target/release/nostd-proof"
    fw_ss="$fw_target/stack-sizes/$target/release"
    echo
    text_of() { size -A "$1" | awk '$1 == ".text" {print $2}'; }
    echo "Stack frames, from builds with \`-Z emit-stack-sizes\` (their \`.text\`: nostd-proof" \
        "$(text_of "$np_ss"), firmware $(text_of "$fw_ss/firmware"), firmware-tls $(text_of "$fw_ss/firmware-tls"):" \
        "the flag moves a few instructions)"
    echo
    # Roots: nostd-proof's entry point (its whole program is the exchange), and the
    # firmware's `exchange` (not inlined): the client, the engine, the codec, the I/O.
    python3 "$root/benches/stack_frames.py" "$llvm_bin/llvm-objdump" \
        "nostd-proof=$np_ss=^_start\$" \
        "firmware=$fw_ss/firmware=^firmware_qemu::exchange::" \
        "firmware-tls=$fw_ss/firmware-tls=^firmware_qemu::exchange::"
fi

# --- painted stack peaks (QEMU) -------------------------------------------------------
if [ "$painted" = 1 ]; then
    note "running examples/firmware-qemu/run.sh for the painted stack peaks"
    log="$(mktemp)"
    bash "$root/examples/firmware-qemu/run.sh" >"$log" 2>&1 || {
        cat "$log" >&2
        rm -f "$log"
        fail "run.sh failed"
    }
    echo
    echo "Painted stack (run.sh; each run: one exchange through CredentialProvider):"
    echo
    # run.sh announces each run with "== NAME: QEMU ..."; the firmware prints "stack: peak ...".
    awk '/^== [a-z-]+: QEMU/ {run = $2; sub(":", "", run)} /^stack: peak/ {print "- " run ": " $0}' "$log"
    rm -f "$log"
fi
