#!/usr/bin/env python3
"""Flash by crate: section sizes and `.text` bytes per crate of thumbv7em ELF
files, as Markdown tables. Called by `benches/size.sh`, which builds the ELFs
and describes the method; standard library only, plus binutils' `size`, `nm`
and `addr2line` (they read any ELF, ARM included).

    python3 benches/size_by_crate.py NAME=ELF[:DEBUG_ELF] ...

NAME=ELF: sections and crates of ELF, which must have debug info (line
tables). NAME=ELF:DEBUG_ELF: sections of ELF, crates of DEBUG_ELF, the same
build with debug info (for a profile without it).

Every 2-byte unit of `.text` (Thumb-2 instructions and literal words are whole
halfwords) gets two owners:

- by source: `addr2line -i` gives the chain of (inlined) source locations of
  the halfword, innermost first; the owner is the crate of the innermost
  location that is not in `core`/`alloc`, or `core`/`alloc` when the whole
  chain is theirs. So `Option::map`, slice indexing or a `?` inlined into
  sts_codec count for sts_codec; `core::fmt::write` called out of line counts
  for core. Locations with line 0 (compiler-made code) are skipped. When no
  location remains, the owner by symbol is used.
- by symbol: the crate named first in the demangled name of the function
  symbol that holds the halfword (`nm -S`): what `cargo bloat --crates`
  reports. A generic function lands in the crate that defines it, whatever
  crate it was instantiated for; code inlined into a caller counts for the
  caller's crate.

Three owners are not crates: `(unmangled)` is a `#[no_mangle]` or assembly
symbol (`_start`, `Reset`) with no source location; `(outlined)` is LLVM's
machine outliner at opt-level "z" (`OUTLINED_FUNCTION_n`, instruction
sequences shared by several functions, with no source location); and
`(no symbol)` is alignment padding between functions.
"""

import re
import subprocess
import sys
from collections import Counter

# Crates always shown, in this order, even at 0; the rest follow by size.
NAMED = ["sts_codec", "sts_transport", "sts_client", "httparse", "core", "compiler_builtins"]
# Crates whose inlined code is charged to the crate it was inlined into.
INLINED_INTO_CALLER = {"core", "alloc"}
# Crates of rust-lang/rust's `library/` that are parts of `core`.
LIBRARY_ALIASES = {"stdarch": "core", "portable-simd": "core", "compiler-builtins": "compiler_builtins"}
# A crate's directory in the cargo registry (or vendored): NAME-X.Y.Z[-pre][+build].
VERSIONED_DIR = re.compile(r"([A-Za-z0-9_-]+?)-\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?")


def run(*cmd, stdin=None):
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=True).stdout


def crate_of_path(path):
    """The crate a source file belongs to, from its path, or None."""
    m = re.search(r"^/rustc/[0-9a-f]+/library/([^/]+)/|/rustlib/src/rust/library/([^/]+)/", path)
    if m:
        name = m.group(1) or m.group(2)
        return LIBRARY_ALIASES.get(name, name.replace("-", "_"))
    parts = path.split("/")
    for p in parts:  # ~/.cargo/registry/src/<index>/httparse-1.10.1/src/lib.rs
        m = VERSIONED_DIR.fullmatch(p)
        if m:
            return m.group(1).replace("-", "_")
    if "src" in parts:  # <workspace>/crates/sts-codec/src/xml.rs, nostd-proof/src/main.rs
        i = parts.index("src")
        if parts[i + 1 : i + 2] == ["bin"] and len(parts) > i + 2:  # src/bin/firmware-tls.rs
            return parts[i + 2].removesuffix(".rs").replace("-", "_")
        if i > 0 and parts[i - 1]:
            return parts[i - 1].replace("-", "_")
    return None


def crate_of_symbol(name):
    """The crate a demangled symbol is defined in: the first `crate::` of its path."""
    if name.startswith("OUTLINED_FUNCTION_"):
        return "(outlined)"
    m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)::", name)
    return m.group(1) if m else "(unmangled)"


def sections(elf):
    """{section name: size} from `size -A`."""
    out = {}
    for line in run("size", "-A", elf).splitlines():
        f = line.split()
        if len(f) == 3 and f[0].startswith(".") and f[1].isdigit():
            out[f[0]] = int(f[1])
    return out


def text_range(elf):
    """(start address, size) of `.text`, from the section headers."""
    for line in run("readelf", "-W", "-S", elf).splitlines():
        f = line.replace("[ ", "[").split()
        if len(f) > 5 and f[1] == ".text":
            return int(f[3], 16), int(f[5], 16)
    sys.exit(f"size_by_crate: {elf} has no .text section")


def owners(elf):
    """(Counter by source, Counter by symbol) of `.text` bytes."""
    start, size = text_range(elf)
    n = size // 2
    by_symbol = ["(no symbol)"] * n
    symbols = []
    for line in run("nm", "-S", "-C", "--defined-only", elf).splitlines():
        f = line.split(None, 3)
        if len(f) == 4 and f[2] in "tTwW":
            symbols.append((int(f[0], 16) & ~1, int(f[1], 16), crate_of_symbol(f[3])))  # bit 0: Thumb
    # Where an unmangled alias (`memcpy`) and a Rust path share an address, the path wins.
    symbols.sort(key=lambda s: s[2] != "(unmangled)")
    for addr, length, crate in symbols:
        lo, hi = max(addr, start), min(addr + length, start + size)
        for i in range((lo - start) // 2, (hi - start + 1) // 2):
            by_symbol[i] = crate

    addrs = "".join(f"{start + 2 * i:#x}\n" for i in range(n))
    by_source = list(by_symbol)
    i, chain, located = -1, [], 0

    def settle():
        nonlocal located
        if i < 0:
            return
        crates = []
        for loc in chain:
            path, _, line = loc.split(" (discriminator")[0].rpartition(":")
            if path in ("", "??") or not line.isdigit() or line == "0":
                continue
            crate = crate_of_path(path)
            if crate:
                crates.append(crate)
        own = [c for c in crates if c not in INLINED_INTO_CALLER]
        if own or crates:
            by_source[i] = (own or crates)[0]
            located += 1

    for line in run("addr2line", "-a", "-i", "-e", elf, stdin=addrs).splitlines():
        if line.startswith("0x"):
            settle()
            i, chain = (int(line, 16) - start) // 2, []
        else:
            chain.append(line)
    settle()
    if not located:
        sys.exit(f"size_by_crate: {elf} has no line tables (build it with debug info)")
    return Counter({k: 2 * v for k, v in Counter(by_source).items()}), Counter(
        {k: 2 * v for k, v in Counter(by_symbol).items()}
    )


def fmt(n):
    return f"{n:,}".replace(",", " ")


def crate_table(title, names, counters, totals):
    """Rows: the NAMED crates, then any crate with at least 1% of a binary's
    `.text`, then the other crates summed, then the owners that are not crates."""
    pseudo = ["(unmangled)", "(outlined)", "(no symbol)"]
    big = Counter()
    for c, t in zip(counters, totals):
        big.update({k: v for k, v in c.items() if 100 * v >= t and k not in NAMED and k not in pseudo})
    rows = NAMED + [k for k, _ in big.most_common()]
    small = [k for c in counters for k in c if k not in rows and k not in pseudo]
    others = [sum(c[k] for k in set(small)) for c in counters]

    def line(label, values):
        cells = [f"{fmt(v)} ({100 * v / t:.1f}%)" if v else "0" for v, t in zip(values, totals)]
        print(f"| {label} | " + " | ".join(cells) + " |")

    print(f"| {title} | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for r in rows:
        line(f"`{r}`", [c[r] for c in counters])
    if any(others):
        line(f"others ({len(set(small))} crates)", others)
    for r in pseudo:
        if any(c[r] for c in counters):
            line(r, [c[r] for c in counters])
    print("| total | " + " | ".join(f"**{fmt(t)}**" for t in totals) + " |")
    if any(others):
        print(f"\nOthers: {', '.join(sorted(set(small)))}.")


def main(args):
    if not args or any("=" not in a for a in args):
        sys.exit(__doc__)
    names, pairs = zip(*(a.split("=", 1) for a in args))
    elves = [p.split(":")[0] for p in pairs]
    debug_elves = [p.split(":")[-1] for p in pairs]
    secs = [sections(e) for e in elves]
    print("| section | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for s in (".text", ".rodata", ".data", ".bss"):
        print(f"| `{s}` | " + " | ".join(fmt(x.get(s, 0)) for x in secs) + " |")
    print()
    results = [owners(e) for e in debug_elves]
    totals = [sum(r[0].values()) for r in results]
    crate_table("`.text` by source crate", names, [r[0] for r in results], totals)
    print()
    crate_table("`.text` by symbol crate", names, [r[1] for r in results], totals)
    for name, e, d, s, t in zip(names, elves, debug_elves, secs, totals):
        if e != d:
            print(f"\n{name}: crates counted in a build with debug info, whose `.text` is {fmt(t)} bytes "
                  f"({t - s['.text']:+} against the build above: debug info moves a few instructions).")


if __name__ == "__main__":
    main(sys.argv[1:])
