#!/usr/bin/env python3
"""Stack frames on the exchange path: the largest frames of the functions a
root function reaches by direct calls, and the deepest chain of direct calls,
in a thumbv7em ELF built with `-Z emit-stack-sizes`. Called by
`benches/size.sh --stack`, which builds the ELFs; standard library only, plus
`llvm-objdump` (rustup's llvm-tools).

    python3 benches/stack_frames.py LLVM_OBJDUMP NAME=ELF=ROOT_REGEX [...] [--top N]

- Frames: the `.stack_sizes` section LLVM writes with `-Z emit-stack-sizes`
  (pairs of a function address, 4 bytes, and its fixed frame in bytes,
  ULEB128): everything the prologue reserves (pushed registers and locals).
  Rust has no `alloca`, so the frame is the whole of a function's own use.
- Calls: `bl`/`b`/`b.w` whose target is the start of another function, from
  `llvm-objdump -d`. Calls through a pointer (`blx rN`: `core::fmt`'s
  `Display` and `Write` impls, `dyn` traits) are not followed, so the chain is
  a lower bound of the true peak; a tail call (`b.w`) is counted as a call,
  an upper bound for that step. Functions with no `.stack_sizes` entry
  (LLVM's outlined sequences, assembly) count 0.
- Root: the function whose demangled name matches ROOT_REGEX (the first by
  address if several).
"""

import re
import struct
import subprocess
import sys


# Functions that only panic (core's `#[cold]` `-> !` helpers and the handler).
PANIC = re.compile(r"panic|_fail\b|unwrap_failed|expect_failed|rust_begin_unwind")


def stack_sizes(elf):
    """{function address: frame bytes} from the `.stack_sizes` section (ELF32 LE)."""
    data = open(elf, "rb").read()
    if data[:6] != b"\x7fELF\x01\x01":
        sys.exit(f"stack_frames: {elf}: not a 32-bit little-endian ELF")
    shoff, = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
    headers = [struct.unpack_from("<IIIIII", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = headers[shstrndx][4]
    for name, _, _, _, offset, size in headers:
        if data[strtab + name : data.index(b"\0", strtab + name)] == b".stack_sizes":
            section = data[offset : offset + size]
            break
    else:
        sys.exit(f"stack_frames: {elf} has no .stack_sizes section (built without -Z emit-stack-sizes?)")
    frames, i = {}, 0
    while i < len(section):
        addr, = struct.unpack_from("<I", section, i)
        i += 4
        size = shift = 0
        while True:  # ULEB128
            byte = section[i]
            i += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        if addr:  # 0: a function the linker dropped
            frames[addr & ~1] = size  # bit 0 marks Thumb code
    return frames


def call_graph(objdump, elf):
    """({function address: demangled name}, {caller address: set of callee addresses})."""
    out = subprocess.run(
        [objdump, "-d", "-C", "--no-show-raw-insn", elf], capture_output=True, text=True, check=True
    ).stdout
    header = re.compile(r"^([0-9a-f]+) <(.*)>:$")
    branch = re.compile(r"^\s+[0-9a-f]+:\s+b(?:l|\.w|)\s+0x([0-9a-f]+) <(.*)>")
    names, calls, current = {}, {}, None
    for line in out.splitlines():
        m = header.match(line)
        if m:
            current = int(m.group(1), 16)
            names[current] = m.group(2)
            calls.setdefault(current, set())
            continue
        m = branch.match(line)
        if m and current is not None and "+0x" not in m.group(2):
            target = int(m.group(1), 16)
            if target != current:
                calls[current].add(target)
    return names, calls


def report(objdump, name, elf, root_regex, top):
    frames = stack_sizes(elf)
    names, calls = call_graph(objdump, elf)
    roots = sorted(a for a, n in names.items() if re.search(root_regex, n))
    if not roots:
        sys.exit(f"stack_frames: {name}: no function matches {root_regex!r}")
    root = roots[0]
    # The success path: a call into a panic ends the program, not the exchange.
    calls = {a: {c for c in cs if not PANIC.search(names.get(c, ""))} for a, cs in calls.items()}

    reach, todo = set(), [root]
    while todo:
        a = todo.pop()
        if a not in reach:
            reach.add(a)
            todo.extend(calls.get(a, ()))

    # Deepest chain: longest path by frame bytes; a call back into the chain
    # being walked (recursion) is reported and not followed.
    best, recursion = {}, set()

    def deepest(a, path):
        if a in best:
            return best[a]
        cands = []
        for c in calls.get(a, ()):
            if c in path:
                recursion.add((names.get(a, hex(a)), names.get(c, hex(c))))
                continue
            cands.append(deepest(c, path | {c}))
        total, chain = max(cands, default=(0, []))
        best[a] = (frames.get(a, 0) + total, [a] + chain)
        return best[a]

    sys.setrecursionlimit(100_000)
    depth, chain = deepest(root, {root})

    print(f"**{name}**: the {top} largest frames of the {len(reach)} functions that "
          f"`{names[root]}` reaches by direct calls")
    print()
    print("| function | frame bytes |")
    print("|---|---:|")
    for a in sorted(reach, key=lambda a: (-frames.get(a, 0), names[a]))[:top]:
        print(f"| `{names[a]}` | {fmt(frames.get(a, 0))} |")
    print()
    steps = " → ".join(f"`{short(names[a])}` {fmt(frames.get(a, 0))}" for a in chain if frames.get(a, 0))
    print(f"Deepest chain of direct calls from it, panics left out: **{fmt(depth)} bytes** ({steps})")
    for caller, callee in sorted(recursion):
        print(f"\nRecursion, not followed: `{caller}` → `{callee}`")
    print()


def fmt(n):
    return f"{n:,}".replace(",", " ")


def short(name):
    """A demangled name without generic arguments: `HttpClient<C>::send::<T>` -> `HttpClient::send`."""
    while True:
        shorter = re.sub(r"(?:(?<=[A-Za-z0-9_])|::)<[^<>]*>", "", name)
        if shorter == name:
            return name
        name = shorter


def main(args):
    top = 5
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i : i + 2]
    if len(args) < 2 or any(a.count("=") < 2 for a in args[1:]):
        sys.exit(__doc__)
    for spec in args[1:]:
        name, elf, root = spec.split("=", 2)
        report(args[0], name, elf, root, top)


if __name__ == "__main__":
    main(sys.argv[1:])
