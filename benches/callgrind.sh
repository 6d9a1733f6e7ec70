#!/usr/bin/env bash
# Instructions per call of every contender, counted by callgrind
# (deterministic: the same binary and inputs give the same counts on a busy
# machine). Each contender runs twice under valgrind, K=1 and K=1+N times;
# (total(1+N) - total(1)) / N is one call, with setup, runtime start and exit
# cancelled out. Prints a markdown table.
#
#   bash benches/callgrind.sh            # N=100
#   N=20 bash benches/callgrind.sh ours-client aws-sdk-sts
set -euo pipefail
cd "$(dirname "$0")"

N=${N:-100}
cargo build --release --quiet --bin callgrind
BIN=${CARGO_TARGET_DIR:-target}/release/callgrind

total() { # contender K -> instructions of the whole process
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN" "$1" "$2" 2>&1 >/dev/null |
        sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p'
}

declare -A IR
mapfile -t LIST < <("$BIN" --list)
for line in "${LIST[@]}"; do
    read -r _ name _ <<<"$line"
    if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
    one=$(total "$name" 1)
    many=$(total "$name" $((1 + N)))
    IR[$name]=$(((many - one) / N))
    echo "$name: $one (K=1), $many (K=$((1 + N)))" >&2
done

# The reference of each group: what the ratio column divides.
declare -A REF=([encode]=form_urlencoded [decode]=quick-xml [exchange]=aws-sdk-sts)

echo "| group | contender | instructions per call | per byte | reference ÷ this |"
echo "|---|---|---:|---:|---:|"
for line in "${LIST[@]}"; do
    read -r group name bytes <<<"$line"
    [ -n "${IR[$name]:-}" ] || continue
    ir=${IR[$name]}
    per_byte=$(awk -v a="$ir" -v b="$bytes" 'BEGIN { printf "%.2f", a / b }')
    ref=${REF[$group]}
    if [ -n "${IR[$ref]:-}" ] && [ "$ir" -gt 0 ]; then
        ratio=$(awk -v a="${IR[$ref]}" -v b="$ir" 'BEGIN { printf "%.1f", a / b }')
    else
        ratio="-"
    fi
    printf '| %s | %s | %s | %s | %s |\n' "$group" "$name" "$ir" "$per_byte" "$ratio"
done
echo
echo "Per byte: of the request body (encode, $(awk '$1 == "encode" { print $3; exit }' <<<"$(printf '%s\n' "${LIST[@]}")") B) or of the response body (decode, exchange, $(awk '$1 == "decode" { print $3; exit }' <<<"$(printf '%s\n' "${LIST[@]}")") B)."
echo "Reference ÷ this: ${REF[encode]} for encode, ${REF[decode]} for decode, ${REF[exchange]} for exchange."
