#!/usr/bin/env bash
# Throughput of reading frontend calls: generates a tree of JS/TS files (default 6,000 files,
# about 50 MB, one in twenty sending requests through an imported client and base URL), then
# times `routelint calls` on it and `rg -c 'fetch\(|axios'` on the same tree, in the same run.
# Prints files/s, MB/s and the ratio to ripgrep (target: within 3x). Nothing is committed:
# the tree lives under target/bench-data/js-calls.
set -euo pipefail
cd "$(dirname "$0")/.."
files=${FILES:-6000}
dest=target/bench-data/js-calls
if ! command -v rg >/dev/null; then
  echo "installing ripgrep…" >&2
  (apt-get install -y ripgrep >/dev/null 2>&1 || sudo apt-get install -y ripgrep >/dev/null 2>&1) || {
    echo "ripgrep is needed (apt-get install ripgrep)" >&2
    exit 1
  }
fi
if [ ! -f "$dest/.files-$files" ]; then
  rm -rf "$dest"
  mkdir -p "$dest"
  python3 - "$dest" "$files" <<'PY'
import os, sys, random
dest, n = sys.argv[1], int(sys.argv[2])
random.seed(7)
os.makedirs(f"{dest}/src/api", exist_ok=True)
with open(f"{dest}/src/api/config.ts", "w") as f:
    f.write("export const API_BASE = '/shop/api';\n")
with open(f"{dest}/src/api/client.ts", "w") as f:
    f.write("import axios from 'axios';\nimport { API_BASE } from './config';\n"
            "export const client = axios.create({ baseURL: API_BASE });\n")
words = ["total", "items", "price", "label", "value", "count", "index", "state", "props", "color"]
def plain(i):
    out = [f"// Module {i}: formatting and state helpers.\n", "import { clamp } from '../util/math';\n\n"]
    size = 0
    k = 0
    while size < 8000:
        a, b = random.choice(words), random.choice(words)
        out.append(f"export function {a}_{b}_{i}_{k}(input: number[], limit = {k}) {{\n"
                   f"  const {a} = input.filter((x) => x > limit).map((x) => x * {k + 1});\n"
                   f"  let {b}Sum = 0;\n  for (const v of {a}) {{ {b}Sum += clamp(v, 0, 100); }}\n"
                   f"  return {{ {a}, {b}Sum, name: '{a}-{b}-{k}' }};\n}}\n\n")
        size += len(out[-1])
        k += 1
    return "".join(out)
def calls(i):
    return (f"import {{ client }} from '../api/client';\nimport {{ API_BASE }} from '../api/config';\n\n"
            f"export const list{i} = () => client.get('/items/{i}');\n"
            f"export const save{i} = (id: string, body: unknown) => client.patch(`/items/{i}/${{id}}`, body);\n"
            f"export async function load{i}(id: string) {{\n  return fetch(`${{API_BASE}}/orders/${{id}}`);\n}}\n") + plain(i)
for i in range(n):
    d = f"{dest}/src/m{i // 100}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/f{i}.ts", "w") as f:
        f.write(calls(i) if i % 20 == 0 else plain(i))
os.makedirs(f"{dest}/src/util", exist_ok=True)
with open(f"{dest}/src/util/math.ts", "w") as f:
    f.write("export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));\n")
PY
  touch "$dest/.files-$files"
fi
cargo build --release --quiet
count=$(find "$dest/src" -type f | wc -l)
bytes=$(du -sb "$dest/src" | cut -f1)
# Both commands run in turns, RUNS times each (default 11), after one warm-up run each; the
# medians are compared (a shared machine's noise moves single runs by 20%).
python3 - "$count" "$bytes" "$dest" "${RUNS:-11}" <<'PY'
import statistics, subprocess, sys, time
n, b, dest, runs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
commands = {
    "routelint calls": ["./target/release/routelint", "calls", dest],
    "ripgrep": ["rg", "-c", r"fetch\(|axios", dest],
}
times = {name: [] for name in commands}
for i in range(runs + 1):
    for name, cmd in commands.items():
        t0 = time.perf_counter()
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - t0
        if i > 0:
            times[name].append(elapsed)
        if name == "routelint calls" and i == 0:
            last = out.stdout.decode().strip().splitlines()[-1:]
print(f"tree: {n} files, {b / 1e6:.1f} MB; {runs} runs each, medians")
med = {name: statistics.median(t) for name, t in times.items()}
for name, t in med.items():
    print(f"{name + ':':17} {t:.3f} s  (min {min(times[name]):.3f} s; {n / t:,.0f} files/s, {b / 1e6 / t:.1f} MB/s)")
print(f"ratio: {med['routelint calls'] / med['ripgrep']:.2f}x ripgrep (target: within 3x)")
print(*last)
PY
